//! Unit tests of the solver internals against brute force.

use super::exact;
use super::instance::Instance;
use super::route::{LunchAt, Scheduler};
use super::{solve, solve_from, Method, Score, SolveOptions};
use crate::check::check;
use crate::model::*;
use crate::rng::SplitMix64;
use crate::time::{Seconds, TimeWindow};
use crate::travel::StraightLine;

pub(crate) fn model() -> StraightLine {
    StraightLine::default()
}

fn window(a: (i64, i64), b: (i64, i64)) -> TimeWindow {
    TimeWindow::new(Seconds::hm(a.0, a.1), Seconds::hm(b.0, b.1)).unwrap()
}

pub(crate) fn therapist(lunch: bool) -> Therapist {
    let home = Location {
        lat: 43.70,
        lon: -79.75,
    };
    Therapist {
        lunch: lunch.then(|| Lunch {
            window: window((11, 30), (14, 0)),
            duration: Seconds::from_minutes(30),
        }),
        ..Therapist::new("t", home, window((8, 30), (18, 0))).with_name("T")
    }
}

pub(crate) fn booking(
    id: &str,
    lat: f64,
    lon: f64,
    minutes: i64,
    windows: Vec<TimeWindow>,
) -> Booking {
    Booking {
        windows,
        ..Booking::new(id, Location { lat, lon }, Seconds::from_minutes(minutes))
    }
}

/// A random day of `n` bookings around Brampton and Mississauga.
pub(crate) fn random_day(rng: &mut SplitMix64, n: usize) -> Problem {
    let bookings = (0..n)
        .map(|i| {
            let lat = 43.55 + rng.unit() * 0.25;
            let lon = -79.85 + rng.unit() * 0.25;
            let minutes = [30, 45, 60, 75, 90][rng.below(5)];
            let windows = match rng.below(3) {
                0 => vec![],
                1 => {
                    let s = 9 * 60 + 15 * rng.below(28) as i64;
                    vec![TimeWindow::new(
                        Seconds::from_minutes(s),
                        Seconds::from_minutes(s + 30 + 30 * rng.below(5) as i64),
                    )
                    .unwrap()]
                }
                _ => vec![window((9, 0), (10, 30)), window((14, 0), (16, 0))],
            };
            let mut b = booking(&format!("b{i}"), lat, lon, minutes, windows);
            if rng.below(3) == 0 {
                b.priority = Priority::Optional(1 + rng.below(100) as u8);
            }
            b
        })
        .collect();
    Problem::new(bookings, vec![therapist(rng.below(4) != 0)], None)
}

/// The best score over every ordered subset, by brute force over the scheduler.
fn brute_force(inst: &Instance, cands: &[usize]) -> Score {
    let sched = Scheduler { inst, shift: 0 };
    let mut best = Score::new(0, 0, 0);
    fn rec(sched: &Scheduler, cands: &[usize], seq: &mut Vec<usize>, best: &mut Score) {
        if let Some(c) = sched.cost(seq) {
            let (r, w) = seq.iter().fold((0, 0), |(r, w), &b| {
                let (dr, dw) = Score::served_value(sched.inst.bookings[b].priority);
                (r + dr, w + dw)
            });
            *best = (*best).min(Score::new(r, w, c.drive));
        } else if !seq.is_empty() {
            return; // extending an infeasible prefix stays infeasible
        }
        for &b in cands {
            if !seq.contains(&b) {
                seq.push(b);
                rec(sched, cands, seq, best);
                seq.pop();
            }
        }
    }
    rec(&sched, cands, &mut Vec::new(), &mut best);
    best
}

/// The exact method's route on the one shift of `p` scores as the brute force's best.
fn assert_exact_is_best(p: &Problem) {
    let m = model();
    let n = p.bookings.len();
    let inst = Instance::new(p, &m).unwrap();
    let cands: Vec<usize> = (0..n).collect();
    let route = exact::best_route(&inst, 0, &cands);
    let sched = Scheduler {
        inst: &inst,
        shift: 0,
    };
    let drive = if route.is_empty() {
        0
    } else {
        sched.cost(&route).expect("exact route is feasible").drive
    };
    let (r, w) = route.iter().fold((0, 0), |(r, w), &b| {
        let (dr, dw) = Score::served_value(inst.bookings[b].priority);
        (r + dr, w + dw)
    });
    assert_eq!(Score::new(r, w, drive), brute_force(&inst, &cands));
}

