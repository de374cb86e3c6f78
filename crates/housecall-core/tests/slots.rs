//! Slot suggestions (issue 10, item 3) against brute force, and every suggestion booked as a
//! confirmed visit gives a plan the checker accepts, with the visit at the suggested time.

use housecall_core::*;

mod common;
use common::*;

/// [`RushHour`] that leaves every drive `matrix_of` is not asked for unreachable, so that an
/// answer that reads one of those differs.
struct Strict;

impl TravelModel for Strict {
    fn drive(&self, from: Location, to: Location, depart: Seconds) -> Drive {
        RushHour.drive(from, to, depart)
    }
    fn time_bins(&self) -> Vec<Seconds> {
        RushHour.time_bins()
    }
    fn name(&self) -> &str {
        "strict"
    }
    fn matrix_of(
        &self,
        locations: &[Location],
        needed: &(dyn Fn(usize, usize) -> bool + Sync),
    ) -> TravelMatrix {
        let (full, n, bins) = (self.matrix(locations), locations.len(), self.time_bins());
        let (mut time, mut distance) = (Vec::new(), Vec::new());
        for &at in &bins {
            for i in 0..n {
                for j in 0..n {
                    let d = if needed(i, j) {
                        full.drive(i, j, at)
                    } else {
                        Drive::UNREACHABLE
                    };
                    time.push(d.time.0.min(i32::MAX as i64) as i32);
                    distance.push(d.distance.0.min(i32::MAX as i64) as i32);
                }
            }
        }
        TravelMatrix::from_parts(n, bins, time, distance)
    }
}

/// `t` with body limits: ten minutes' rest between sessions, at most 100 minutes hands-on in
/// a row (then a 20-minute break).
fn rests_and_runs(t: &Therapist) -> Therapist {
    t.clone()
        .with_min_rest(Seconds::from_minutes(10))
        .with_max_run(Seconds::from_minutes(100), Seconds::from_minutes(20))
}

#[test]
fn fast_slots_agree_with_brute_force() {
    let mut r = Lcg(7);
    let all = SlotQuery::new(Seconds::from_minutes(15), usize::MAX);
    let mut compared = 0;
    let mut reasons = std::collections::HashSet::new();
    for round in 0..24 {
        let mut p = day(&mut r, 6 + round % 8);
        if round % 3 == 1 {
            // Body limits on the therapist with lunch, a driving limit too.
            p.therapists[0] =
                rests_and_runs(&p.therapists[0]).with_max_drive(Seconds::from_minutes(100));
        }
        let model = RushHour;
        let plan = solve(&p, &model, &opts()).unwrap();
        // Confirm two served visits where they are, so that they must stay.
        for v in plan
            .itineraries
            .iter()
            .flat_map(|i| i.visits().take(1).map(move |v| (i, v)))
        {
            let b = p.booking_index(&v.1.booking).unwrap();
            p.bookings[b].therapist = Some(v.0.therapist.clone());
            p.bookings[b].confirmed = Some(v.1.start);
        }
        let prepared = Prepared::new(&p, &model, &plan).unwrap();
        // Questions no slot answers, for their reasons, from the strict model too: a session
        // longer than any shift, and one pinned to the moment of a confirmed visit of its
        // therapist (it fits alone, not with that visit).
        let at = p.bookings[0].location;
        let mut unanswered = vec![Booking::new("long", at, Seconds::from_minutes(600))];
        if let Some(first) = plan.itineraries.first() {
            let v = first.visits().next().unwrap();
            let moment = TimeWindow::new(v.start, v.start).unwrap();
            unanswered.push(
                Booking::new("clash", at, Seconds::from_minutes(45))
                    .with_window(moment)
                    .with_therapist(first.therapist.clone()),
            );
        }
        for new in &unanswered {
            let full = prepared.slots(new, &all).unwrap();
            let once = Prepared::slots_once(&p, &Strict, &plan, new, &all).unwrap();
            assert_eq!(once, full, "round {round}, request {}", new.id);
            if let Some((reason, _)) = full.none {
                reasons.insert(reason);
            }
        }
        for k in 0..4 {
            let new = booking(&mut r, format!("new{k}"));
            let fast = prepared.slots(&new, &all).unwrap();
            let brute = prepared.slots_brute_force(&new, &all).unwrap();
            assert_eq!(fast, brute, "round {round}, request {k}");
            // One question at a time, from one matrix: the same answer.
            // From a model that computes only the drives the question says it needs.
            let once = Prepared::slots_once(&p, &Strict, &plan, &new, &all).unwrap();
            assert_eq!(once, fast, "round {round}, request {k}");
            compared += fast.slots.len();
            // Asking for the best few skips positions that cannot make them: the same best.
            for top in [1, 3] {
                let q = SlotQuery::new(Seconds::from_minutes(15), top);
                let few = prepared.slots(&new, &q).unwrap();
                assert_eq!(few.slots[..], brute.slots[..top.min(brute.slots.len())]);
            }
        }
    }
    assert!(compared > 200, "only {compared} slots compared");
    assert!(
        reasons.contains(&Reason::DayFull) && reasons.len() >= 2,
        "reasons compared: {reasons:?}"
    );
}

