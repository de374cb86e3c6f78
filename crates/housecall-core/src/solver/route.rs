//! Scheduling one route: given a shift and an order of bookings, when does everything happen?
//!
//! The forward simulation leaves as early as allowed, waits at the door for a window when
//! early, and places the lunch break in the gap (before or after a drive) that lets the day
//! end earliest. [`Scheduler::timed`] then delays the departure as far as it can without
//! ending later, and leaves every place as late as the next session allows (rush hour may add
//! at most a quarter of the waiting it removes), so that idle time is spent at home or as
//! free time after a visit, never as waiting at a client's door.

use super::instance::Instance;

/// Where lunch goes: `Place(g)` after finishing node `g` (0 = at the start place), before
/// driving on; `Door(g)` on arrival at node `g + 1` (n + 1 = the end place), before set-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LunchAt {
    None,
    Place(usize),
    Door(usize),
}

/// The outcome of a feasible simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RouteCost {
    /// Total driving seconds.
    pub drive: i64,
    /// When the day is over: arrival at the end place, or the end of lunch taken there.
    pub finish: i64,
}

/// Times of one visit, seconds since midnight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StopTimes {
    pub arrival: i64,
    pub start: i64,
    pub end: i64,
    pub departure: i64,
    pub drive: i64,
}

/// A fully timed route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Timed {
    pub leave: i64,
    pub stops: Vec<StopTimes>,
    pub lunch: Option<(LunchAt, i64, i64)>,
    pub return_drive: i64,
    pub back: i64,
    pub cost: RouteCost,
}

/// Where a forward simulation stands between two steps: free at `t` at location `prev`,
/// with `drive` seconds driven, the last session ended at `last_end` and `run` seconds of
/// sessions in the current run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Walk {
    pub t: i64,
    pub prev: usize,
    pub drive: i64,
    pub last_end: Option<i64>,
    pub run: i64,
}

/// The walk of a route with lunch still owed, advanced a step at a time as later gaps are
/// asked for (lunch placements are tried in order, so no step is simulated twice).
struct Owed {
    w: Result<Walk, Fail>,
    k: usize,
}

impl Owed {
    /// From walk `w` before step `k`.
    fn new(w: Result<Walk, Fail>, k: usize) -> Self {
        Owed { w, k }
    }

    /// The walk before step `g` (not before the last one asked for), or the failure on the
    /// way there.
    fn before(&mut self, sched: &Scheduler, seq: &[usize], g: usize) -> Result<Walk, Fail> {
        debug_assert!(g >= self.k, "gaps are asked for in order");
        while self.k < g {
            let k = self.k;
            self.w = self
                .w
                .and_then(|mut w| sched.step(&mut w, seq, k, LunchAt::None, None).map(|_| w));
            self.k += 1;
        }
        self.w
    }
}

/// Why a simulation failed, and at which node (0 = start, k = k-th visit, n + 1 = end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fail {
    /// Lunch could not fit in its window at the chosen gap (nor at any later one).
    LunchLate,
    /// A window, or the end of the shift, was missed at this node.
    At(usize),
    /// The day's driving is over the limit.
    Drive,
}

pub(crate) struct Scheduler<'a, 'p> {
    pub inst: &'a Instance<'p>,
    pub shift: usize,
}

impl Scheduler<'_, '_> {
    /// Whether `seq` respects the shift's visit, hands-on, capacity and heavy-session limits.
    pub fn within_limits(&self, seq: &[usize]) -> bool {
        let s = &self.inst.shifts[self.shift];
        let b = |i: &usize| &self.inst.bookings[*i];
        seq.len() <= s.max_visits
            && seq.iter().map(|i| b(i).session).sum::<i64>() <= s.max_hands_on
            && seq.iter().map(|i| b(i).demand).sum::<i64>() <= s.capacity
            && (s.max_heavy == usize::MAX
                || seq.iter().filter(|i| b(i).heavy).count() <= s.max_heavy)
    }

