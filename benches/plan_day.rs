//! Planning whole days from the shipped examples, through the same calls the CLI makes.
//!
//! `plan_10_bookings`: the Brampton-Mississauga day, one therapist, exact (proven optimal).
//! `plan_40_bookings`: the over-full 40-booking day, one therapist, heuristic search with the
//! default options.

use criterion::{criterion_group, criterion_main, Criterion};
use housecall_core::{solve, Problem, SolveOptions};
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

criterion_group!(benches, bench);
criterion_main!(benches);
