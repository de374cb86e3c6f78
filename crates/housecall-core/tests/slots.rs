//! Slot suggestions (issue 10, item 3) against brute force, and every suggestion booked as a
//! confirmed visit gives a plan the checker accepts, with the visit at the suggested time.

use housecall_core::*;

/// Straight-line drives with a morning and an evening rush hour, interpolated between hourly
/// knots as the matrix does (gentle enough to stay FIFO).
struct RushHour;

impl TravelModel for RushHour {
    fn drive(&self, from: Location, to: Location, depart: Seconds) -> Drive {
        let base = StraightLine::default().drive(from, to, depart);
        let factor = |h: usize| match h {
            7 | 8 => 16,
            16 | 17 => 15,
            _ => 10,
        };
        Drive {
            time: Seconds(interpolate(&self.time_bins(), depart, |k| {
                base.time.0 * factor(k) / 10
            })),
            distance: base.distance,
        }
    }
    fn time_bins(&self) -> Vec<Seconds> {
        (0..24).map(|h| Seconds(h * 3600)).collect()
    }
    fn name(&self) -> &str {
        "rush-hour"
    }
}

fn tw(a: (i64, i64), b: (i64, i64)) -> TimeWindow {
    TimeWindow::new(Seconds::hm(a.0, a.1), Seconds::hm(b.0, b.1)).unwrap()
}

/// A small deterministic generator, so that the test needs no RNG crate.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    fn unit(&mut self) -> f64 {
        self.below(1 << 20) as f64 / (1u64 << 20) as f64
    }
}

fn at(r: &mut Lcg) -> Location {
    Location {
        lat: 43.55 + r.unit() * 0.25,
        lon: -79.85 + r.unit() * 0.25,
    }
}

fn booking(r: &mut Lcg, id: String) -> Booking {
    let minutes = [45, 60, 90][r.below(3) as usize];
    let b = Booking::new(id, at(r), Seconds::from_minutes(minutes));
    match r.below(3) {
        0 => b,
        1 => {
            let s = 9 * 60 + 15 * r.below(24) as i64;
            b.with_window(tw((s / 60, s % 60), ((s + 90) / 60, (s + 90) % 60)))
        }
        _ => b
            .with_window(tw((9, 0), (10, 30)))
            .with_window(tw((14, 0), (16, 0))),
    }
}

/// A day of `n` bookings and two therapists, one with lunch; some bookings confirmed.
fn day(r: &mut Lcg, n: usize) -> Problem {
    let home = Location {
        lat: 43.70,
        lon: -79.75,
    };
    let lunch = Lunch {
        window: tw((11, 30), (14, 0)),
        duration: Seconds::from_minutes(30),
    };
    let therapists = vec![
        Therapist::new("ann", home, tw((8, 30), (18, 0)))
            .with_lunch(lunch)
            .with_max_visits(7),
        Therapist::new("ben", at(r), tw((9, 0), (17, 0))),
    ];
    let bookings = (0..n).map(|i| booking(r, format!("b{i}"))).collect();
    Problem::new(bookings, therapists, None)
}

fn opts() -> SolveOptions {
    SolveOptions {
        iterations: 50,
        threads: 1,
        ..SolveOptions::default()
    }
}

#[test]
fn fast_slots_agree_with_brute_force() {
    let mut r = Lcg(7);
    let all = SlotQuery::new(Seconds::from_minutes(15), usize::MAX);
    let mut compared = 0;
    for round in 0..24 {
        let mut p = day(&mut r, 6 + round % 8);
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
        for k in 0..4 {
            let new = booking(&mut r, format!("new{k}"));
            let fast = prepared.slots(&new, &all).unwrap();
            let brute = prepared.slots_brute_force(&new, &all).unwrap();
            assert_eq!(fast, brute, "round {round}, request {k}");
            compared += fast.slots.len();
        }
    }
    assert!(compared > 200, "only {compared} slots compared");
}

#[test]
fn every_suggestion_booked_as_confirmed_passes_check() {
    let mut r = Lcg(3);
    let model = RushHour;
    for round in 0..6 {
        let p = day(&mut r, 8);
        let plan = solve(&p, &model, &opts()).unwrap();
        let prepared = Prepared::new(&p, &model, &plan).unwrap();
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
                &model,
                &SolveOptions {
                    iterations: 0,
                    ..opts()
                },
                &plan,
            )
            .unwrap();
            let v = check(&booked, &model, &again);
            assert!(v.is_empty(), "round {round}, slot {k}: {v:?} {slot:?}");
            let it = again
                .itineraries
                .iter()
                .find(|i| i.therapist == slot.therapist)
                .expect("the day with the new visit");
            let v = it.visits().find(|v| v.booking == "new").expect("booked");
            assert_eq!(v.start, slot.start);
            assert_eq!(again.served(), plan.served() + 1, "nothing traded for it");
            assert_eq!(it.visits().count(), slot.day_visits);
        }
    }
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
