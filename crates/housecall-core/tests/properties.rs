//! Properties of the solver over random small days, through the public API: nothing lost or
//! duplicated, every plan passes the checker, the exact method is never worse than the
//! heuristic, and the heuristic usually finds the optimum.

use housecall_core::*;
use proptest::prelude::*;

fn model() -> StraightLine {
    StraightLine::default()
}

fn tw(a: i64, b: i64) -> TimeWindow {
    TimeWindow::new(Seconds::from_minutes(a), Seconds::from_minutes(b)).unwrap()
}

#[derive(Clone, Debug)]
struct Spec {
    lat: f64,
    lon: f64,
    minutes: i64,
    window: Option<(i64, i64)>,
    second: bool,
    weight: Option<u8>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        43.55..43.80f64,
        -79.85..-79.60f64,
        prop::sample::select(vec![30i64, 45, 60, 75, 90]),
        prop::option::of((9 * 60..16 * 60i64, 0..180i64)),
        any::<bool>(),
        prop::option::weighted(0.3, 1u8..=100),
    )
        .prop_map(|(lat, lon, minutes, w, second, weight)| Spec {
            lat,
            lon,
            minutes,
            window: w.map(|(s, len)| (s, s + len)),
            second,
            weight,
        })
}

fn day(specs: &[Spec], lunch: bool, max_visits: Option<u32>) -> Problem {
    let bookings = specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let at = Location {
                lat: s.lat,
                lon: s.lon,
            };
            let mut b = Booking::new(format!("b{i}"), at, Seconds::from_minutes(s.minutes))
                .with_client(format!("client {i}"))
                .with_priority(s.weight.map_or(Priority::Required, Priority::Optional));
            b.windows = match s.window {
                None => vec![],
                Some((a, b)) if s.second => vec![tw(a, b), tw(b + 60, b + 120)],
                Some((a, b)) => vec![tw(a, b)],
            };
            b
        })
        .collect();
    let home = Location {
        lat: 43.70,
        lon: -79.75,
    };
    let mut t = Therapist::new("t", home, tw(8 * 60 + 30, 18 * 60)).with_name("T");
    t.lunch = lunch.then(|| Lunch {
        window: tw(11 * 60 + 30, 14 * 60),
        duration: Seconds::from_minutes(30),
    });
    t.max_visits = max_visits;
    Problem::new(bookings, vec![t], None)
}

/// The objective as a comparable key: most required, most weight, least drive.
fn key(p: &Problem, plan: &Plan) -> (i64, i64, i64) {
    let (mut r, mut w) = (0, 0);
    for v in plan.itineraries.iter().flat_map(|i| i.visits()) {
        match p.bookings[p.booking_index(&v.booking).unwrap()].priority {
            Priority::Required => r += 1,
            Priority::Optional(x) => w += x as i64,
        }
    }
    (-r, -w, plan.drive_time().0)
}

