//! Limits that protect the body on random days (rush hour, lunch): every plan passes the
//! independent checker, which verifies heavy sessions, rest, runs and driving itself, and
//! slot suggestions under the limits agree with brute force.

mod common;
use common::*;
use housecall_core::*;

/// A random day whose first therapist has every body limit.
fn limited_day(r: &mut Lcg, n: usize) -> Problem {
    let mut p = day(r, n);
    for b in &mut p.bookings {
        b.heavy = r.below(2) == 0;
    }
    p.therapists[0] = p.therapists[0]
        .clone()
        .with_max_heavy(1 + r.below(2) as u32)
        .with_min_rest(Seconds::from_minutes(15 + 5 * r.below(4) as i64))
        .with_max_run(
            Seconds::from_minutes(90 + 30 * r.below(3) as i64),
            Seconds::from_minutes(30),
        )
        .with_max_drive(Seconds::from_minutes(60 + 30 * r.below(4) as i64));
    p
}

#[test]
fn plans_under_body_limits_pass_the_checker() {
    let mut r = Lcg(23);
    let model = RushHour;
    let mut limited_visits = 0;
    for round in 0..30 {
        let p = limited_day(&mut r, 8 + round % 6);
        let plan = solve(&p, &model, &opts()).unwrap();
        let v = check(&p, &model, &plan);
        assert!(v.is_empty(), "round {round}: {v:?}");
        limited_visits += plan
            .itineraries
            .iter()
            .filter(|it| it.therapist == "ann")
            .map(|it| it.visits().count())
            .sum::<usize>();
        for u in &plan.unassigned {
            assert!(!u.detail.is_empty());
        }
    }
    assert!(
        limited_visits > 60,
        "{limited_visits}: the limited therapist still works"
    );
}

#[test]
fn slots_under_body_limits_agree_with_brute_force() {
    let mut r = Lcg(29);
    let model = RushHour;
    let all = SlotQuery::new(Seconds::from_minutes(15), usize::MAX);
    let mut compared = 0;
    for round in 0..12 {
        let p = limited_day(&mut r, 6 + round % 5);
        let plan = solve(&p, &model, &opts()).unwrap();
        let prepared = Prepared::new(&p, &model, &plan).unwrap();
        for k in 0..3 {
            let mut new = booking(&mut r, format!("new{k}"));
            new.heavy = k == 0;
            let fast = prepared.slots(&new, &all).unwrap();
            assert_eq!(
                fast,
                prepared.slots_brute_force(&new, &all).unwrap(),
                "round {round}"
            );
            compared += fast.slots.len();
        }
    }
    assert!(compared > 100, "{compared}");
}
