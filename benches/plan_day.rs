//! Planning whole days from the shipped examples, through the same calls the CLI makes.
//!
//! `plan_10_bookings`: the Brampton-Mississauga day, one therapist, exact (proven optimal).
//! `plan_40_bookings`: the over-full 40-booking day, one therapist, heuristic search with the
//! default options.
//!
//! `move_evaluations/relocations_day_40_road`: the 40-booking day on the shipped road model
//! (rush hour), with lunch and two-window bookings, shared by five therapists like the
//! example's: every relocation of every visit of the
//! descended plan evaluated, none applied (no O(1) segments apply on such a day: each move is
//! scheduled). Criterion's throughput line gives move evaluations per second.
//! `move_evaluations/relocations_day_40_road_decided`: the same moves decided as the local
//! search decides them (screened by their least drive over the day, scheduled only when they
//! might improve the plan).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use housecall_core::{measure, solve, Problem, SolveOptions};
use std::hint::black_box;

fn day(file: &str) -> Problem {
    let root = env!("CARGO_MANIFEST_DIR");
    let bookings = housecall_io::read_bookings_file(
        &format!("{root}/data/examples/{file}"),
        &housecall_io::CoordinatesOnly,
    )
    .expect("example bookings");
    let therapists =
        housecall_io::read_therapists_file(&format!("{root}/data/examples/therapists.toml"))
            .expect("example therapists");
    Problem::new(bookings.bookings, therapists, None)
}

fn bench(c: &mut Criterion) {
    let model = housecall_region::straight_line();
    let opts = SolveOptions::default();
    let ten = day("brampton-mississauga.csv");
    assert!(
        solve(&ten, &model, &opts).unwrap().proven_optimal,
        "the 10-booking day is solved exactly"
    );
    c.bench_function("plan_10_bookings", |b| {
        b.iter(|| solve(black_box(&ten), &model, &opts).unwrap())
    });
    let forty = day("busy-40.csv");
    let plan = solve(&forty, &model, &opts).unwrap();
    assert!(housecall_core::check(&forty, &model, &plan).is_empty());
    c.bench_function("plan_40_bookings", |b| {
        b.iter(|| solve(black_box(&forty), &model, &opts).unwrap())
    });
}

fn move_evaluations(c: &mut Criterion) {
    let region = housecall_region::Region::western_gta();
    let model = region.road_model();
    // Five therapists like the example's (lunch, 08:30-18:00), so that most visits are served.
    let mut forty = day("busy-40.csv");
    let maya = forty.therapists[0].clone();
    forty.therapists = (1..=5)
        .map(|k| {
            let mut t = maya.clone();
            t.id = format!("t{k}");
            t
        })
        .collect();
    let forty = Problem::new(forty.bookings, forty.therapists, None);
    let once = measure::relocations(&forty, &model, 1, true).unwrap();
    assert!(once.moves > 100 && once.feasible > 0, "{once:?}");
    let mut g = c.benchmark_group("move_evaluations");
    g.throughput(Throughput::Elements(once.moves));
    g.bench_function("relocations_day_40_road", |b| {
        b.iter_custom(|rounds| {
            measure::relocations(black_box(&forty), &model, rounds as usize, true)
                .unwrap()
                .elapsed
        })
    });
    // The same moves decided as the local search decides them: screened by their least
    // drive over the day, scheduled only when they might improve the plan.
    let decided = measure::relocation_decisions(&forty, &model, 1).unwrap();
    assert_eq!(decided.moves, once.moves);
    g.bench_function("relocations_day_40_road_decided", |b| {
        b.iter_custom(|rounds| {
            measure::relocation_decisions(black_box(&forty), &model, rounds as usize)
                .unwrap()
                .elapsed
        })
    });
    g.finish();
}

criterion_group!(benches, bench, move_evaluations);
criterion_main!(benches);
