//! Re-planning during the day (issue 10, item 4), on random days under a rush-hour model with
//! lunch and confirmed visits: what started stays, cancelled visits go, added ones are fitted
//! in after `now`, and the result passes the resumed check.

mod common;
use common::*;
use housecall_core::*;

fn visits(plan: &Plan) -> Vec<(String, String, Seconds, Seconds)> {
    plan.itineraries
        .iter()
        .flat_map(|it| {
            it.visits()
                .map(move |v| (v.booking.clone(), it.therapist.clone(), v.start, v.end))
        })
        .collect()
}

#[test]
fn random_replans_keep_what_started_and_pass_the_resumed_check() {
    let mut r = Lcg(17);
    let model = RushHour;
    let mut checked = 0;
    for round in 0..30 {
        let p = day(&mut r, 6 + round % 8);
        let plan = solve(&p, &model, &opts()).unwrap();
        let now = Seconds::hm(9 + r.below(7) as i64, 15 * r.below(4) as i64);
        let mut resume = Resume::new(None, now);
        let all = visits(&plan);
        let started: Vec<_> = all.iter().filter(|v| v.2 < now).cloned().collect();
        let later: Vec<_> = all.iter().filter(|v| v.2 >= now).cloned().collect();
        if let Some(v) = later.first() {
            resume.cancel.push(v.0.clone());
        }
        if let Some(v) = started.iter().find(|v| v.3 > now) {
            resume.delay.push((v.0.clone(), Seconds::from_minutes(20)));
        }
        resume.add.push(booking(&mut r, "added".into()));
        if r.below(2) == 0 {
            resume.at.push(("ann".into(), at(&mut r)));
        }
        let again = replan(&p, &model, &opts(), &plan, &resume).unwrap();
        let v = check_resumed(&p, &model, &again.plan, &resume).unwrap();
        assert!(v.is_empty(), "round {round}: {v:?}");
        let after = visits(&again.plan);
        for s in &started {
            let kept = after
                .iter()
                .find(|a| a.0 == s.0)
                .expect("a started visit stays");
            assert_eq!(
                (&kept.1, kept.2),
                (&s.1, s.2),
                "round {round}: {} moved",
                s.0
            );
            let delayed = resume.delay.iter().any(|d| d.0 == s.0);
            assert_eq!(kept.3, s.3 + Seconds(if delayed { 1200 } else { 0 }));
        }
        for a in after.iter().filter(|a| !started.iter().any(|s| s.0 == a.0)) {
            assert!(a.2 >= now, "round {round}: {} starts before now", a.0);
            assert!(!resume.cancel.contains(&a.0));
        }
        for c in &resume.cancel {
            let u = again
                .plan
                .unassigned
                .iter()
                .find(|u| u.booking == *c)
                .unwrap();
            assert_eq!(u.reason, Reason::Cancelled);
            assert!(again
                .changes
                .iter()
                .any(|x| x == &format!("{c}: cancelled")));
        }
        assert_eq!(
            again.plan.served() + again.plan.unassigned.len(),
            again.problem.bookings.len()
        );
        checked += 1;
    }
    assert_eq!(checked, 30);
}

#[test]
fn the_resumed_check_catches_a_bad_rest_of_day() {
    let mut r = Lcg(4);
    let model = RushHour;
    let p = day(&mut r, 8);
    let plan = solve(&p, &model, &opts()).unwrap();
    let resume = Resume::new(None, Seconds::hm(10, 0));
    let again = replan(&p, &model, &opts(), &plan, &resume).unwrap();
    assert!(check_resumed(&p, &model, &again.plan, &resume)
        .unwrap()
        .is_empty());
    // Move a visit of the rest of the day by an hour: the check sees it.
    let mut broken = again.plan.clone();
    let visit = broken
        .itineraries
        .iter_mut()
        .flat_map(|it| it.stops.iter_mut())
        .find_map(|s| match s {
            Stop::Visit(v) if v.start >= resume.now => Some(v),
            _ => None,
        })
        .expect("a visit after 10:00");
    visit.start += Seconds(3600);
    visit.end += Seconds(3600);
    assert!(!check_resumed(&p, &model, &broken, &resume)
        .unwrap()
        .is_empty());
    // Drop a booking altogether: it is missing.
    let mut dropped = again.plan.clone();
    dropped.unassigned.clear();
    dropped.itineraries.retain(|it| it.visits().count() == 0);
    assert!(check_resumed(&p, &model, &dropped, &resume)
        .unwrap()
        .iter()
        .any(|v| v.code == ViolationCode::BookingMissing));
}

#[test]
fn bad_requests_are_errors_not_panics() {
    let mut r = Lcg(9);
    let model = RushHour;
    let p = day(&mut r, 6);
    let plan = solve(&p, &model, &opts()).unwrap();
    let first = visits(&plan)[0].clone();
    let mut resume = Resume::new(None, Seconds::hm(7, 0));
    resume.delay.push((first.0.clone(), Seconds(600)));
    let e = replan(&p, &model, &opts(), &plan, &resume).unwrap_err();
    assert!(e.to_string().contains("only a visit in progress"), "{e}");
    let mut resume = Resume::new(None, Seconds::hm(12, 0));
    resume.cancel.push("nobody".into());
    assert!(replan(&p, &model, &opts(), &plan, &resume).is_err());
    let mut resume = Resume::new(None, Seconds::hm(12, 0));
    resume.add.push(p.bookings[0].clone());
    assert!(replan(&p, &model, &opts(), &plan, &resume)
        .unwrap_err()
        .to_string()
        .contains("already a booking"));
}

#[test]
fn a_delay_must_be_a_positive_time() {
    let mut r = Lcg(31);
    let model = RushHour;
    let p = day(&mut r, 6);
    let plan = solve(&p, &model, &opts()).unwrap();
    let first = visits(&plan)[0].clone();
    let mut resume = Resume::new(None, first.2 + Seconds(60));
    resume.delay.push((first.0.clone(), Seconds(-600)));
    let e = replan(&p, &model, &opts(), &plan, &resume).unwrap_err();
    assert!(e.to_string().contains("positive time"), "{e}");
}
