//! Neighbour lists: each booking's nearest bookings that can share a shift with it, all of
//! them for small problems; inter-route moves only bring a booking next to one of them
//! (granular neighbourhoods, Toth and Vigo 2003).
//!
//! Tried and not kept: ranking by a measure that also counts a fifth of the least wait and
//! drops pairs no window allows in either direction (as HGS and PyVRP rank them), at 15, 25
//! and 40 per booking. Per round it pays (the 1,000-booking week at its 300 rounds: 2.3 % less
//! driving with 40), per second it does not: 40 make a round about 1.5 to 3 times slower; 500
//! rounds of these lists come within half a per cent of them on the week in less time, and
//! Solomon at 10 s is worse (one thread, seed 1, the R and RC classes: 0.30 % against
//! 0.17 %). At 15 the ranking alone is level at 1 s and worse at 10 s (five seeds: 0.224 %
//! against 0.214 %). The README has the figures.

use crate::solver::instance::Instance;

/// How many near bookings each booking's granular moves consider.
pub(super) const NEIGHBOURS: usize = 15;

/// Each booking's [`NEIGHBOURS`] nearest bookings that can share a shift with it, by free-flow
/// drive in either direction; all of them when there are at most `all_up_to` bookings.
pub(super) fn nearest_bookings(
    inst: &Instance,
    shifts_of: &[Vec<usize>],
    all_up_to: usize,
) -> Vec<Vec<usize>> {
    let keep = if inst.n() <= all_up_to {
        inst.n()
    } else {
        NEIGHBOURS
    };
    let m = &inst.matrix;
    let loc = |b: usize| inst.bookings[b].loc;
    // Each booking's shifts as a bit set, so that a pair is tested in a few word operations.
    let words = inst.shifts.len().div_ceil(64);
    let mut sets = vec![0u64; inst.n() * words];
    for (b, shifts) in shifts_of.iter().enumerate() {
        for &s in shifts {
            sets[b * words + s / 64] |= 1 << (s % 64);
        }
    }
    let set = |b: usize| &sets[b * words..(b + 1) * words];
    let share = |a: usize, b: usize| set(a).iter().zip(set(b)).any(|(x, y)| x & y != 0);
    (0..inst.n())
        .map(|b| {
            let mut near: Vec<(i64, usize)> = (0..inst.n())
                .filter(|&v| v != b && share(b, v))
                .map(|v| (m.secs(loc(b), loc(v), 0).min(m.secs(loc(v), loc(b), 0)), v))
                .collect();
            let k = keep.min(near.len());
            if k > 0 {
                near.select_nth_unstable(k - 1);
                near.truncate(k);
                near.sort_unstable();
            }
            near.into_iter().map(|(_, v)| v).collect()
        })
        .collect()
}