#[test]
fn exact_keeps_heavy_and_driving_limits_as_brute_force_does() {
    let mut rng = SplitMix64::new(7);
    for _ in 0..60 {
        let n = 2 + rng.below(5);
        let mut p = random_day(&mut rng, n);
        for b in &mut p.bookings {
            b.heavy = rng.below(2) == 0;
        }
        p.therapists[0].max_heavy = Some(rng.below(3) as u32);
        p.therapists[0].max_drive = Some(Seconds::from_minutes(30 + 15 * rng.below(6) as i64));
        assert_exact_is_best(&p);
    }
}

#[test]
fn exact_matches_brute_force_on_random_days() {
    let mut rng = SplitMix64::new(42);
    for _ in 0..60 {
        let n = 2 + rng.below(5);
        let p = random_day(&mut rng, n);
        assert_exact_is_best(&p);
    }
}

#[test]
fn early_arrival_waits_and_departure_is_delayed_to_remove_waiting() {
    let b = booking("b", 43.70, -79.70, 60, vec![window((11, 0), (11, 0))]);
    let p = Problem::new(vec![b], vec![therapist(false)], None);
    let m = model();
    let inst = Instance::new(&p, &m).unwrap();
    let sched = Scheduler {
        inst: &inst,
        shift: 0,
    };
    let t = sched.timed(&[0]).unwrap();
    assert_eq!(t.stops[0].start, Seconds::hm(11, 0).0);
    // Leaves just in time: arrival + 10 min set-up is the start.
    assert_eq!(t.stops[0].arrival + 600, t.stops[0].start);
    assert_eq!(t.leave + t.stops[0].drive, t.stops[0].arrival);
    assert_eq!(t.waiting(&sched, &[0]), 0);
}

#[test]
fn lunch_goes_where_the_day_ends_earliest() {
    // Two back-to-back fixed sessions around noon: lunch must come before, between or after.
    let a = booking("a", 43.70, -79.70, 60, vec![window((10, 0), (10, 0))]);
    let b = booking("b", 43.70, -79.70, 60, vec![window((11, 45), (11, 45))]);
    let p = Problem::new(vec![a, b], vec![therapist(true)], None);
    let m = model();
    let inst = Instance::new(&p, &m).unwrap();
    let sched = Scheduler {
        inst: &inst,
        shift: 0,
    };
    let t = sched.timed(&[0, 1]).unwrap();
    let (at, start, end) = t.lunch.unwrap();
    assert_eq!(end - start, 1800);
    assert!(start >= Seconds::hm(11, 30).0 && end <= Seconds::hm(14, 0).0);
    // Lunch cannot fit between a and b (b starts 11:45), so it follows b: at b's place
    // straight after pack-up, or at home after the drive, whichever ends the day first.
    assert!(matches!(at, LunchAt::Place(2) | LunchAt::Door(2)), "{at:?}");
    assert!(start >= t.stops[1].end + 300);
    assert_eq!(t.cost.finish, t.stops[1].end + 300 + t.return_drive + 1800);
}

#[test]
fn infeasible_window_and_limits_are_rejected() {
    let a = booking("a", 43.70, -79.70, 60, vec![window((8, 0), (8, 35))]);
    let mut t = therapist(false);
    t.max_visits = Some(1);
    let b = booking("b", 43.70, -79.71, 60, vec![]);
    let p = Problem::new(vec![a, b.clone(), b], vec![t], None);
    let m = model();
    let inst = Instance::new(&p, &m).unwrap();
    let sched = Scheduler {
        inst: &inst,
        shift: 0,
    };
    assert!(
        sched.cost(&[0]).is_none(),
        "cannot set up and start by 08:35 leaving at 08:30"
    );
    assert!(sched.cost(&[1]).is_some());
    assert!(sched.cost(&[1, 2]).is_none(), "max_visits = 1");
}

#[test]
fn capacity_bounds_the_load_of_a_route() {
    let mut t = therapist(false);
    t.capacity = Some(10);
    let mut a = booking("a", 43.70, -79.70, 30, vec![]);
    a.demand = 6;
    let p = Problem::new(vec![a.clone(), a], vec![t], None);
    let m = model();
    let inst = Instance::new(&p, &m).unwrap();
    let sched = Scheduler {
        inst: &inst,
        shift: 0,
    };
    assert!(sched.cost(&[0]).is_some());
    assert!(sched.cost(&[0, 1]).is_none(), "6 + 6 > 10");
    assert_eq!(exact::best_route(&inst, 0, &[0, 1]).len(), 1);
}

