//! Fuzzing every reader through the library (issue 8): random bytes and mutations of real
//! inputs (the shipped examples, small benchmark instances, a plan and a matrix written by
//! the tool itself) must give a typed error or a result, never a panic; a result is then
//! planned and checked, and that must not panic either. Bounded so that CI stays quick:
//! a few dozen cases per reader, tiny search budgets. `FUZZ_CASES=5000 cargo test --release
//! --test fuzz` searches deeper (the OSM reader gets a quarter as many).

use housecall_core::{
    check, solve, Method, Prepared, Problem, SlotQuery, SolveOptions, StraightLine,
};
use housecall_io::{CoordinatesOnly, ExternalMatrix, Rounding};
use proptest::prelude::*;

/// Values that have broken readers before: huge, negative, not-a-number, empty, odd text.
const EXTREMES: &[&str] = &[
    "",
    "0",
    "-1",
    "1e308",
    "-1e308",
    "1e18",
    "NaN",
    "inf",
    "-inf",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
    "2147483648",
    "0.5",
    "25:00",
    "23:59-00:00",
    "\"",
    "[[therapist]]",
    "é",
];

/// One mutation: an operation, a position and a value, all reduced modulo what fits.
type Mutation = (u8, u32, u32);

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec((any::<u8>(), any::<u32>(), any::<u32>()), 1..6)
}

/// Applies `muts` to `input`: flip a byte, insert one, delete a run, replace a token with an
/// extreme value, duplicate a line, or cut the file short.
fn mutate(input: &[u8], muts: &[Mutation]) -> Vec<u8> {
    let mut v = input.to_vec();
    for &(op, pos, val) in muts {
        let at = if v.is_empty() {
            0
        } else {
            pos as usize % v.len()
        };
        match op % 6 {
            0 if !v.is_empty() => v[at] = val as u8,
            1 => v.insert(at, val as u8),
            2 => {
                let end = (at + 1 + val as usize % 16).min(v.len());
                v.drain(at..end);
            }
            3 => {
                let sep = |b: &u8| matches!(b, b' ' | b',' | b'\n' | b'\t' | b'=' | b'"');
                let start = v[..at].iter().rposition(sep).map_or(0, |i| i + 1);
                let end = v[at..].iter().position(sep).map_or(v.len(), |i| at + i);
                let with = EXTREMES[val as usize % EXTREMES.len()].as_bytes();
                v.splice(start..end, with.iter().copied());
            }
            4 => {
                let start = v[..at]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1);
                let end = v[at..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(v.len(), |i| at + i + 1);
                let line = v[start..end].to_vec();
                v.splice(end..end, line);
            }
            _ => v.truncate(at),
        }
    }
    v
}