#[test]
fn every_suggestion_booked_as_confirmed_passes_check() {
    suggestions_booked_as_confirmed(&RushHour);
    // With distances that depend on the time of day too.
    suggestions_booked_as_confirmed(&Detours);
}

fn suggestions_booked_as_confirmed(model: &dyn TravelModel) {
    let mut r = Lcg(3);
    for round in 0..6 {
        let p = day(&mut r, 8);
        let plan = solve(&p, model, &opts()).unwrap();
        let prepared = Prepared::new(&p, model, &plan).unwrap();
        let new = booking(&mut r, "new".into());
        let answer = prepared.slots(&new, &SlotQuery::default()).unwrap();
        assert_eq!(answer.none.is_some(), answer.slots.is_empty());
        for (k, slot) in answer.slots.iter().enumerate() {
            // Ranked: least added driving first, then waiting.
            if let Some(next) = answer.slots.get(k + 1) {
                assert!(
                    (slot.added_drive, slot.added_waiting)
                        <= (next.added_drive, next.added_waiting)
                );
            }
            assert!(new.windows.is_empty() || new.windows.iter().any(|w| w.contains(slot.start)));
            assert_eq!(slot.start.0 % 900, 0, "on the 15-minute grid");
            let mut booked = p.clone();
            booked.bookings.push(
                new.clone()
                    .with_confirmed(slot.therapist.clone(), slot.start),
            );
            let again = solve_from(
                &booked,
                model,
                &SolveOptions {
                    iterations: 0,
                    ..opts()
                },
                &plan,
            )
            .unwrap();
            let v = check(&booked, model, &again);
            assert!(v.is_empty(), "round {round}, slot {k}: {v:?} {slot:?}");
            let it = again
                .itineraries
                .iter()
                .find(|i| i.therapist == slot.therapist && i.date == slot.date)
                .expect("the day with the new visit");
            let v = it.visits().find(|v| v.booking == "new").expect("booked");
            assert_eq!(v.start, slot.start);
            assert_eq!(again.served(), plan.served() + 1, "nothing traded for it");
            assert_eq!(it.visits().count(), slot.day_visits);
        }
    }
}

/// A slot's day distance is read without the day's timetable when every leg is as long at
/// every time it could be driven; debug builds assert, for every slot, that this is the
/// timetable's distance (so the test runs only there). Here on days whose distances depend
/// on the time of day (detours in the rush hours), some with body limits beside lunch, every
/// slot of every question: about 1,400 day distances, 280 of them with a leg whose length
/// changes within the shift, of which 58 are still read without the timetable.
#[cfg(debug_assertions)]
#[test]
fn day_distances_with_detours_agree_with_timetables() {
    let mut r = Lcg(11);
    let all = SlotQuery::new(Seconds::from_minutes(15), usize::MAX);
    let mut slots = 0;
    for round in 0..12 {
        let mut p = day(&mut r, 6 + round % 6);
        if round % 2 == 1 {
            p.therapists[0] = rests_and_runs(&p.therapists[0]);
        }
        let plan = solve(&p, &Detours, &opts()).unwrap();
        let prepared = Prepared::new(&p, &Detours, &plan).unwrap();
        for k in 0..3 {
            let new = booking(&mut r, format!("new{k}"));
            slots += prepared.slots(&new, &all).unwrap().slots.len();
        }
    }
    assert!(slots > 200, "only {slots} slots");
}

#[test]
fn nothing_fits_says_why() {
    let mut r = Lcg(5);
    let p = day(&mut r, 4);
    let model = RushHour;
    let plan = solve(&p, &model, &opts()).unwrap();
    let prepared = Prepared::new(&p, &model, &plan).unwrap();
    let far = Booking::new("x", p.bookings[0].location, Seconds::from_minutes(60))
        .with_window(tw((6, 0), (7, 0)));
    let answer = prepared.slots(&far, &SlotQuery::default()).unwrap();
    assert!(answer.slots.is_empty());
    assert_eq!(answer.none.as_ref().unwrap().0, Reason::NoWindowFits);
    let skill = Booking::new("y", p.bookings[0].location, Seconds::from_minutes(60))
        .with_skills(["hydrotherapy"]);
    let answer = prepared.slots(&skill, &SlotQuery::default()).unwrap();
    assert_eq!(answer.none.as_ref().unwrap().0, Reason::MissingSkill);
}
