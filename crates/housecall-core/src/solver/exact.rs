//! Exact planning of one shift with few bookings: dynamic programming over subsets with
//! Pareto labels `(time ready to leave, drive so far)` per `(visited set, last visit, lunch
//! taken)`. Heavy-session and driving limits are kept (a subset's count, a label's drive);
//! rest and hands-on runs are not modelled, so days with them go to the heuristic. A label dominates another at the same state when it is no later and has driven
//! no more. Every subset of the eligible bookings is reachable, so the best label over all
//! states serves the most priority with the least driving: a proof of optimality.

use super::instance::Instance;
use super::route::Scheduler;
use super::Score;

/// Largest number of bookings one shift may have for the exact method.
pub(crate) const MAX_EXACT: usize = 12;

#[derive(Clone, Copy, Debug)]
struct Label {
    time: i64,
    drive: i64,
    /// Index of the parent state and label (`usize::MAX` for the start).
    parent: (usize, usize),
}

/// The best order of a subset of `cands` (booking indices, at most [`MAX_EXACT`]) on shift
/// `shift`, by [`Score`] (unserved priority, then drive).
pub(crate) fn best_route(inst: &Instance, shift: usize, cands: &[usize]) -> Vec<usize> {
    let m = cands.len();
    assert!(
        m <= MAX_EXACT,
        "exact method is for at most {MAX_EXACT} bookings"
    );
    let s = &inst.shifts[shift];
    let sched = Scheduler { inst, shift };
    let has_lunch = s.lunch.is_some();
    let (la, lb, ll) = s.lunch.unwrap_or((0, 0, 0));
    let n_states = (1usize << m) * (m + 1) * 2;
    // State (mask, last, lunch): last == m means "at the start place".
    let idx = |mask: usize, last: usize, lunch: usize| (mask * (m + 1) + last) * 2 + lunch;
    let mut labels: Vec<Vec<Label>> = vec![Vec::new(); n_states];
    let root = (usize::MAX, usize::MAX);
    labels[idx(0, m, 0)].push(Label {
        time: s.open,
        drive: 0,
        parent: root,
    });
    if has_lunch {
        let ls = s.open.max(la);
        if ls + ll <= lb {
            labels[idx(0, m, 1)].push(Label {
                time: ls + ll,
                drive: 0,
                parent: root,
            });
        }
    }
    let session: Vec<i64> = cands.iter().map(|&b| inst.bookings[b].session).collect();
    let loc = |i: usize| {
        if i == m {
            s.start_loc
        } else {
            inst.bookings[cands[i]].loc
        }
    };

    let mut best: Option<(Score, usize, usize)> = None;
    for mask in 0..(1usize << m) {
        let count = mask.count_ones() as usize;
        let members = || (0..m).filter(move |&j| mask >> j & 1 == 1);
        let hands_on: i64 = members().map(|j| session[j]).sum();
        let load: i64 = members().map(|j| inst.bookings[cands[j]].demand).sum();
        let heavy = members().filter(|&j| inst.bookings[cands[j]].heavy).count();
        let (req, weight) = members().fold((0, 0), |(r, w), j| {
            let (dr, dw) = Score::served_value(inst.bookings[cands[j]].priority);
            (r + dr, w + dw)
        });
        for last in 0..=m {
            if (last == m) != (mask == 0) || (last < m && mask >> last & 1 == 0) {
                continue;
            }
            for lunch in 0..2 {
                let here = idx(mask, last, lunch);
                if labels[here].is_empty() {
                    continue;
                }
                let from = loc(last);
                for li in 0..labels[here].len() {
                    let lab = labels[here][li];
                    // Close the day here: drive to the end place, taking lunch first (at this
                    // place) or on arrival if it is still owed.
                    let home = |t: i64| inst.matrix.secs(from, s.end_loc, t);
                    let d = home(lab.time);
                    let close_drive = if lunch == 1 || !has_lunch {
                        (lab.time + d <= s.close).then_some(d)
                    } else {
                        let t = lab.time.max(la) + ll;
                        let at_place = (t <= lb && t + home(t) <= s.close).then(|| home(t));
                        let at_end = ((lab.time + d).max(la) + ll <= lb.min(s.close)).then_some(d);
                        at_place.into_iter().chain(at_end).min()
                    };
                    if let Some(d) = close_drive.filter(|d| lab.drive + d <= s.max_drive) {
                        let score = Score::new(req, weight, lab.drive + d);
                        if best.as_ref().is_none_or(|(b, _, _)| score < *b) {
                            best = Some((score, here, li));
                        }
                    }
                    if count >= s.max_visits {
                        continue;
                    }
                    for j in 0..m {
                        if mask >> j & 1 == 1
                            || hands_on + session[j] > s.max_hands_on
                            || load + inst.bookings[cands[j]].demand > s.capacity
                            || heavy + usize::from(inst.bookings[cands[j]].heavy) > s.max_heavy
                        {
                            continue;
                        }
                        let next = mask | 1 << j;
                        // Plain drive, then lunch variants (at this place, or at the next door).
                        let variants: [(i64, i64, bool); 3] = [
                            (lab.time, 0, false),
                            (lab.time.max(la) + ll, 0, true),
                            (lab.time, 1, true),
                        ];
                        for (k, &(t0, door, takes)) in variants.iter().enumerate() {
                            if takes && (lunch == 1 || !has_lunch) {
                                continue;
                            }
                            if k == 1 && t0 > lb {
                                continue;
                            }
                            let dj = inst.matrix.secs(from, loc(j), t0);
                            if lab.drive + dj > s.max_drive {
                                continue;
                            }
                            let mut ready = t0 + dj;
                            if door == 1 {
                                let ls = ready.max(la);
                                if ls + ll > lb {
                                    continue;
                                }
                                ready = ls + ll;
                            }
                            let Some(end) = visit_end(&sched, cands[j], ready) else {
                                continue;
                            };
                            let label = Label {
                                time: end,
                                drive: lab.drive + dj,
                                parent: (here, li),
                            };
                            insert_pareto(&mut labels[idx(next, j, lunch | takes as usize)], label);
                        }
                    }
                }
            }
        }
    }
    // Walk back from the best label to recover the order.
    let mut route = Vec::new();
    if let Some((_, mut state, mut li)) = best {
        while state != usize::MAX {
            let last = (state / 2) % (m + 1);
            if last < m {
                route.push(cands[last]);
            }
            (state, li) = labels[state][li].parent;
        }
    }
    route.reverse();
    route
}

/// Adds `l` unless a label at least as early and as cheap is there; drops those it beats.
/// Labels of a state are only extended after all are inserted, so removal keeps parent
/// indices valid.
fn insert_pareto(labels: &mut Vec<Label>, l: Label) {
    if labels
        .iter()
        .any(|o| o.time <= l.time && o.drive <= l.drive)
    {
        return;
    }
    labels.retain(|o| !(l.time <= o.time && l.drive <= o.drive));
    labels.push(l);
}

/// When the therapist is ready to leave booking `b`, having been free to set up at `ready`;
/// `None` when no window can be met.
fn visit_end(sched: &Scheduler, b: usize, ready: i64) -> Option<i64> {
    let s = &sched.inst.shifts[sched.shift];
    Some(sched.session_start(b, ready)? + sched.inst.bookings[b].session + s.packup)
}