    /// The earliest session start for booking `b` when the therapist is at the door and free
    /// to set up at `ready`; `None` when every window has closed.
    pub fn session_start(&self, b: usize, ready: i64) -> Option<i64> {
        let s = &self.inst.shifts[self.shift];
        let bd = &self.inst.bookings[b];
        let r0 = ready + bd.setup.unwrap_or(s.setup);
        if bd.windows.is_empty() {
            (r0 <= s.close).then_some(r0)
        } else {
            bd.windows.iter().find(|w| w.1 >= r0).map(|w| w.0.max(r0))
        }
    }

    /// Where a simulation of the shift's route stands before its first step, leaving at
    /// `depart`.
    pub fn walk(&self, depart: i64) -> Walk {
        Walk {
            t: depart,
            prev: self.inst.shifts[self.shift].start_loc,
            drive: 0,
            last_end: None,
            run: 0,
        }
    }

    fn simulate(
        &self,
        seq: &[usize],
        depart: i64,
        lunch: LunchAt,
        mut record: Option<&mut Timed>,
    ) -> Result<RouteCost, Fail> {
        let mut w = self.walk(depart);
        for k in 0..=seq.len() {
            if let Some(c) = self.step(&mut w, seq, k, lunch, record.as_deref_mut())? {
                return self.within_drive(c);
            }
        }
        unreachable!("the walk ends at k == seq.len()")
    }

    /// The day's driving limit, checked once the day is over.
    #[inline]
    pub fn within_drive(&self, c: RouteCost) -> Result<RouteCost, Fail> {
        if c.drive > self.inst.shifts[self.shift].max_drive {
            Err(Fail::Drive)
        } else {
            Ok(c)
        }
    }

    /// Step `k` of a simulation of `seq` with lunch at `lunch`: lunch if it is taken before
    /// this drive, the drive to node `k` (the end place when `k == seq.len()`), lunch if it
    /// is taken at that door, and the session there. At the end place, the day's cost
    /// (before the driving limit, which [`Scheduler::within_drive`] checks).
    #[inline(always)]
    pub fn step(
        &self,
        w: &mut Walk,
        seq: &[usize],
        k: usize,
        lunch: LunchAt,
        mut record: Option<&mut Timed>,
    ) -> Result<Option<RouteCost>, Fail> {
        let inst = self.inst;
        let s = &inst.shifts[self.shift];
        let n = seq.len();
        let (la, lb, ll) = s.lunch.unwrap_or((0, 0, 0));
        if lunch == LunchAt::Place(k) {
            let ls = w.t.max(la);
            if ls + ll > lb {
                return Err(Fail::LunchLate);
            }
            w.t = ls + ll;
            if let Some(r) = record.as_deref_mut() {
                r.lunch = Some((lunch, ls, w.t));
                match k {
                    0 => r.leave = w.t,
                    _ => r.stops[k - 1].departure = w.t,
                }
            }
        }
        let to = if k < n {
            inst.bookings[seq[k]].loc
        } else {
            s.end_loc
        };
        let d = inst.matrix.secs(w.prev, to, w.t);
        w.drive += d;
        let arrival = w.t + d;
        let mut ready = arrival;
        if lunch == LunchAt::Door(k) {
            let ls = arrival.max(la);
            if ls + ll > lb {
                return Err(Fail::LunchLate);
            }
            ready = ls + ll;
            if let Some(r) = record.as_deref_mut() {
                r.lunch = Some((lunch, ls, ready));
            }
        }
        if k == n {
            if arrival > s.close || ready > s.close {
                return Err(Fail::At(n + 1));
            }
            if let Some(r) = record.as_deref_mut() {
                r.return_drive = d;
                r.back = arrival;
            }
            return Ok(Some(RouteCost {
                drive: w.drive,
                finish: ready,
            }));
        }
        let bk = &inst.bookings[seq[k]];
        let setup = bk.setup.unwrap_or(s.setup);
        // Rest since the last session: set-up may overlap it, the session may not.
        if let Some(e) = w.last_end.filter(|_| s.min_rest > 0) {
            ready = ready.max(e + s.min_rest - setup);
        }
        let Some(mut start) = self.session_start(seq[k], ready) else {
            return Err(Fail::At(k + 1));
        };
        if let Some((max_run, gap)) = s.run {
            let joins = w.last_end.is_some_and(|e| start - e < gap);
            if joins && w.run + bk.session > max_run {
                // Too long in a row: a break of `gap` before this session.
                let e = w.last_end.unwrap_or(start);
                start = match self.session_start(seq[k], ready.max(e + gap - setup)) {
                    Some(st) => st,
                    None => return Err(Fail::At(k + 1)),
                };
                w.run = bk.session;
            } else {
                w.run = if joins {
                    w.run + bk.session
                } else {
                    bk.session
                };
            }
            if w.run > max_run {
                return Err(Fail::At(k + 1));
            }
        }
        let end = start + bk.session;
        w.last_end = Some(end);
        w.t = end + s.packup;
        if let Some(r) = record {
            r.stops[k] = StopTimes {
                arrival,
                start,
                end,
                departure: w.t,
                drive: d,
            };
        }
        w.prev = to;
        Ok(None)
    }

