//! `housecall vrptw` through the binary: a tiny inline instance always, Solomon C101 when
//! `../shared` is beside the checkout.

mod common;
use common::*;

const TINY: &str = "TINY\n\nVEHICLE\nNUMBER     CAPACITY\n  3         10\n\nCUSTOMER\n\
CUST NO.  XCOORD.    YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE TIME\n\n\
    0      0          0          0          0        200          0\n\
    1      3          4          6          0         50         10\n\
    2      0          1          5         10         60          5\n\
    3     -3         -4          4          0        100         10\n";

fn routes(out: &str) -> Vec<Vec<u32>> {
    out.lines()
        .filter_map(|l| l.strip_prefix("Route #"))
        .map(|l| {
            l.split_once(':')
                .unwrap()
                .1
                .split_whitespace()
                .map(|c| c.parse().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn tiny_instance_respects_capacity_and_prints_vrplib() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "tiny.txt", TINY);
    let r = housecall(&["vrptw", &f, "--iterations", "50"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rs = routes(&r.stdout);
    let mut all: Vec<u32> = rs.iter().flatten().copied().collect();
    all.sort();
    assert_eq!(all, vec![1, 2, 3], "every customer once");
    let demand = |c: u32| [0, 6, 5, 4][c as usize];
    assert!(
        rs.iter()
            .all(|r| r.iter().map(|&c| demand(c)).sum::<u32>() <= 10),
        "{rs:?}"
    );
    assert!(r
        .stdout
        .trim_end()
        .lines()
        .last()
        .unwrap()
        .starts_with("Cost "));
    // Deterministic with --iterations.
    assert_eq!(
        housecall(&["vrptw", &f, "--iterations", "50"]).stdout,
        r.stdout
    );
    let bad = housecall(&["vrptw", &write(dir.path(), "bad.txt", "nothing here\n")]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("bad.txt") && bad.stderr.contains("VEHICLE"),
        "{}",
        bad.stderr
    );
}

#[test]
fn solomon_c101_reaches_the_best_known_distance() {
    let Some(path) = shared("benchmarks/solomon/C101.txt") else {
        return;
    };
    let r = housecall(&["vrptw", &path, "--iterations", "30", "--threads", "1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(routes(&r.stdout).iter().map(Vec::len).sum::<usize>(), 100);
    assert_eq!(
        r.stdout.trim_end().lines().last().unwrap(),
        "Cost 827.3",
        "C101's best-known DIMACS distance"
    );
}

#[test]
fn tsptw_tour_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    // López-Ibáñez: 4 nodes, the windows force the order 0 2 1 3 0.
    let li = write(
        dir.path(),
        "m.txt",
        "4\n0 5 5 5\n5 0 5 5\n5 5 0 5\n5 5 5 0\n0 100\n10 12\n0 6\n15 30\n",
    );
    let r = housecall(&["tsptw", &li, "--iterations", "20"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "Tour: 0 2 1 3 0\nCost 20\n");
    // Potvin-Bengio: service folded into the travel time (cost = distance + service).
    let pb = write(
        dir.path(),
        "p.txt",
        "3\n 1 0 0 0 0 100 0\n 2 3 4 0 0 50 10\n 3 0 4 0 0 60 0\n",
    );
    let r = housecall(&["tsptw", &pb, "--iterations", "20"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.ends_with("Cost 22.00\n"),
        "5 + 3 + 4 + 10 of service: {}",
        r.stdout
    );
    // Windows no tour can meet: exit 1, saying so.
    let no = write(
        dir.path(),
        "no.txt",
        "3\n0 50 50\n50 0 50\n50 50 0\n0 100\n0 10\n0 10\n",
    );
    let r = housecall(&["tsptw", &no, "--iterations", "5"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no feasible tour"), "{}", r.stderr);
}

#[test]
fn dumas_n20_reaches_the_best_known_tour() {
    let Some(path) = shared("benchmarks/tsptw/Dumas/n20w20.001.txt") else {
        return;
    };
    let r = housecall(&["tsptw", &path, "--iterations", "50", "--threads", "1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().last().unwrap(), "Cost 378");
}

#[test]
fn vehicles_then_distance_uses_fewer_routes_on_rc101() {
    let Some(path) = shared("benchmarks/solomon/RC101.txt") else {
        return;
    };
    let run = |objective: &str| {
        let r = housecall(&[
            "vrptw",
            &path,
            "--iterations",
            "200",
            "--threads",
            "1",
            "--objective",
            objective,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let rs = routes(&r.stdout);
        assert_eq!(rs.iter().map(Vec::len).sum::<usize>(), 100);
        rs.len()
    };
    let (distance, vehicles) = (run("distance"), run("vehicles-then-distance"));
    assert!(vehicles < distance, "{vehicles} routes vs {distance}");
    let bad = housecall(&["vrptw", &path, "--objective", "fastest"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("vehicles-then-distance"),
        "{}",
        bad.stderr
    );
}