fn example(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/data/examples/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// A tiny search: results come quickly whatever the input holds.
fn quick() -> SolveOptions {
    SolveOptions {
        threads: 1,
        iterations: 5,
        ..SolveOptions::default()
    }
}

/// Plans and checks; the solver's own plans must pass the checker whatever the input.
fn plan_and_check(problem: &Problem, model: &dyn housecall_core::TravelModel) {
    let plan = solve(problem, model, &quick()).unwrap();
    let violations = check(problem, model, &plan);
    assert!(violations.is_empty(), "{violations:?}");
    assert_eq!(
        plan.served() + plan.unassigned.len(),
        problem.bookings.len()
    );
}

const TINY_VRPTW: &str = "TINY\n\nVEHICLE\nNUMBER     CAPACITY\n  3         10\n\nCUSTOMER\nCUST NO.  XCOORD.    YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE TIME\n\n    0      0          0          0          0        200          0\n    1      3          4          6          0         50         10\n    2      0          1          5         10         60          5\n    3     -3         -4          4          0        100         10\n";
const TINY_TSPTW_MATRIX: &str = "4\n0 5 7 3\n5 0 4 6\n7 4 0 2\n3 6 2 0\n0 100\n2 40\n10 50\n0 60\n";
const TINY_TSPTW_PLANE: &str = "3\n 1 0 0 0 0 100 0\n 2 3 4 0 0 50 10\n 3 0 4 0 0 60 0\n";

/// `cases` per test, or `FUZZ_CASES` when set.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(cases, |n: u32| n * cases / 48);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn bookings_csv(muts in mutations(), which in 0usize..4) {
        let file = ["brampton-mississauga.csv", "guelph-orangeville.csv", "overbooked.csv", "busy-40.csv"][which];
        let bytes = mutate(&example(file), &muts);
        if let Ok(f) = housecall_io::parse_bookings("b.csv", bytes, &CoordinatesOnly) {
            let therapists = housecall_io::parse_therapists("t.toml", example("practice.toml")).unwrap();
            plan_and_check(&Problem::new(f.bookings, therapists, None), &StraightLine::default());
        }
    }

    #[test]
    fn therapist_toml(muts in mutations(), which in 0usize..2) {
        let file = ["therapists.toml", "practice.toml"][which];
        let bytes = mutate(&example(file), &muts);
        if let Ok(therapists) = housecall_io::parse_therapists("t.toml", bytes) {
            let f = housecall_io::parse_bookings("b.csv", example("overbooked.csv"), &CoordinatesOnly).unwrap();
            plan_and_check(&Problem::new(f.bookings, therapists, None), &StraightLine::default());
        }
    }

    #[test]
    fn plan_json(muts in mutations()) {
        let f = housecall_io::parse_bookings("b.csv", example("brampton-mississauga.csv"), &CoordinatesOnly).unwrap();
        let therapists = housecall_io::parse_therapists("t.toml", example("practice.toml")).unwrap();
        let problem = Problem::new(f.bookings, therapists, None);
        let model = StraightLine::default();
        let text = housecall_io::write_plan_json(
            &problem,
            &solve(&problem, &model, &quick()).unwrap(),
            housecall_io::Layout::Pretty,
        );
        let bytes = mutate(text.as_bytes(), &muts);
        if let Ok(plan) = housecall_io::parse_plan_json("p.json", &String::from_utf8_lossy(&bytes)) {
            let _ = check(&problem, &model, &plan);
        }
    }

    #[test]
    fn matrix_csv(muts in mutations()) {
        let f = housecall_io::parse_bookings("b.csv", example("guelph-orangeville.csv"), &CoordinatesOnly).unwrap();
        let therapists = housecall_io::parse_therapists("t.toml", example("practice.toml")).unwrap();
        let problem = Problem::new(f.bookings, therapists, None);
        let text = housecall_io::write_matrix_csv(&problem, &StraightLine::default(), None);
        let bytes = mutate(text.as_bytes(), &muts);
        if let Ok(m) = ExternalMatrix::parse("m.csv", bytes, &problem) {
            plan_and_check(&problem, &m);
        }
    }

    #[test]
    fn solomon(muts in mutations(), exact in any::<bool>()) {
        let rounding = if exact { Rounding::Exact } else { Rounding::Dimacs };
        let bytes = mutate(TINY_VRPTW.as_bytes(), &muts);
        if let Ok(inst) = housecall_io::parse_vrptw("v.txt", bytes, rounding) {
            let model = rounding.model();
            let plan = solve(&inst.problem, &model, &SolveOptions { method: Method::Heuristic, ..quick() }).unwrap();
            prop_assert!(check(&inst.problem, &model, &plan).is_empty());
            let _ = inst.write_vrplib(&plan);
        }
    }

    #[test]
    fn tsptw(muts in mutations(), plane in any::<bool>()) {
        let base = if plane { TINY_TSPTW_PLANE } else { TINY_TSPTW_MATRIX };
        let bytes = mutate(base.as_bytes(), &muts);
        if let Ok(inst) = housecall_io::parse_tsptw("t.txt", bytes) {
            let model = inst.model.as_model();
            let plan = solve(&inst.problem, model, &quick()).unwrap();
            prop_assert!(check(&inst.problem, model, &plan).is_empty());
            let _ = inst.write_tour(&plan);
        }
    }

    #[test]
    fn problem_json(muts in mutations()) {
        let root = env!("CARGO_MANIFEST_DIR");
        let text = housecall_io::files_to_problem_json(
            &format!("{root}/data/examples/overbooked.csv"),
            &format!("{root}/data/examples/practice.toml"),
        ).unwrap();
        let bytes = mutate(text.as_bytes(), &muts);
        if let Ok(p) = housecall_io::parse_problem_json("p.json", &String::from_utf8_lossy(&bytes), &CoordinatesOnly) {
            plan_and_check(&Problem::new(p.bookings.bookings, p.therapists, None), &StraightLine::default());
        }
    }

    #[test]
    fn slot_request(muts in mutations()) {
        let base = "id=N1,lat=43.70,lon=-79.70,treatment=Deep Tissue Massage,window=09:00-17:00;18:00-19:00,priority=50";
        let bytes = mutate(base.as_bytes(), &muts);
        if let Ok(new) = housecall_io::parse_request(&String::from_utf8_lossy(&bytes), &CoordinatesOnly) {
            let f = housecall_io::parse_bookings("b.csv", example("guelph-orangeville.csv"), &CoordinatesOnly).unwrap();
            let therapists = housecall_io::parse_therapists("t.toml", example("practice.toml")).unwrap();
            let problem = Problem::new(f.bookings, therapists, None);
            let model = StraightLine::default();
            let plan = solve(&problem, &model, &quick()).unwrap();
            let day = Prepared::new(&problem, &model, &plan).unwrap();
            if let Ok(answer) = day.slots(&new, &SlotQuery::default()) {
                prop_assert_eq!(answer.slots.is_empty(), answer.none.is_some());
            }
        }
    }

    #[test]
    fn random_bytes_to_every_reader(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = housecall_io::parse_problem_json("p.json", &String::from_utf8_lossy(&bytes), &CoordinatesOnly);
        let _ = housecall_io::parse_request(&String::from_utf8_lossy(&bytes), &CoordinatesOnly);
        let _ = housecall_io::parse_bookings("b.csv", bytes.clone(), &CoordinatesOnly);
        let _ = housecall_io::parse_therapists("t.toml", bytes.clone());
        let _ = housecall_io::parse_plan_json("p.json", &String::from_utf8_lossy(&bytes));
        let _ = housecall_io::parse_vrptw("v.txt", bytes.clone(), Rounding::Dimacs);
        let _ = housecall_io::parse_tsptw("t.txt", bytes.clone());
        let problem = Problem::new(vec![], vec![], None);
        let _ = ExternalMatrix::parse("m.csv", bytes, &problem);
    }
}

proptest! {
    // Each case decodes a whole extract: fewer cases.
    #![proptest_config(config(12))]

    #[test]
    fn osm_pbf(muts in mutations(), noise in prop::collection::vec(any::<u8>(), 0..200)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.osm.pbf");
        // Random bytes always; mutations of the real test extract when ../shared is here.
        std::fs::write(&path, &noise).unwrap();
        let _ = housecall_region::import_osm(&path);
        let real = format!("{}/../shared/geodata/osm_test/pyrosm_test.osm.pbf", env!("CARGO_MANIFEST_DIR"));
        if let Ok(bytes) = std::fs::read(&real) {
            std::fs::write(&path, mutate(&bytes, &muts)).unwrap();
            let _ = housecall_region::import_osm(&path);
        }
    }
}