    /// The lunch placement that ends the day earliest when leaving at `depart`.
    pub(super) fn best_lunch(&self, seq: &[usize], depart: i64) -> Option<(LunchAt, RouteCost)> {
        if self.inst.shifts[self.shift].lunch.is_none() {
            return self.best_placement(seq.len(), |at| self.simulate(seq, depart, at, None));
        }
        // Each placement goes on from the walk with lunch owed before its gap.
        let mut owed = Owed::new(Ok(self.walk(depart)), 0);
        self.best_placement(seq.len(), |at| {
            let (LunchAt::Door(g) | LunchAt::Place(g)) = at else {
                unreachable!("placements with lunch")
            };
            let w = owed.before(self, seq, g)?;
            self.finish(w, seq, g, at)
                .and_then(|c| self.within_drive(c))
        })
    }

    /// The rest of the day from walk `w` before step `from` of `seq`, with lunch at `lunch`
    /// (before the driving limit).
    pub fn finish(
        &self,
        mut w: Walk,
        seq: &[usize],
        from: usize,
        lunch: LunchAt,
    ) -> Result<RouteCost, Fail> {
        for k in from..=seq.len() {
            if let Some(c) = self.step(&mut w, seq, k, lunch, None)? {
                return Ok(c);
            }
        }
        unreachable!("the walk ends at k == seq.len()")
    }

    /// The lunch placement, of the `n + 1` gaps of a route of `n` visits, that ends the day
    /// earliest (the first of equals), with `eval` giving each placement's simulation.
    pub fn best_placement(
        &self,
        n: usize,
        mut eval: impl FnMut(LunchAt) -> Result<RouteCost, Fail>,
    ) -> Option<(LunchAt, RouteCost)> {
        if self.inst.shifts[self.shift].lunch.is_none() {
            return eval(LunchAt::None).ok().map(|c| (LunchAt::None, c));
        }
        let mut best: Option<(LunchAt, RouteCost)> = None;
        for g in 0..=n {
            let mut stop = false;
            for at in [LunchAt::Door(g), LunchAt::Place(g)] {
                match eval(at) {
                    Ok(c) => {
                        if best.is_none_or(|(_, b)| c.finish < b.finish) {
                            best = Some((at, c));
                        }
                    }
                    // Later gaps only start lunch later, or keep a failing prefix.
                    Err(Fail::LunchLate) => stop |= matches!(at, LunchAt::Place(_)),
                    Err(Fail::At(node)) => stop |= node <= g,
                    Err(Fail::Drive) => {}
                }
            }
            if stop {
                break;
            }
        }
        best
    }