fn heuristic(seed: u64) -> SolveOptions {
    SolveOptions {
        seed,
        threads: 1,
        iterations: 60,
        time_limit: None,
        method: Method::Heuristic,
        ..SolveOptions::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn plans_are_valid_and_exact_is_never_worse(
        specs in prop::collection::vec(spec(), 1..=8),
        lunch in any::<bool>(),
        max_visits in prop::option::of(2u32..6),
        seed in any::<u64>(),
    ) {
        let p = day(&specs, lunch, max_visits);
        let m = model();
        let exact = solve(&p, &m, &SolveOptions::default()).unwrap();
        let heur = solve(&p, &m, &heuristic(seed)).unwrap();
        prop_assert!(exact.proven_optimal);
        prop_assert!(!heur.proven_optimal);
        for plan in [&exact, &heur] {
            let v = check(&p, &m, plan);
            prop_assert!(v.is_empty(), "{:?}", v);
            prop_assert_eq!(plan.served() + plan.unassigned.len(), specs.len());
            // Honest days: nobody waits long at a door when leaving later would do.
            for it in &plan.itineraries {
                for idle in it.idle(&p) {
                    prop_assert!(idle.at_door <= Seconds::from_minutes(20), "{:?} in {:?}", idle, it);
                }
            }
        }
        prop_assert!(key(&p, &exact) <= key(&p, &heur));
    }
}

#[test]
fn heuristic_finds_the_optimum_on_most_small_days() {
    let mut rng = SplitMix64::new(2026);
    let m = model();
    let (mut same, total) = (0, 100);
    for i in 0..total {
        let specs: Vec<Spec> = (0..4 + rng.below(6))
            .map(|_| Spec {
                lat: 43.55 + 0.25 * rng.unit(),
                lon: -79.85 + 0.25 * rng.unit(),
                minutes: [30, 45, 60, 75, 90][rng.below(5)],
                window: (rng.below(2) == 0).then(|| {
                    let s = 9 * 60 + 15 * rng.below(28) as i64;
                    (s, s + 30 * rng.below(6) as i64)
                }),
                second: rng.below(4) == 0,
                weight: (rng.below(3) == 0).then(|| 1 + rng.below(100) as u8),
            })
            .collect();
        let p = day(&specs, rng.below(4) != 0, None);
        let exact = solve(&p, &m, &SolveOptions::default()).unwrap();
        let heur = solve(&p, &m, &heuristic(i)).unwrap();
        assert!(check(&p, &m, &heur).is_empty());
        assert!(key(&p, &exact) <= key(&p, &heur));
        same += (key(&p, &exact) == key(&p, &heur)) as usize;
    }
    eprintln!("heuristic optimal on {same} of {total} random small days");
    assert!(
        same >= 95,
        "heuristic optimal on only {same} of {total} days"
    );
}

#[test]
fn same_seed_threads_and_iterations_give_the_same_plan() {
    let mut rng = SplitMix64::new(7);
    let specs: Vec<Spec> = (0..30)
        .map(|_| Spec {
            lat: 43.55 + 0.25 * rng.unit(),
            lon: -79.85 + 0.25 * rng.unit(),
            minutes: 45,
            window: None,
            second: false,
            weight: None,
        })
        .collect();
    let mut p = day(&specs, true, None);
    let mut t2 = p.therapists[0].clone();
    t2.id = "u".into();
    p = Problem::new(p.bookings, vec![p.therapists[0].clone(), t2], None);
    let m = model();
    let opts = SolveOptions {
        seed: 9,
        threads: 2,
        iterations: 40,
        time_limit: None,
        method: Method::Auto,
        ..SolveOptions::default()
    };
    let a = solve(&p, &m, &opts).unwrap();
    let b = solve(&p, &m, &opts).unwrap();
    assert_eq!(a, b);
    assert!(check(&p, &m, &a).is_empty());
    // A progress hook is told of the searches and changes nothing.
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = calls.clone();
    let hook = ProgressHook(std::sync::Arc::new(move |pr: Progress| {
        assert!(pr.served <= 30 && (0.0..=1.0).contains(&pr.done) && pr.rounds >= 1);
        seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }));
    let c = solve(
        &p,
        &m,
        &SolveOptions {
            progress: Some(hook),
            ..opts
        },
    )
    .unwrap();
    assert_eq!(a, c);
    assert!(
        calls.load(std::sync::atomic::Ordering::Relaxed) >= 2,
        "one call per search at least"
    );
}

/// Days without lunch and with at most one window per booking are searched with O(1)
/// segment evaluation (checked against the scheduler in debug builds); two therapists make
/// the inter-route moves count. Under either objective every plan is valid and nothing is
/// lost; counting therapists first never uses more of them over the whole set.
#[test]
fn segment_days_are_valid_under_both_objectives() {
    let mut rng = SplitMix64::new(31);
    let m = model();
    let (mut used_travel, mut used_routes) = (0, 0);
    for i in 0..40 {
        let specs: Vec<Spec> = (0..6 + rng.below(14))
            .map(|_| Spec {
                lat: 43.55 + 0.25 * rng.unit(),
                lon: -79.85 + 0.25 * rng.unit(),
                minutes: [30, 45, 60][rng.below(3)],
                window: (rng.below(2) == 0).then(|| {
                    let s = 9 * 60 + 15 * rng.below(28) as i64;
                    (s, s + 30 + 30 * rng.below(4) as i64)
                }),
                second: false,
                weight: (rng.below(4) == 0).then(|| 1 + rng.below(100) as u8),
            })
            .collect();
        let one = day(&specs, false, None);
        let mut other = one.therapists[0].clone();
        other.id = "u".into();
        let p = Problem::new(one.bookings, vec![one.therapists[0].clone(), other], None);
        for objective in [Objective::Travel, Objective::RoutesThenTravel] {
            let plan = solve(
                &p,
                &m,
                &SolveOptions {
                    objective,
                    ..heuristic(i)
                },
            )
            .unwrap();
            let v = check(&p, &m, &plan);
            assert!(v.is_empty(), "day {i}, {objective:?}: {v:?}");
            assert_eq!(plan.served() + plan.unassigned.len(), specs.len());
            match objective {
                Objective::Travel => used_travel += plan.itineraries.len(),
                Objective::RoutesThenTravel => used_routes += plan.itineraries.len(),
            }
        }
    }
    assert!(used_routes <= used_travel, "{used_routes} > {used_travel}");
}
