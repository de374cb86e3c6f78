//! Loading the shipped region and building a 100 x 100 travel matrix over its road graph
//! (every time bin of the rush-hour profiles), as every `plan` does; and the matrix of a
//! large practice, 2,000 locations (issue 8: under 2 s); and a day's, 10 locations, as the
//! service builds one per slot request (the model warmed, as `housecall serve` has it).

use criterion::{criterion_group, criterion_main, Criterion};
use housecall_core::{Location, SplitMix64, TravelModel};
use housecall_region::Region;
use std::hint::black_box;

fn points(n: usize) -> Vec<Location> {
    let mut rng = SplitMix64::new(100);
    (0..n)
        .map(|_| Location {
            lat: 43.45 + 0.45 * rng.unit(),
            lon: -80.25 + 0.70 * rng.unit(),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let locs = points(100);
    let m = Region::western_gta().road_model().matrix(&locs);
    assert_eq!(m.len(), 100);
    assert!(m.bins().len() > 1, "the shipped region has rush hour");
    c.bench_function("region_load_and_matrix_100", |b| {
        b.iter(|| Region::western_gta().road_model().matrix(black_box(&locs)))
    });
    let model = Region::western_gta().road_model();
    let many = points(2_000);
    let mut group = c.benchmark_group("region_matrix");
    group.sample_size(10);
    group.bench_function("matrix_2000", |b| b.iter(|| model.matrix(black_box(&many))));
    let warm = Region::western_gta().road_model();
    warm.warm();
    let day = points(10);
    group.sample_size(50);
    group.bench_function("matrix_10_warm", |b| {
        b.iter(|| warm.matrix(black_box(&day)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
