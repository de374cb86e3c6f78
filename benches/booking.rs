//! The booking system's calls, on the shipped road model (rush hour) with lunch:
//!
//! `slots_day_8`: suggestions for one more visit into a day of 8 booked visits, one therapist
//! (requests: the other bookings of the generated week, in turn).
//! `slots_week_60`: the same into the generated week, 5 days x 3 therapists, 60 visits.
//!
//! `replan_day_10`: re-planning the example day (10 visits, two therapists) at 11:50 with the
//! default options (300 rounds, 2 threads), one later visit cancelled.
//!
//! Before criterion runs, each slots bench prints the p50 and p99 of single requests over every request
//! (one call per request and round), since criterion reports means and medians only.

use criterion::{criterion_group, criterion_main, Criterion};
use housecall_core::{
    check, check_resumed, great_circle_m, replan, solve, Booking, Plan, Prepared, Problem, Resume,
    Seconds, SlotQuery, SolveOptions, TimeWindow, TravelModel,
};
use std::hint::black_box;
use std::time::Instant;

fn read(file: &str, team: &str) -> (Vec<Booking>, Vec<housecall_core::Therapist>) {
    let root = env!("CARGO_MANIFEST_DIR");
    let bookings = housecall_io::read_bookings_file(
        &format!("{root}/data/examples/{file}"),
        &housecall_io::CoordinatesOnly,
    )
    .expect("example bookings");
    let team = housecall_io::read_therapists_file(&format!("{root}/data/examples/{team}"))
        .expect("example therapists");
    (bookings.bookings, team)
}

/// A day of exactly 8 visits: the 8 bookings of the generated week nearest to the home of
/// one therapist with lunch (`t0` of `team-3.toml`, working 07:30-20:00), as one undated day
/// of 45-minute sessions without windows; the other 52 bookings are requests.
fn day_of_8(model: &dyn TravelModel) -> (Problem, Plan, Vec<Booking>) {
    let (mut bookings, mut team) = read("week-60.csv", "team-3.toml");
    team.truncate(1);
    team[0].shift = TimeWindow::new(Seconds::hm(7, 30), Seconds::hm(20, 0)).unwrap();
    let home = team[0].start;
    let far = |b: &Booking| great_circle_m(home, b.location) as i64;
    bookings.sort_by_key(far);
    for b in &mut bookings {
        b.date = None;
        b.session = Seconds::from_minutes(45);
        b.windows.clear();
    }
    let rest = bookings.split_off(8);
    let problem = Problem::new(bookings, team, None);
    let plan = solve(&problem, model, &SolveOptions::default()).unwrap();
    assert_eq!(plan.served(), 8);
    (problem, plan, rest)
}

/// The generated week, planned; requests are its bookings moved to new ids and undated.
fn week(model: &dyn TravelModel) -> (Problem, Plan, Vec<Booking>) {
    let (bookings, team) = read("week-60.csv", "team-3.toml");
    let problem = Problem::new(bookings.clone(), team, None);
    let plan = solve(&problem, model, &SolveOptions::default()).unwrap();
    assert!(check(&problem, model, &plan).is_empty());
    assert_eq!(plan.served(), 60);
    let requests = bookings
        .into_iter()
        .map(|mut b| {
            b.id = format!("new-{}", b.id);
            b.date = None;
            b
        })
        .collect();
    (problem, plan, requests)
}

/// p50 and p99 of one request at a time, over `rounds` passes of every request.
fn percentiles(day: &Prepared, requests: &[Booking], rounds: usize) -> (f64, f64, usize) {
    let q = SlotQuery::default();
    let mut times = Vec::new();
    let mut answered = 0;
    for _ in 0..rounds {
        for r in requests {
            let t = Instant::now();
            let a = day.slots(r, &q).unwrap();
            times.push(t.elapsed().as_secs_f64() * 1e3);
            answered += usize::from(!a.slots.is_empty());
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    (at(0.5), at(0.99), answered / rounds)
}

fn bench(c: &mut Criterion) {
    let region = housecall_region::Region::western_gta();
    let model = region.road_model();
    for (name, (problem, plan, requests)) in [
        ("slots_day_8", day_of_8(&model)),
        ("slots_week_60", week(&model)),
    ] {
        let prepared = Prepared::new(&problem, &model, &plan).unwrap();
        let (p50, p99, fit) = percentiles(&prepared, &requests, 5);
        println!(
            "{name}: {} requests x 5, p50 {p50:.3} ms, p99 {p99:.3} ms, {fit} with slots",
            requests.len()
        );
        assert!(
            fit > 0,
            "some requests fit: {:?}",
            prepared
                .slots(&requests[0], &SlotQuery::default())
                .unwrap()
                .none
        );
        let mut k = 0;
        c.bench_function(name, |b| {
            b.iter(|| {
                k = (k + 1) % requests.len();
                prepared
                    .slots(black_box(&requests[k]), &SlotQuery::default())
                    .unwrap()
            })
        });
        if name == "slots_day_8" {
            // As the HTTP service answers: one question with the day, its matrix included.
            c.bench_function("slots_once_day_8", |b| {
                b.iter(|| {
                    k = (k + 1) % requests.len();
                    let new = black_box(&requests[k]);
                    Prepared::slots_once(&problem, &model, &plan, new, &SlotQuery::default())
                        .unwrap()
                })
            });
        }
    }
}

fn bench_replan(c: &mut Criterion) {
    let region = housecall_region::Region::western_gta();
    let model = region.road_model();
    let (bookings, team) = read("brampton-mississauga.csv", "practice.toml");
    let problem = Problem::new(bookings, team, None);
    let opts = SolveOptions::default();
    let plan = solve(&problem, &model, &opts).unwrap();
    assert_eq!(plan.served(), 10);
    let now = Seconds::hm(11, 50);
    let mut resume = Resume::new(plan.itineraries[0].date, now);
    let later = plan
        .itineraries
        .iter()
        .flat_map(|it| it.visits())
        .find(|v| v.start > now)
        .expect("a visit after 11:50");
    resume.cancel.push(later.booking.clone());
    let again = replan(&problem, &model, &opts, &plan, &resume).unwrap();
    assert!(check_resumed(&problem, &model, &again.plan, &resume)
        .unwrap()
        .is_empty());
    c.bench_function("replan_day_10", |b| {
        b.iter(|| replan(black_box(&problem), &model, &opts, &plan, &resume).unwrap())
    });
}

criterion_group!(benches, bench, bench_replan);
criterion_main!(benches);
