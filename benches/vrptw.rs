//! The VRPTW engine on Solomon-style instances generated with a fixed seed (random
//! customers, half with tight windows, capacity 200): move evaluations per second (every
//! relocation of every customer, within and between routes, evaluated and not applied),
//! construction and one local-search descent (0 ruin-and-recreate rounds) on 100 and 200
//! customers, and a full solve with a fixed budget of 30 rounds on 100 customers. One
//! thread, so the figures are per core.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use housecall_core::{check, measure, solve, Method, SolveOptions, SplitMix64};
use housecall_io::{parse_vrptw, Rounding, VrptwInstance};
use std::hint::black_box;

fn instance(n: usize, seed: u64) -> VrptwInstance {
    let mut rng = SplitMix64::new(seed);
    let horizon = 1000;
    let mut text = format!(
        "GEN{n}\n\nVEHICLE\nNUMBER     CAPACITY\n  {}         200\n\nCUSTOMER\nCUST NO.  XCOORD.    YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE TIME\n\n    0   50   50   0   0   {horizon}   0\n",
        n / 4
    );
    for c in 1..=n {
        let (x, y) = (rng.below(101), rng.below(101));
        let d = ((x as f64 - 50.0).hypot(y as f64 - 50.0)).ceil() as usize;
        let (ready, due) = if rng.below(2) == 0 {
            let r = d + rng.below(horizon - 2 * d - 40);
            (r, r + 30)
        } else {
            (0, horizon - d - 10)
        };
        text.push_str(&format!(
            "  {c}  {x}  {y}  {}  {ready}  {due}  10\n",
            1 + rng.below(30)
        ));
    }
    parse_vrptw("generated", text.into_bytes(), Rounding::Dimacs)
        .expect("generated instance is valid")
}

/// Criterion's throughput line gives the rate: elements are move evaluations.
fn move_evaluations(c: &mut Criterion) {
    let mut g = c.benchmark_group("move_evaluations");
    for n in [100, 200] {
        let inst = instance(n, 7);
        let model = inst.rounding.model();
        let once = measure::relocations(&inst.problem, &model, 1, false).unwrap();
        let full = measure::relocations(&inst.problem, &model, 1, true).unwrap();
        assert!(once.moves > 1000 && once.feasible > 0, "{once:?}");
        assert_eq!((once.moves, once.feasible), (full.moves, full.feasible));
        g.throughput(Throughput::Elements(once.moves));
        for (name, full_scheduling) in [("segments", false), ("full_scheduling", true)] {
            g.bench_function(format!("relocations_{n}_{name}"), |b| {
                b.iter_custom(|rounds| {
                    let p = black_box(&inst.problem);
                    measure::relocations(p, &model, rounds as usize, full_scheduling)
                        .unwrap()
                        .elapsed
                })
            });
        }
    }
    g.finish();
}

fn bench(c: &mut Criterion) {
    let opts = |iterations| SolveOptions {
        seed: 1,
        threads: 1,
        iterations,
        time_limit: None,
        method: Method::Auto,
        ..SolveOptions::default()
    };
    for n in [100, 200] {
        let inst = instance(n, 7);
        let model = inst.rounding.model();
        let plan = solve(&inst.problem, &model, &opts(0)).unwrap();
        assert!(check(&inst.problem, &model, &plan).is_empty());
        assert_eq!(plan.served(), n, "every customer is served");
        c.bench_function(&format!("vrptw_{n}_construct_and_descent"), |b| {
            b.iter(|| solve(black_box(&inst.problem), &model, &opts(0)).unwrap())
        });
    }
    let inst = instance(100, 7);
    let model = inst.rounding.model();
    let mut g = c.benchmark_group("vrptw_solve");
    g.sample_size(10);
    g.bench_function("vrptw_100_30_rounds", |b| {
        b.iter(|| solve(black_box(&inst.problem), &model, &opts(30)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, move_evaluations, bench);
criterion_main!(benches);