    /// Feasibility and cost of visiting `seq` in order, leaving as early as the shift allows.
    /// `None` when a window, the shift, the lunch or a limit cannot be met.
    pub fn cost(&self, seq: &[usize]) -> Option<RouteCost> {
        let open = self.inst.shifts[self.shift].open;
        if !self.within_limits(seq) || self.late_even_without_lunch(self.walk(open), seq, 0) {
            return None;
        }
        self.best_lunch(seq, open).map(|(_, c)| c)
    }

    /// Whether `seq`, going on from walk `w` before step `from` with lunch still owed,
    /// misses a window or the shift's end even if lunch is never taken: then it does with
    /// lunch at any gap, since lunch only waits (drives are FIFO: leaving later never
    /// arrives earlier; a session, and the rest before it, only start later when the
    /// therapist is ready later). One pass instead of one per lunch gap, on the moves that
    /// fail most often on a therapist's day. Always false without lunch (one pass anyway)
    /// and under a hands-on run limit (where lunch may be the break a run needs).
    pub fn late_even_without_lunch(&self, mut w: Walk, seq: &[usize], from: usize) -> bool {
        let s = &self.inst.shifts[self.shift];
        if s.lunch.is_none() || s.run.is_some() {
            return false;
        }
        for k in from..=seq.len() {
            match self.step(&mut w, seq, k, LunchAt::None, None) {
                Ok(None) => {}
                Ok(Some(_)) => return false,
                Err(_) => return true,
            }
        }
        false
    }

    /// Seconds at the doors along `seq`: every visit's set-up, session and pack-up.
    pub fn busy(&self, seq: &[usize]) -> i64 {
        let s = &self.inst.shifts[self.shift];
        seq.iter()
            .map(|&b| {
                let bd = &self.inst.bookings[b];
                bd.setup.unwrap_or(s.setup) + bd.session + s.packup
            })
            .sum()
    }

    /// The least the day's driving along `seq` can be: every drive, from the start place to
    /// the end place, at its least over the day.
    pub fn least_drive(&self, seq: &[usize]) -> i64 {
        let s = &self.inst.shifts[self.shift];
        let m = &self.inst.matrix;
        let (at, drive) = seq.iter().fold((s.start_loc, 0), |(at, d), &b| {
            let loc = self.inst.bookings[b].loc;
            (loc, d + m.least_secs(at, loc))
        });
        drive + m.least_secs(at, s.end_loc)
    }

