//! Suggest start times for one more visit into a planned day: what a booking page asks.
//!
//! `cargo run --example suggest_slots`

use housecall_core::*;

fn main() -> Result<(), ProblemError> {
    let at = |lat, lon| Location { lat, lon };
    let hm = |h, m| Seconds::hm(h, m);
    let window = |a: Seconds, b: Seconds| TimeWindow::new(a, b).expect("start before end");
    let maya = Therapist::new("maya", at(43.7521, -79.7349), window(hm(8, 30), hm(18, 0)))
        .with_lunch(Lunch {
            window: window(hm(11, 30), hm(14, 0)),
            duration: Seconds::from_minutes(30),
        });
    let booked = vec![
        Booking::new("b1", at(43.7315, -79.7624), Seconds::from_minutes(60))
            .with_window(window(hm(9, 0), hm(10, 0))),
        Booking::new("b2", at(43.7172, -79.7190), Seconds::from_minutes(60))
            .with_confirmed("maya", hm(13, 0)),
        Booking::new("b3", at(43.6780, -79.8230), Seconds::from_minutes(45)),
    ];
    let problem = Problem::new(booked, vec![maya], None);
    let region = housecall_region::Region::western_gta();
    let model = region.road_model();
    let plan = solve(&problem, &model, &SolveOptions::default())?;
    // Prepare once; answer many requests (the matrix is kept, one location added each time).
    let day = Prepared::new(&problem, &model, &plan)?;
    let request = Booking::new("new", at(43.7360, -79.6530), Seconds::from_minutes(60))
        .with_window(window(hm(9, 0), hm(17, 0)));
    let answer = day.slots(&request, &SlotQuery::new(Seconds::from_minutes(15), 5))?;
    for s in &answer.slots {
        println!(
            "{} at {} (after {} visits): +{} min driving, {:.1} km; day ends {}",
            s.therapist,
            s.start,
            s.position,
            s.added_drive.round_minutes(),
            s.added_distance.km(),
            s.day_end
        );
    }
    if let Some((reason, detail)) = &answer.none {
        println!("no slot: {reason}: {detail}");
    }
    Ok(())
}
