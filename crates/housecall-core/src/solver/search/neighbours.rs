//! Granular neighbourhoods: for large problems, each booking's nearest bookings that can
//! share a shift with it; inter-route moves only bring a booking next to one of them.

use crate::solver::instance::Instance;

/// How many near bookings each booking's granular moves consider.
pub(super) const NEIGHBOURS: usize = 15;

/// Each booking's [`NEIGHBOURS`] nearest bookings that can share a shift with it, by free-flow
/// drive in either direction.
pub(super) fn nearest_bookings(inst: &Instance, shifts_of: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let m = &inst.matrix;
    let loc = |b: usize| inst.bookings[b].loc;
    (0..inst.n())
        .map(|b| {
            let mut near: Vec<(i64, usize)> = (0..inst.n())
                .filter(|&v| v != b && shifts_of[v].iter().any(|s| shifts_of[b].contains(s)))
                .map(|v| (m.secs(loc(b), loc(v), 0).min(m.secs(loc(v), loc(b), 0)), v))
                .collect();
            let k = NEIGHBOURS.min(near.len());
            if k > 0 {
                near.select_nth_unstable(k - 1);
                near.truncate(k);
                near.sort_unstable();
            }
            near.into_iter().map(|(_, v)| v).collect()
        })
        .collect()
}
