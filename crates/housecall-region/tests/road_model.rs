//! The road model's batch matrix agrees with single drives at any departure time, and
//! leaving later never arrives earlier.

use housecall_core::{can_meet, Drive, Location, Seconds, SplitMix64, TravelModel, SHARED};
use housecall_region::Region;

fn points(seed: u64, n: usize) -> Vec<Location> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| Location {
            lat: 43.45 + 0.45 * rng.unit(),
            lon: -80.25 + 0.70 * rng.unit(),
        })
        .collect()
}

#[test]
fn matrix_equals_single_drives_at_any_time() {
    let model = Region::western_gta().road_model();
    let locs = points(1, 12);
    let m = model.matrix(&locs);
    let mut rng = SplitMix64::new(2);
    for _ in 0..200 {
        let (i, j) = (rng.below(12), rng.below(12));
        let t = Seconds(rng.below(24 * 3600) as i64);
        assert_eq!(
            m.drive(i, j, t),
            model.drive(locs[i], locs[j], t),
            "{i}->{j} at {t}"
        );
    }
}

#[test]
fn leaving_later_never_arrives_earlier() {
    // On the matrix, which equals the model (above) and is what the solver uses.
    let m = Region::western_gta().road_model().matrix(&points(3, 20));
    for i in 0..20 {
        for j in 0..20 {
            let mut last = i64::MIN;
            for t in (5 * 3600..21 * 3600).step_by(60) {
                let arrive = t + m.secs(i, j, t);
                assert!(arrive >= last, "FIFO broken {i}->{j} at {}", Seconds(t));
                last = arrive;
            }
        }
    }
}

#[test]
fn shipped_graph_is_connected_and_snaps_nearby() {
    let region = Region::western_gta();
    assert_eq!(region.roads.largest_component(), region.roads.nodes.len());
    let brampton = Location {
        lat: 43.6856,
        lon: -79.7600,
    };
    let near = region.roads.nearest(brampton, 1)[0];
    assert_eq!(region.roads.nodes[near].id, "BRAM_DT");
}

/// Only the pairs asked for are computed, warm (from the all-pairs table) or cold; the others
/// are unreachable, and the rest equals the full matrix.
#[test]
fn matrix_of_computes_only_the_pairs_asked_for() {
    let locs = points(4, 12);
    let needed = |i: usize, j: usize| i == 3 || (i * 7 + j * 5).is_multiple_of(4);
    for warm in [false, true] {
        let model = Region::western_gta().road_model();
        if warm {
            model.warm();
        }
        let full = model.matrix(&locs);
        let some = model.matrix_of(&locs, &needed);
        for i in 0..12 {
            for j in 0..12 {
                for t in [Seconds::hm(7, 10), Seconds::hm(12, 0), Seconds::hm(17, 15)] {
                    let want = if needed(i, j) {
                        full.drive(i, j, t)
                    } else {
                        Drive::UNREACHABLE
                    };
                    assert_eq!(some.drive(i, j, t), want, "{i}->{j} at {t:?}, warm {warm}");
                }
            }
        }
    }
}

/// Only pairs that can meet (the same day, or a home) are computed; the others are
/// unreachable, and the rest equals the full matrix.
#[test]
fn matrix_within_groups_computes_only_pairs_that_meet() {
    let model = Region::western_gta().road_model();
    let locs = points(3, 12);
    let groups: Vec<u32> = (0..12)
        .map(|i| if i < 2 { SHARED } else { (i % 3) as u32 })
        .collect();
    let full = model.matrix(&locs);
    let within = model.matrix_within(&locs, &groups);
    for i in 0..12 {
        for j in 0..12 {
            for t in [Seconds::hm(8, 0), Seconds::hm(12, 0), Seconds::hm(17, 15)] {
                if can_meet(groups[i], groups[j]) {
                    assert_eq!(within.drive(i, j, t), full.drive(i, j, t), "{i}->{j}");
                } else {
                    assert_eq!(
                        within.drive(i, j, t).time,
                        Drive::UNREACHABLE.time,
                        "{i}->{j}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_location_added_to_a_matrix_gets_the_full_matrix_values() {
    let model = Region::western_gta().road_model();
    let locs = points(21, 12);
    let full = model.matrix(&locs);
    for at in [0, 5, 11] {
        let mut base_locs = locs.clone();
        let new = base_locs.remove(at);
        let base = model.matrix(&base_locs);
        let grown = model.extend(&base, &base_locs, at, new);
        assert_eq!(grown.len(), locs.len());
        for i in 0..locs.len() {
            for j in 0..locs.len() {
                for t in (6 * 3600..20 * 3600).step_by(1234) {
                    assert_eq!(
                        grown.drive(i, j, Seconds(t)),
                        full.drive(i, j, Seconds(t)),
                        "{i} -> {j} at {t}, new location at {at}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_warmed_model_gives_the_same_matrix() {
    let cold = Region::western_gta().road_model();
    let warm = Region::western_gta().road_model();
    warm.warm();
    let locs = points(5, 15);
    let (a, b) = (cold.matrix(&locs), warm.matrix(&locs));
    for i in 0..locs.len() {
        for j in 0..locs.len() {
            for t in (5 * 3600..21 * 3600).step_by(997) {
                assert_eq!(a.drive(i, j, Seconds(t)), b.drive(i, j, Seconds(t)));
            }
        }
    }
}