#[test]
fn segment_concatenation_matches_the_scheduler() {
    use super::segment::Segments;
    let mut rng = SplitMix64::new(11);
    let mut feasible = 0;
    for day in 0..40 {
        let mut p = random_day(&mut rng, 9);
        for b in &mut p.bookings {
            b.windows.truncate(1);
            b.demand = rng.below(4) as i64;
        }
        let t = &mut p.therapists[0];
        t.lunch = None;
        t.max_visits = (day % 3 == 0).then_some(6);
        t.max_hands_on = (day % 4 == 0).then(|| Seconds::from_minutes(300));
        t.capacity = (day % 5 == 0).then_some(12);
        let p = Problem::new(p.bookings, p.therapists, None);
        let m = model();
        let inst = Instance::new(&p, &m).unwrap();
        let segs = Segments::new(&inst).unwrap();
        assert!(segs.exact, "no lunch, one window, no time bins");
        let sched = Scheduler {
            inst: &inst,
            shift: 0,
        };
        for _ in 0..200 {
            let mut seq: Vec<usize> = (0..9).collect();
            for i in (1..9).rev() {
                seq.swap(i, rng.below(i + 1));
            }
            seq.truncate(rng.below(10));
            let whole = segs.fold(&inst.matrix, seq.iter().copied());
            let got = segs.route_cost(&inst, 0, whole.as_ref());
            // The same stretch built from two halves joined in the middle.
            let k = rng.below(seq.len() + 1);
            let joined = match (
                segs.fold(&inst.matrix, seq[..k].iter().copied()),
                segs.fold(&inst.matrix, seq[k..].iter().copied()),
            ) {
                (Some(a), Some(b)) => Some(a.then(&b, &inst.matrix)),
                (a, b) => a.or(b),
            };
            assert_eq!(joined, whole);
            let want = if seq.is_empty() {
                Some(super::route::RouteCost {
                    drive: 0,
                    finish: 0,
                })
            } else {
                sched.cost(&seq)
            };
            assert_eq!(got, want, "day {day}, {seq:?}");
            feasible += want.is_some() as usize;
        }
    }
    assert!(
        feasible > 1000,
        "too few feasible sequences to compare: {feasible}"
    );
}

#[test]
fn segments_are_exact_only_where_they_can_be() {
    use super::segment::Segments;
    let mut rng = SplitMix64::new(5);
    let mut p = random_day(&mut rng, 6);
    p.therapists[0].lunch = None;
    let m = model();
    let several_windows = p.bookings.iter().any(|b| b.windows.len() > 1);
    assert_eq!(
        Segments::new(&Instance::new(&p, &m).unwrap())
            .unwrap()
            .exact,
        !several_windows
    );
    p.therapists[0] = therapist(true);
    for b in &mut p.bookings {
        b.windows.truncate(1);
    }
    let p = Problem::new(p.bookings, p.therapists, None);
    assert!(
        !Segments::new(&Instance::new(&p, &m).unwrap())
            .unwrap()
            .exact,
        "lunch needs the scheduler"
    );
}

#[test]
fn a_warm_start_keeps_what_it_is_given_and_adds_the_rest() {
    let mut rng = SplitMix64::new(11);
    let mut p = random_day(&mut rng, 14);
    let m = model();
    let heur = |iterations| SolveOptions {
        method: Method::Heuristic,
        iterations,
        threads: 1,
        ..SolveOptions::default()
    };
    let plan = solve(&p, &m, &heur(50)).unwrap();
    // No rounds: the plan given comes back as it was.
    let again = solve_from(&p, &m, &heur(0), &plan).unwrap();
    assert!(again.drive_time() <= plan.drive_time());
    assert_eq!(again.served(), plan.served());
    // A booking cancelled and one added: the plan still accounts for every booking.
    let gone = p.bookings.remove(0).id;
    p.bookings.push(booking(
        "new",
        43.68,
        -79.72,
        45,
        vec![window((9, 0), (17, 0))],
    ));
    let next = solve_from(&p, &m, &heur(20), &plan).unwrap();
    assert!(check(&p, &m, &next).is_empty());
    assert!(next
        .itineraries
        .iter()
        .all(|it| it.visits().all(|v| v.booking != gone)));
    assert_eq!(next.served() + next.unassigned.len(), p.bookings.len());
}

