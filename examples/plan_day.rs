//! Plan a day through the library: two therapists, five bookings, the shipped road model.
//!
//! `cargo run --example plan_day`

use housecall_core::*;

fn main() -> Result<(), ProblemError> {
    let at = |lat, lon| Location { lat, lon };
    let hm = |h, m| Seconds::hm(h, m);
    let window = |a: Seconds, b: Seconds| TimeWindow::new(a, b).expect("start before end");
    let lunch = Lunch {
        window: window(hm(11, 30), hm(14, 0)),
        duration: Seconds::from_minutes(30),
    };
    let therapists = vec![
        Therapist::new("maya", at(43.7521, -79.7349), window(hm(8, 30), hm(18, 0)))
            .with_name("Maya Patel")
            .with_lunch(lunch)
            .with_skills(["cupping"])
            .with_max_visits(6),
        Therapist::new("liam", at(43.5125, -79.8830), window(hm(9, 0), hm(17, 30)))
            .with_lunch(lunch),
    ];
    let session = Seconds::from_minutes;
    let bookings = vec![
        Booking::new("b1", at(43.7315, -79.7624), session(60))
            .with_window(window(hm(9, 0), hm(10, 30))),
        Booking::new("b2", at(43.7172, -79.7190), session(60)),
        Booking::new("b3", at(43.5890, -79.6441), session(45)).with_skills(["cupping"]),
        Booking::new("b4", at(43.5183, -79.8774), session(90))
            .with_window(window(hm(13, 0), hm(15, 0)))
            .with_priority(Priority::Optional(50)),
        // Confirmed with liam at 10:00: kept there whatever else happens.
        Booking::new("b5", at(43.5950, -79.7500), session(60)).with_confirmed("liam", hm(10, 0)),
    ];
    let problem = Problem::new(bookings, therapists, None);
    let region = housecall_region::Region::western_gta();
    let model = region.road_model();
    let plan = solve(&problem, &model, &SolveOptions::default())?;
    assert!(
        check(&problem, &model, &plan).is_empty(),
        "every plan passes the checker"
    );
    for it in &plan.itineraries {
        println!("{} leaves at {}", it.therapist, it.leave);
        for v in it.visits() {
            println!(
                "  {}  {}-{}  ({} min drive)",
                v.booking,
                v.start,
                v.end,
                v.drive_time.round_minutes()
            );
        }
        println!("  back at {}, {:.1} km", it.back, it.drive_distance().km());
    }
    for u in &plan.unassigned {
        println!("not served: {} ({}: {})", u.booking, u.reason, u.detail);
    }
    Ok(())
}