    /// The full timetable of `seq`: the latest departure that still ends the day as early as
    /// possible, so that avoidable waiting is removed.
    pub fn timed(&self, seq: &[usize]) -> Option<Timed> {
        if !self.within_limits(seq) {
            return None;
        }
        let s = &self.inst.shifts[self.shift];
        let (first_at, first) = self.best_lunch(seq, s.open)?;
        // Leaving at `d`, the day ends no earlier than `d` plus every drive at its least, every
        // visit's set-up, session and pack-up, and lunch: a later departure cannot keep the
        // earliest end, so the search for the latest one that does stops there.
        let least = self.least_drive(seq) + self.busy(seq) + s.lunch.map_or(0, |l| l.2);
        let (mut lo, mut hi) = (s.open, s.close.min(first.finish - least).max(s.open));
        // The best lunch per departure tried, each simulated once (the departure chosen was
        // mostly tried on the way).
        let tried = std::cell::RefCell::new(Vec::new());
        let lunch_leaving = |d: i64| {
            let known = tried
                .borrow()
                .iter()
                .find(|&&(at, _)| at == d)
                .map(|&(_, l)| l);
            known.unwrap_or_else(|| {
                let l = self.best_lunch(seq, d);
                tried.borrow_mut().push((d, l));
                l
            })
        };
        let keeps = |d| matches!(lunch_leaving(d), Some((_, c)) if c.finish <= first.finish);
        // The latest departure in `lo..=hi` that keeps the earliest end (found by bisection:
        // a later departure never ends the day earlier).
        let latest = |mut lo: i64, mut hi: i64| {
            while lo < hi {
                let mid = lo + (hi - lo + 1) / 2;
                if keeps(mid) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            lo
        };
        let whole = (lo, hi);
        let mut timed = Timed {
            leave: s.open,
            stops: vec![StopTimes::default(); seq.len()],
            lunch: None,
            return_drive: 0,
            back: 0,
            cost: first,
        };
        // The bisection below decides; a guess tried first mostly ends it in two schedules
        // instead of about a dozen: the latest departure found backwards from the earliest
        // timetable, each session as late as the next one and its own window allow.
        if !seq.is_empty()
            && self
                .simulate(seq, s.open, first_at, Some(&mut timed))
                .is_ok()
        {
            let guess = self.latest_leave(seq, first_at, &timed).clamp(lo, hi);
            if !keeps(guess) {
                hi = guess - 1;
            } else if guess == hi || !keeps(guess + 1) {
                (lo, hi) = (guess, guess);
            } else {
                lo = guess + 1;
            }
        }
        let lo = latest(lo, hi);
        // Debug builds check that the guess only saved time: the bisection over the whole
        // range finds the same departure.
        debug_assert_eq!(
            lo,
            latest(whole.0, whole.1),
            "the guess changed the timetable"
        );
        let (at, _) = lunch_leaving(lo)?;
        timed.leave = lo;
        timed.lunch = None;
        timed.cost = self.simulate(seq, lo, at, Some(&mut timed)).ok()?;
        self.leave_late(seq, &mut timed);
        Some(timed)
    }

    /// A guess at the latest departure that keeps the day's end of `timed`, the earliest
    /// timetable of `seq` with lunch at `at`: backwards from the last session (kept where it
    /// is), each drive left as late as FIFO allows and each session started as late as the
    /// next drive and its own window allow (no rest, run or lunch-window rules).
    fn latest_leave(&self, seq: &[usize], at: LunchAt, timed: &Timed) -> i64 {
        let inst = self.inst;
        let s = &inst.shifts[self.shift];
        let ll = s.lunch.map_or(0, |l| l.2);
        let mut start = timed.stops[seq.len() - 1].start;
        for k in (0..seq.len()).rev() {
            let b = &inst.bookings[seq[k]];
            let lunch = |here| if at == here { ll } else { 0 };
            let by = start - b.setup.unwrap_or(s.setup) - lunch(LunchAt::Door(k));
            let (from, floor) = match k {
                0 => (s.start_loc, timed.leave),
                _ => (inst.bookings[seq[k - 1]].loc, timed.stops[k - 1].departure),
            };
            let free = self.latest_departure(from, b.loc, floor, by) - lunch(LunchAt::Place(k));
            if k == 0 {
                return free;
            }
            let (p, was) = (&inst.bookings[seq[k - 1]], timed.stops[k - 1].start);
            let window_end = p
                .windows
                .iter()
                .find(|w| w.0 <= was && was <= w.1)
                .map_or(s.close, |w| w.1);
            start = (free - s.packup - p.session).min(window_end).max(was);
        }
        s.open
    }

    /// The latest departure from `from`, no earlier than `floor`, that reaches `to` by
    /// `arrive_by` (`floor` when none does). Drives are FIFO: arrival never decreases with
    /// departure, so it is found by bisection, after a guess that mostly ends it: leaving
    /// the drive's time before `arrive_by`, that time taken at about when one leaves.
    fn latest_departure(&self, from: usize, to: usize, floor: i64, arrive_by: i64) -> i64 {
        let arrival = |t: i64| t + self.inst.matrix.secs(from, to, t);
        // The latest in `lo..=hi` that arrives in time, `lo` when none after it does.
        let bisect = |mut lo: i64, mut hi: i64| {
            while lo < hi {
                let mid = lo + (hi - lo + 1) / 2;
                if arrival(mid) <= arrive_by {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            lo
        };
        let (lo, hi) = (floor, arrive_by.max(floor));
        let about = arrive_by - self.inst.matrix.secs(from, to, arrive_by);
        let guess = (arrive_by - self.inst.matrix.secs(from, to, about)).clamp(lo, hi);
        let found = if guess > lo && arrival(guess) > arrive_by {
            bisect(lo, guess - 1)
        } else if guess == hi || arrival(guess + 1) > arrive_by {
            guess
        } else {
            bisect(guess + 1, hi)
        };
        // Debug builds check that the guess only saved time.
        debug_assert_eq!(found, bisect(lo, hi), "the guess changed the departure");
        found
    }

    /// Moves each departure (and a lunch taken just before or after the drive) as late as
    /// the next session's start allows, keeping every session where it is: the therapist
    /// arrives as set-up must begin instead of waiting at the door. A later departure may
    /// meet heavier traffic; it is taken only while the extra driving is at most a quarter of
    /// the waiting it removes. A lunch at a door that would leave a wait after it is taken
    /// before the drive instead.
    fn leave_late(&self, seq: &[usize], timed: &mut Timed) {
        let inst = self.inst;
        let s = &inst.shifts[self.shift];
        let (la, lb, ll) = s.lunch.unwrap_or((0, 0, 0));
        for k in (0..seq.len()).rev() {
            let b = &inst.bookings[seq[k]];
            let from = if k == 0 {
                s.start_loc
            } else {
                inst.bookings[seq[k - 1]].loc
            };
            let drive = |t: i64| inst.matrix.secs(from, b.loc, t);
            let setup_from = timed.stops[k].start - b.setup.unwrap_or(s.setup);
            let old = if k == 0 {
                timed.leave
            } else {
                timed.stops[k - 1].departure
            };
            // The earliest departure allowed and the latest arrival that keeps the session.
            let (mut floor, mut arrive_by) = (old, setup_from);
            if matches!(timed.lunch, Some((LunchAt::Door(g), _, _)) if g == k) {
                let end = lb.min(setup_from);
                let (ls, le) = (old.max(la), old.max(la) + ll);
                if end < setup_from && le <= lb && le + drive(le) <= setup_from {
                    // Lunch before leaving, so that nobody waits at the door after it.
                    timed.lunch = Some((LunchAt::Place(k), ls, le));
                    floor = le;
                } else {
                    timed.lunch = Some((LunchAt::Door(k), end - ll, end));
                    arrive_by = end - ll;
                }
            }
            let lo = self.latest_departure(from, b.loc, floor, arrive_by);
            // Back off a minute at a time while the extra driving outweighs the wait saved
            // (at `floor` itself there is none).
            let d_floor = drive(floor);
            let others = timed.cost.drive - timed.stops[k].drive;
            let mut t = lo;
            while t > floor
                && (4 * (drive(t) - d_floor) > t - floor || others + drive(t) > s.max_drive)
            {
                t = (t - 60).max(floor);
            }
            if matches!(timed.lunch, Some((LunchAt::Place(g), _, _)) if g == k) {
                // Lunch just before leaving: as late as its window allows.
                let end = lb.min(t);
                timed.lunch = Some((LunchAt::Place(k), end - ll, end));
            }
            if t == old {
                continue;
            }
            let d = drive(t);
            if k == 0 {
                timed.leave = t;
            } else {
                timed.stops[k - 1].departure = t;
            }
            timed.cost.drive += d - timed.stops[k].drive;
            timed.stops[k].drive = d;
            timed.stops[k].arrival = t + d;
        }
    }
}

/// The walks of one route before each of its steps: with lunch still owed, and with lunch at
/// each placement before that step. A route that keeps this route's first `p` visits
/// ([`Walks::cost`]) is then simulated from step `p` on only.
#[derive(Clone, Debug, Default)]
pub(crate) struct Walks {
    /// `owed[k]`: before step `k`, lunch not taken.
    owed: Vec<Result<Walk, Fail>>,
    /// `taken[2g + i][k]`: before step `k > g`, lunch at `Door(g)` (`i = 0`) or `Place(g)`.
    taken: Vec<Vec<Result<Walk, Fail>>>,
}

impl Walks {
    /// The walks of `route` on the scheduler's shift.
    pub fn new(sched: &Scheduler, route: &[usize]) -> Walks {
        let n = route.len();
        // `out` (of capacity `n + 1`) with the walks before steps `first..=n` after it.
        let from = |mut out: Vec<_>, w: Result<Walk, Fail>, first: usize, lunch: LunchAt| {
            let mut w = w;
            for k in first..=n {
                out.push(w);
                if k < n {
                    w = w.and_then(|mut w| sched.step(&mut w, route, k, lunch, None).map(|_| w));
                }
            }
            out
        };
        let owed = from(
            Vec::with_capacity(n + 1),
            Ok(sched.walk(sched.inst.shifts[sched.shift].open)),
            0,
            LunchAt::None,
        );
        let mut taken = Vec::new();
        if sched.inst.shifts[sched.shift].lunch.is_some() {
            taken.reserve_exact(2 * n);
            for (g, &before) in owed.iter().enumerate().take(n) {
                for at in [LunchAt::Door(g), LunchAt::Place(g)] {
                    // From before step g: the step with lunch, then on without.
                    let w =
                        before.and_then(|mut w| sched.step(&mut w, route, g, at, None).map(|_| w));
                    let mut none = Vec::with_capacity(n + 1);
                    none.resize(g + 1, Err(Fail::Drive));
                    taken.push(from(none, w, g + 1, LunchAt::None));
                }
            }
        }
        Walks { owed, taken }
    }

    /// The walk before step `p` (at most the route's length) with lunch at `lunch`.
    pub fn before(&self, p: usize, lunch: LunchAt) -> Result<Walk, Fail> {
        match lunch {
            LunchAt::Door(g) if g < p => self.taken[2 * g][p],
            LunchAt::Place(g) if g < p => self.taken[2 * g + 1][p],
            _ => self.owed[p],
        }
    }

    /// [`Scheduler::cost`] of `seq`, a route whose first `p` visits are this route's first
    /// `p`: each lunch placement resumes from its walk before step `p`; the placements after
    /// `p` share the steps before their own.
    pub fn cost(&self, sched: &Scheduler, seq: &[usize], p: usize) -> Option<RouteCost> {
        if !sched.within_limits(seq)
            || self.owed[p].is_ok_and(|w| sched.late_even_without_lunch(w, seq, p))
        {
            return None;
        }
        let mut owed = Owed::new(self.owed[p], p);
        let eval = |at: LunchAt| {
            let end = match at {
                LunchAt::None => self.owed[p].and_then(|w| sched.finish(w, seq, p, at)),
                LunchAt::Door(g) | LunchAt::Place(g) if g < p => {
                    self.before(p, at).and_then(|w| sched.finish(w, seq, p, at))
                }
                LunchAt::Door(g) | LunchAt::Place(g) => owed
                    .before(sched, seq, g)
                    .and_then(|w| sched.finish(w, seq, g, at)),
            };
            end.and_then(|c| sched.within_drive(c))
        };
        sched.best_placement(seq.len(), eval).map(|(_, c)| c)
    }
}

impl Timed {
    /// Seconds spent neither driving, setting up, treating, packing up nor at lunch, between
    /// leaving and the end of the day.
    pub fn waiting(&self, sched: &Scheduler, seq: &[usize]) -> i64 {
        let busy = sched.busy(seq);
        let lunch = self.lunch.map_or(
            0,
            |(at, a, b)| if at == LunchAt::Place(0) { 0 } else { b - a },
        );
        self.cost.finish - self.leave - self.cost.drive - busy - lunch
    }
}