/// Straight-line drives, 60 % slower in the morning rush and 50 % in the evening one,
/// interpolated between hourly knots.
struct Rush;

impl crate::travel::TravelModel for Rush {
    fn drive(&self, from: Location, to: Location, depart: Seconds) -> crate::travel::Drive {
        let base = model().drive(from, to, depart);
        let factor = |h: usize| match h {
            7 | 8 => 16,
            16 | 17 => 15,
            _ => 10,
        };
        crate::travel::Drive {
            time: Seconds(crate::travel::interpolate(&self.time_bins(), depart, |k| {
                base.time.0 * factor(k) / 10
            })),
            distance: base.distance,
        }
    }
    fn time_bins(&self) -> Vec<Seconds> {
        (0..24).map(|h| Seconds(h * 3600)).collect()
    }
    fn name(&self) -> &str {
        "rush"
    }
}

#[test]
fn resumed_schedules_screens_and_least_drives_agree_with_the_scheduler() {
    use super::route::Walks;
    use super::segment::Segments;
    let mut rng = SplitMix64::new(23);
    let (mut compared, mut feasible, mut screened, mut relaxed) = (0, 0, 0, 0);
    for day in 0..30 {
        let mut p = random_day(&mut rng, 10);
        if day % 3 == 1 {
            // Body limits: rest between sessions, a hands-on run limit, a driving limit.
            let t = p.therapists[0].clone();
            p.therapists[0] = t
                .with_min_rest(Seconds::from_minutes(10))
                .with_max_run(Seconds::from_minutes(100), Seconds::from_minutes(20))
                .with_max_drive(Seconds::from_minutes(150));
        }
        let p = Problem::new(p.bookings, p.therapists, None);
        let inst = Instance::new(&p, &Rush).unwrap();
        let sched = Scheduler {
            inst: &inst,
            shift: 0,
        };
        let segs = Segments::new(&inst).unwrap();
        assert!(!segs.exact, "rush hour needs the scheduler");
        let shuffled = |rng: &mut SplitMix64, mut v: Vec<usize>| {
            for i in (1..v.len()).rev() {
                v.swap(i, rng.below(i + 1));
            }
            v
        };
        for _ in 0..150 {
            let all = shuffled(&mut rng, (0..10).collect());
            let route = all[..rng.below(8)].to_vec();
            let walks = Walks::new(&sched, &route);
            // A route keeping the first `k` visits, then some of the rest of the route and
            // of the other bookings in any order (as a move or an insertion makes).
            let k = rng.below(route.len() + 1);
            let mut rest: Vec<usize> = route[k..].to_vec();
            rest.extend(all[route.len()..].iter().filter(|_| rng.below(3) == 0));
            let mut rest = shuffled(&mut rng, rest);
            rest.truncate(rng.below(rest.len() + 1));
            let seq: Vec<usize> = route[..k].iter().copied().chain(rest).collect();
            if seq.is_empty() {
                continue;
            }
            let want = sched.cost(&seq);
            // The screen that skips the lunch gaps rejects only routes that fail at every gap.
            let open = inst.shifts[0].open;
            let every_gap = sched
                .within_limits(&seq)
                .then(|| sched.best_lunch(&seq, open))
                .flatten()
                .map(|(_, c)| c);
            assert_eq!(want, every_gap, "day {day}: {seq:?}");
            screened += sched.late_even_without_lunch(sched.walk(open), &seq, 0) as usize;
            // The relaxed segments rule out only routes the scheduler rules out.
            let whole = segs.fold(&inst.matrix, seq.iter().copied());
            if segs.route_cost(&inst, 0, whole.as_ref()).is_none() {
                assert_eq!(want, None, "day {day}: relaxed segments rule out {seq:?}");
                relaxed += 1;
            }
            assert_eq!(
                walks.cost(&sched, &seq, k),
                want,
                "day {day}: {route:?} -> {seq:?}"
            );
            compared += 1;
            if let Some(c) = want {
                // Every drive at its least over the day bounds the day's driving.
                let least = sched.least_drive(&seq);
                assert!(
                    least <= c.drive,
                    "day {day}: {seq:?}: {least} > {}",
                    c.drive
                );
                feasible += 1;
            }
        }
    }
    assert!(
        compared > 4000 && feasible > 1000 && screened > 500 && relaxed > 500,
        "{compared} compared, {feasible} feasible, {screened} late without lunch, \
         {relaxed} ruled out by relaxed segments"
    );
}
