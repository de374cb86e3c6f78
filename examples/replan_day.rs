//! Re-plan the rest of a day at 11:30: a visit runs long, another is cancelled.
//!
//! `cargo run --example replan_day`

use housecall_core::*;

fn main() -> Result<(), ProblemError> {
    let at = |lat, lon| Location { lat, lon };
    let hm = |h, m| Seconds::hm(h, m);
    let window = |a: Seconds, b: Seconds| TimeWindow::new(a, b).expect("start before end");
    let maya = Therapist::new("maya", at(43.7521, -79.7349), window(hm(8, 30), hm(18, 0)));
    let minutes = Seconds::from_minutes;
    let bookings = vec![
        Booking::new("b1", at(43.7315, -79.7624), minutes(60))
            .with_window(window(hm(9, 0), hm(9, 30))),
        Booking::new("b2", at(43.7172, -79.7190), minutes(60))
            .with_window(window(hm(10, 45), hm(11, 15))),
        Booking::new("b3", at(43.6780, -79.8230), minutes(45))
            .with_window(window(hm(13, 0), hm(15, 0))),
        Booking::new("b4", at(43.7000, -79.7800), minutes(60))
            .with_window(window(hm(14, 0), hm(17, 0))),
    ];
    let problem = Problem::new(bookings, vec![maya], None);
    let model = housecall_region::Region::western_gta().road_model();
    let opts = SolveOptions::default();
    let plan = solve(&problem, &model, &opts)?;
    let in_progress = plan.itineraries[0]
        .visits()
        .find(|v| v.start < hm(11, 30) && v.end > hm(11, 30))
        .map(|v| v.booking.clone());
    let mut resume = Resume::new(None, hm(11, 30));
    resume.cancel.push("b4".into());
    if let Some(id) = in_progress {
        resume.delay.push((id, minutes(20)));
    }
    let again = replan(&problem, &model, &opts, &plan, &resume)?;
    assert!(check_resumed(&problem, &model, &again.plan, &resume)?.is_empty());
    for change in &again.changes {
        println!("{change}");
    }
    for v in again.plan.itineraries[0].visits() {
        println!("  {}  {}-{}", v.booking, v.start, v.end);
    }
    Ok(())
}
