//! Slot suggestions: where one more visit fits into a planned day or week. For every shift
//! that may take the request and every position in its route, the start times on a grid
//! inside the request's windows are tried with the request held at exactly that start: the
//! other visits keep their order and may move within their windows, confirmed visits keep
//! their times, and the shift, lunch and limits hold. Suggestions are ranked by added
//! driving, then added waiting.
//!
//! A [`Prepared`] plan keeps the travel matrix of the day or week between requests and adds
//! only the requested location to it ([`TravelModel::extend`]); [`Prepared::slots_once`]
//! answers a single question with one matrix that has the request's place in it from the
//! start.

use super::assemble::{day_full, why_not};
use super::instance::Instance;
use super::route::{Fail, LunchAt, RouteCost, Scheduler, Walk, Walks};
use super::segment::Segments;
use super::{fits_alone, routes_of};
use crate::model::{Booking, Problem};
use crate::plan::{Plan, Reason};
use crate::time::{Metres, Seconds};
use crate::travel::{can_meet, TravelMatrix, TravelModel};
use crate::validate::ProblemError;
use chrono::NaiveDate;

/// What to ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SlotQuery {
    /// The grid of start times: multiples of this from midnight (default 15 minutes).
    pub step: Seconds,
    /// At most this many suggestions (default 10).
    pub top: usize,
}

impl Default for SlotQuery {
    fn default() -> Self {
        SlotQuery {
            step: Seconds::from_minutes(15),
            top: 10,
        }
    }
}

impl SlotQuery {
    /// A query with `top` suggestions on a grid of `step`.
    pub fn new(step: Seconds, top: usize) -> Self {
        SlotQuery { step, top }
    }
}

/// One start time that fits.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Slot {
    /// The therapist's id.
    pub therapist: String,
    /// The day (`None` in an undated plan).
    pub date: Option<NaiveDate>,
    /// Where in the day's route: the number of planned visits before it (0 = first).
    pub position: usize,
    /// Session start.
    pub start: Seconds,
    /// Driving the visit adds to the day, seconds.
    pub added_drive: Seconds,
    /// Distance the visit adds to the day, metres (may be negative on odd road networks).
    pub added_distance: Metres,
    /// Idle time the visit adds to the day (waiting for windows), seconds.
    pub added_waiting: Seconds,
    /// The day's total driving with the visit.
    pub day_drive: Seconds,
    /// The day's total distance with the visit.
    pub day_distance: Metres,
    /// The day's number of visits with it.
    pub day_visits: usize,
    /// When the day ends with it (back at the end place, or end of a lunch taken there).
    pub day_end: Seconds,
}

/// The answer: the best slots, or why there are none.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Slots {
    /// The best slots, best first; empty when nothing fits.
    pub slots: Vec<Slot>,
    /// When nothing fits: the reason (as for an unassigned booking) and a sentence.
    pub none: Option<(Reason, String)>,
}

/// A planned day or week, ready for slot questions: the problem, its plan and the travel
/// matrix of its locations, kept between requests.
pub struct Prepared<'a> {
    day: Day<'a>,
    model: &'a dyn TravelModel,
    matrix: TravelMatrix,
}

/// A plan's routes in its problem (a route per shift, as booking indices): what answering
/// needs besides the travel matrix.
struct Day<'a> {
    problem: &'a Problem,
    routes: Vec<Vec<usize>>,
}

impl<'a> Prepared<'a> {
    /// Prepares `plan` of `problem` (the plan's routes as they are; visits of bookings not in
    /// the problem are left out).
    pub fn new(
        problem: &'a Problem,
        model: &'a dyn TravelModel,
        plan: &Plan,
    ) -> Result<Self, ProblemError> {
        problem.validate()?;
        let (locations, groups) = Instance::locations(problem);
        let matrix = model.matrix_within(&locations, &groups);
        Instance::with_matrix(problem, matrix.clone())?;
        Ok(Prepared {
            day: Day {
                problem,
                routes: routes_of(problem, plan),
            },
            model,
            matrix,
        })
    }

    /// The answer of [`Prepared::new`] and then [`Prepared::slots`], for one question about
    /// a plan: the same slots, from one travel matrix that has `new`'s place in it from the
    /// start (for a service that gets the day with every question, this saves the second
    /// matrix computation of `slots`).
    ///
    /// ```
    /// use housecall_core::*;
    /// let at = |lat, lon| Location { lat, lon };
    /// let shift = TimeWindow::new(Seconds::hm(9, 0), Seconds::hm(17, 0)).unwrap();
    /// let problem = Problem::new(
    ///     vec![Booking::new("b1", at(43.59, -79.64), Seconds::from_minutes(60))],
    ///     vec![Therapist::new("t1", at(43.685, -79.76), shift)],
    ///     None,
    /// );
    /// let model = StraightLine::default();
    /// let plan = solve(&problem, &model, &SolveOptions::default())?;
    /// let new = Booking::new("n1", at(43.60, -79.65), Seconds::from_minutes(45));
    /// let query = SlotQuery::default();
    /// let once = Prepared::slots_once(&problem, &model, &plan, &new, &query)?;
    /// assert_eq!(once, Prepared::new(&problem, &model, &plan)?.slots(&new, &query)?);
    /// # Ok::<(), ProblemError>(())
    /// ```
    pub fn slots_once(
        problem: &Problem,
        model: &dyn TravelModel,
        plan: &Plan,
        new: &Booking,
        query: &SlotQuery,
    ) -> Result<Slots, ProblemError> {
        problem.validate()?;
        let day = Day {
            problem,
            routes: routes_of(problem, plan),
        };
        day.answer(new, query, false, |with| {
            let (locations, groups) = Instance::locations(with);
            let needed = day.needed(with);
            let n = locations.len();
            // No drive of a day leaves before its shifts' first opening.
            let opens = (with.shifts.iter())
                .map(|s| with.therapists[s.therapist].shift.start)
                .min()
                .unwrap_or_default();
            model.matrix_from(
                &locations,
                &|i, j| needed[i * n + j] && can_meet(groups[i], groups[j]),
                opens,
            )
        })
    }

    /// The slots for one more visit, `new` (its windows, date, therapist, skills and area as
    /// for any booking; `new.confirmed` is ignored), on `query`'s grid.
    ///
    /// ```
    /// use housecall_core::*;
    /// let home = Location { lat: 43.685, lon: -79.76 };
    /// let shift = TimeWindow::new(Seconds::hm(9, 0), Seconds::hm(17, 0)).unwrap();
    /// let at = |lat, lon| Location { lat, lon };
    /// let problem = Problem::new(
    ///     vec![Booking::new("b1", at(43.59, -79.64), Seconds::from_minutes(60))
    ///         .with_window(TimeWindow::new(Seconds::hm(10, 0), Seconds::hm(10, 0)).unwrap())],
    ///     vec![Therapist::new("t1", home, shift)],
    ///     None,
    /// );
    /// let model = StraightLine::default();
    /// let plan = solve(&problem, &model, &SolveOptions::default())?;
    /// let day = Prepared::new(&problem, &model, &plan)?;
    /// let new = Booking::new("n1", at(43.60, -79.65), Seconds::from_minutes(45))
    ///     .with_window(TimeWindow::new(Seconds::hm(9, 0), Seconds::hm(16, 0)).unwrap());
    /// let answer = day.slots(&new, &SlotQuery::default())?;
    /// let best = &answer.slots[0];
    /// assert_eq!(best.therapist, "t1");
    /// // Next door to b1: just before it or just after.
    /// assert!(best.start <= Seconds::hm(9, 0) || best.start >= Seconds::hm(11, 0));
    /// # Ok::<(), ProblemError>(())
    /// ```
    pub fn slots(&self, new: &Booking, query: &SlotQuery) -> Result<Slots, ProblemError> {
        self.answer(new, query, false)
    }

    /// The answer by brute force: every grid time at every position through the scheduler,
    /// with none of the screens of [`Prepared::slots`]. For tests.
    #[doc(hidden)]
    pub fn slots_brute_force(
        &self,
        new: &Booking,
        query: &SlotQuery,
    ) -> Result<Slots, ProblemError> {
        self.answer(new, query, true)
    }

    /// [`Day::answer`] with the day's matrix and the request's place added to it.
    fn answer(&self, new: &Booking, query: &SlotQuery, brute: bool) -> Result<Slots, ProblemError> {
        let problem = self.day.problem;
        self.day.answer(new, query, brute, |_| {
            let (locations, _) = Instance::locations(problem);
            self.model.extend(
                &self.matrix,
                &locations,
                problem.bookings.len(),
                new.location,
            )
        })
    }
}

impl Day<'_> {
    /// Which drives answering a question needs, `[from * n + to]` over the
    /// [locations](Instance::locations) of `with` (the day's problem with the request as its
    /// last booking): to and from the request, and each shift's route from its start to its
    /// end (an empty one's too). The reasons when nothing fits need no others: the request
    /// alone on a shift, and in each route.
    fn needed(&self, with: &Problem) -> Vec<bool> {
        let bookings = with.bookings.len();
        let n = bookings + 2 * with.therapists.len();
        let new = bookings - 1;
        let mut needed = vec![false; n * n];
        for k in 0..n {
            needed[new * n + k] = true;
            needed[k * n + new] = true;
        }
        for (route, shift) in self.routes.iter().zip(&self.problem.shifts) {
            // A therapist's start and end places follow the bookings, in the therapists' order.
            let start = bookings + 2 * shift.therapist;
            let places: Vec<usize> = std::iter::once(start)
                .chain(route.iter().copied())
                .chain([start + 1])
                .collect();
            for leg in places.windows(2) {
                needed[leg[0] * n + leg[1]] = true;
            }
        }
        needed
    }

    /// The slots for `new`; `matrix` gives the travel matrix of the problem with the request
    /// added as its last booking (called once that problem is valid).
    fn answer(
        &self,
        new: &Booking,
        query: &SlotQuery,
        brute: bool,
        matrix: impl FnOnce(&Problem) -> TravelMatrix,
    ) -> Result<Slots, ProblemError> {
        let n = self.problem.bookings.len();
        let mut problem = self.problem.clone();
        let mut request = new.clone();
        request.confirmed = None;
        problem.bookings.push(request);
        problem.validate()?;
        let matrix = matrix(&problem);
        let mut inst = Instance::with_matrix(&problem, matrix)?;
        let step = query.step.0.max(60);
        // Every position of every shift that may take the request, most promising first: a
        // position whose least possible added driving is above the `top`-th best found so
        // far cannot enter the answer, and neither can any after it.
        let mut shifts = Vec::new();
        let mut order = Vec::new();
        let relaxed = if brute { None } else { Segments::new(&inst) };
        for s in inst.can_serve[n].clone() {
            let Some(on) = OnShift::new(&inst, s, &self.routes[s], relaxed.as_ref()) else {
                // A route that no longer fits its shift (an edited problem): nothing to add to.
                continue;
            };
            for p in 0..=self.routes[s].len() {
                let bound = if brute {
                    0
                } else {
                    on.least_added(&inst, &self.routes[s], p)
                };
                order.push((bound, shifts.len(), p));
            }
            shifts.push(on);
        }
        if !brute {
            order.sort_unstable();
        }
        let mut best = BestDrives::new(query.top);
        let mut found = Vec::new();
        for (bound, k, p) in order {
            if !brute && bound > best.worst() {
                break;
            }
            let first = found.len();
            self.position_slots(&mut inst, &shifts[k], p, step, brute, &mut found);
            for (_, x) in &found[first..] {
                best.add(x.added_drive.0);
            }
        }
        // Best first: least added driving, then waiting, then the earliest start (the shift's
        // order breaks the last ties, whatever order the positions were tried in).
        found.sort_by_key(|(s, x)| {
            (
                x.added_drive,
                x.added_waiting,
                x.start,
                x.date,
                x.position,
                *s,
            )
        });
        found.truncate(query.top);
        let none = found.is_empty().then(|| {
            let alone = fits_alone(&inst, n);
            if alone.is_empty() {
                why_not(&inst, n)
            } else {
                day_full(&inst, &alone, &self.routes, n)
            }
        });
        // The day's distance without the request, per shift, computed once.
        let mut before = vec![None; self.routes.len()];
        let slots = found
            .into_iter()
            .map(|(s, mut slot)| {
                self.finish_slot(&mut inst, s, &mut slot, &mut before);
                slot
            })
            .collect();
        Ok(Slots { slots, none })
    }

    /// Every grid time at position `p` of `on`'s shift that fits, into `out` with the shift
    /// (distances and day totals are filled in later, for the best only).
    fn position_slots(
        &self,
        inst: &mut Instance,
        on: &OnShift,
        p: usize,
        step: i64,
        brute: bool,
        out: &mut Vec<(usize, Slot)>,
    ) {
        let (n, s) = (self.problem.bookings.len(), on.s);
        let route = &self.routes[s];
        let mut seq = Vec::with_capacity(route.len() + 1);
        seq.extend_from_slice(&route[..p]);
        seq.push(n);
        seq.extend_from_slice(&route[p..]);
        if !(Scheduler { inst, shift: s }).within_limits(&seq) {
            return;
        }
        // Screens that never reject a time the scheduler would accept: the request cannot
        // start before the therapist could reach it with no lunch or waiting, and must leave
        // time to reach the next visit within its last window.
        let (earliest, latest) = if brute {
            (i64::MIN, i64::MAX)
        } else {
            self.bounds(inst, on, route, p)
        };
        let shift = &self.problem.shifts[s];
        let own = std::mem::replace(&mut inst.bookings[n].windows, vec![(0, 0)]);
        let windows: &[(i64, i64)] = if own.is_empty() {
            &[(inst.shifts[s].open, inst.shifts[s].close)]
        } else {
            &own
        };
        let prefix = Prefix {
            p,
            walks: &on.walks,
        };
        let mut trail = Vec::with_capacity(route.len() + 1);
        for &(a, b) in windows {
            let first = a.div_euclid(step) * step + if a % step == 0 { 0 } else { step };
            let mut t = first.max(a);
            while t <= b {
                if t >= earliest && t <= latest {
                    // The request held at exactly `t`.
                    inst.bookings[n].windows[0] = (t, t);
                    let sched = Scheduler { inst, shift: s };
                    let cost = if brute {
                        sched.cost(&seq)
                    } else {
                        prefix.cost(&sched, &seq, &mut trail)
                    };
                    if let Some(c) = cost {
                        let added_drive = c.drive - on.before.drive;
                        let grown = (c.finish - on.before.finish) - added_drive - on.busy;
                        out.push((
                            s,
                            Slot {
                                // Named in `finish_slot`, for the best only.
                                therapist: String::new(),
                                date: shift.date,
                                position: p,
                                start: Seconds(t),
                                added_drive: Seconds(added_drive),
                                added_distance: Metres(0),
                                added_waiting: Seconds(grown.max(0)),
                                day_drive: Seconds(c.drive),
                                day_distance: Metres(0),
                                day_visits: seq.len(),
                                day_end: Seconds(c.finish),
                            },
                        ));
                    }
                }
                t += step;
            }
        }
        inst.bookings[n].windows = own;
    }

    /// Necessary bounds on the request's start at position `p` of `route` on `on`'s shift:
    /// not before leaving at the opening, driving straight through the earliest schedule of
    /// the visits before it and setting up; and not so late that the rest of the day (the
    /// next visit's last window, the windows after it, the end of the shift) is missed even
    /// with every drive at its least and no lunch.
    fn bounds(&self, inst: &Instance, on: &OnShift, route: &[usize], p: usize) -> (i64, i64) {
        let (s, setup) = (on.s, on.setup);
        let n = self.problem.bookings.len();
        let sd = &inst.shifts[s];
        let sched = Scheduler { inst, shift: s };
        let m = &inst.matrix;
        let bd = &inst.bookings[n];
        let mut t = sd.open;
        let mut at = sd.start_loc;
        for &v in &route[..p] {
            let vd = &inst.bookings[v];
            let arrive = t + m.secs(at, vd.loc, t);
            let Some(start) = sched.session_start(v, arrive) else {
                return (i64::MAX, i64::MIN);
            };
            t = start + vd.session + sd.packup;
            at = vd.loc;
        }
        let earliest = t + m.secs(at, bd.loc, t) + setup;
        let (next_loc, deadline) = match route.get(p) {
            Some(&v) => {
                let vd = &inst.bookings[v];
                let last = vd.windows.last().map_or(sd.close, |w| w.1);
                (vd.loc, last - vd.setup.unwrap_or(sd.setup))
            }
            None => (sd.end_loc, sd.close),
        };
        let deadline = deadline.min(on.latest.get(p).copied().unwrap_or(i64::MAX));
        // The drive on is at least its least value over the day.
        let latest = deadline - inst.matrix.least_secs(bd.loc, next_loc) - sd.packup - bd.session;
        (earliest, latest)
    }

    /// Fills in the therapist, the distances and the day totals of a slot on shift `s` from
    /// the timed route; `before` keeps each shift's distance without the request.
    fn finish_slot(
        &self,
        inst: &mut Instance,
        s: usize,
        slot: &mut Slot,
        before: &mut [Option<i64>],
    ) {
        let n = self.problem.bookings.len();
        let route = &self.routes[s];
        let therapist = self.problem.shifts[s].therapist;
        slot.therapist
            .clone_from(&self.problem.therapists[therapist].id);
        let timed = |inst: &Instance, seq: &[usize]| {
            (Scheduler { inst, shift: s }).timed(seq).map_or(0, |t| {
                let sd = &inst.shifts[s];
                let mut prev = sd.start_loc;
                let mut leave = t.leave;
                let mut total = 0;
                for (&b, st) in seq.iter().zip(&t.stops) {
                    let loc = inst.bookings[b].loc;
                    total += inst.matrix.drive(prev, loc, Seconds(leave)).distance.0;
                    leave = st.departure;
                    prev = loc;
                }
                total
                    + inst
                        .matrix
                        .drive(prev, sd.end_loc, Seconds(leave))
                        .distance
                        .0
            })
        };
        let distance = |inst: &Instance, seq: &[usize]| {
            // When every leg is as long whenever it can be driven, the timetable (a route
            // that fits its shift has one) does not matter. Debug builds check that against
            // the timetable.
            let Some(total) = untimed_distance(inst, s, seq) else {
                return timed(inst, seq);
            };
            debug_assert_eq!(total, timed(inst, seq), "a leg's length within its bounds");
            total
        };
        let mut seq = route.clone();
        seq.insert(slot.position, n);
        let own = std::mem::replace(
            &mut inst.bookings[n].windows,
            vec![(slot.start.0, slot.start.0)],
        );
        let after = distance(inst, &seq);
        inst.bookings[n].windows = own;
        let before = *before[s].get_or_insert_with(|| distance(inst, route));
        slot.day_distance = Metres(after);
        slot.added_distance = Metres(after - before);
    }
}

/// The driving metres of `seq` on shift `s` when every leg is as long whenever any timetable
/// of the route can drive it, else `None`. When each leg may be driven is bounded without a
/// timetable: not before the work before it is done (from the shift's opening, every drive at
/// its least over the day, every session at its window's opening or later), not after the
/// latest that leaves time for the rest (every session by its window's last close, the end
/// place by the shift's close); lunch, rests and breaks only wait within those bounds.
fn untimed_distance(inst: &Instance, s: usize, seq: &[usize]) -> Option<i64> {
    let sd = &inst.shifts[s];
    let m = &inst.matrix;
    let places: Vec<usize> = std::iter::once(sd.start_loc)
        .chain(seq.iter().map(|&b| inst.bookings[b].loc))
        .chain([sd.end_loc])
        .collect();
    // The earliest each leg can leave, forwards.
    let mut earliest = Vec::with_capacity(places.len() - 1);
    let mut leave = sd.open;
    for (k, &b) in seq.iter().enumerate() {
        earliest.push(leave);
        let bd = &inst.bookings[b];
        let set_up = leave + m.least_secs(places[k], places[k + 1]) + bd.setup.unwrap_or(sd.setup);
        let opens = bd.windows.iter().map(|w| w.0).min().unwrap_or(set_up);
        leave = set_up.max(opens) + bd.session + sd.packup;
    }
    earliest.push(leave);
    // The latest each leg can leave, backwards, and its length if it is the same throughout.
    let mut total = 0;
    let mut arrive_by = sd.close;
    for k in (0..places.len() - 1).rev() {
        let latest = arrive_by - m.least_secs(places[k], places[k + 1]);
        if latest < earliest[k] {
            return None;
        }
        total += m.fixed_distance(places[k], places[k + 1], earliest[k]..=latest)?;
        if k > 0 {
            let bd = &inst.bookings[seq[k - 1]];
            let closes = bd.windows.iter().map(|w| w.1).max().unwrap_or(sd.close);
            let start = closes.min(latest - sd.packup - bd.session);
            arrive_by = start - bd.setup.unwrap_or(sd.setup);
        }
    }
    Some(total)
}

/// A shift that may take the request: its route's cost and walks as planned, and what the
/// request needs there.
struct OnShift {
    s: usize,
    before: RouteCost,
    walks: Walks,
    /// The request's set-up at this shift, and set-up + session + pack-up.
    setup: i64,
    busy: i64,
    /// The route's driving above the least its legs could take at any time of day.
    excess: i64,
    /// Per position `p` (without relaxed segments: empty): the latest arrival at the
    /// visit there, before set-up, or at the end place, that the relaxed segments of the
    /// rest of the day allow.
    latest: Vec<i64>,
}

impl OnShift {
    /// `None` when `route` no longer fits shift `s`.
    fn new(inst: &Instance, s: usize, route: &[usize], relaxed: Option<&Segments>) -> Option<Self> {
        let sched = Scheduler { inst, shift: s };
        let before = sched.cost(route)?;
        let n = inst.bookings.len() - 1;
        let sd = &inst.shifts[s];
        let setup = inst.bookings[n].setup.unwrap_or(sd.setup);
        let least = sched.least_drive(route);
        // A later arrival would put the rest of the day late; none where it already is.
        let latest = relaxed.map_or(Vec::new(), |g| {
            (g.tails(&inst.matrix, s, route).iter())
                .map(|t| if t.warp == 0 { t.latest } else { i64::MAX })
                .collect()
        });
        Some(OnShift {
            s,
            before,
            walks: Walks::new(&sched, route),
            setup,
            busy: setup + inst.bookings[n].session + sd.packup,
            excess: before.drive - least,
            latest,
        })
    }

    /// The locations before and after position `p` of `route` on shift `s`.
    fn around(inst: &Instance, s: usize, route: &[usize], p: usize) -> (usize, usize) {
        let sd = &inst.shifts[s];
        let loc = |k: usize| inst.bookings[route[k]].loc;
        let a = if p == 0 { sd.start_loc } else { loc(p - 1) };
        let b = if p == route.len() { sd.end_loc } else { loc(p) };
        (a, b)
    }

    /// A lower bound on the driving the request adds at position `p`: every drive of the
    /// new route takes at least its least over the day, and the planned route's drives sum
    /// to `excess` above theirs.
    fn least_added(&self, inst: &Instance, route: &[usize], p: usize) -> i64 {
        let n = inst.bookings.len() - 1;
        let new = inst.bookings[n].loc;
        let (a, b) = Self::around(inst, self.s, route, p);
        inst.matrix.least_secs(a, new) + inst.matrix.least_secs(new, b)
            - inst.matrix.least_secs(a, b)
            - self.excess
    }
}

/// The `top` least added drives found so far.
struct BestDrives {
    top: usize,
    heap: std::collections::BinaryHeap<i64>,
}

impl BestDrives {
    fn new(top: usize) -> Self {
        BestDrives {
            top,
            heap: std::collections::BinaryHeap::new(),
        }
    }

    fn add(&mut self, drive: i64) {
        self.heap.push(drive);
        if self.heap.len() > self.top {
            self.heap.pop();
        }
    }

    /// The `top`-th least so far; unbounded until `top` are known.
    fn worst(&self) -> i64 {
        match self.heap.peek() {
            Some(&w) if self.top > 0 && self.heap.len() == self.top => w,
            _ => i64::MAX,
        }
    }
}

/// The scheduler's cost of a route with the request at position `p`, for many start times of
/// the request: the steps before it come from the route's [`Walks`], and the steps after it
/// are simulated once per start time, shared by the placements that agree there. Gives
/// exactly [`Scheduler::cost`] (the brute force of the slot tests compares the two).
struct Prefix<'w> {
    p: usize,
    walks: &'w Walks,
}

impl Prefix<'_> {
    /// [`Scheduler::cost`] of `seq` with the request's window as the instance has it now
    /// (one start time); `trail` is scratch space.
    fn cost(&self, sched: &Scheduler, seq: &[usize], trail: &mut Vec<Walk>) -> Option<RouteCost> {
        let (p, n) = (self.p, seq.len());
        // The request's step and the rest of the day from it, lunch owed: the walk before
        // each later step is kept for placements after the request.
        trail.clear();
        let owed_end = self.walks.before(p, LunchAt::None).and_then(|mut w| {
            sched.step(&mut w, seq, p, LunchAt::None, None)?;
            let post = w;
            for k in p + 1..=n {
                trail.push(w);
                if let Some(c) = sched.step(&mut w, seq, k, LunchAt::None, None)? {
                    return Ok((post, c));
                }
            }
            unreachable!("the walk ends at k == seq.len()")
        });
        // After the request, a walk differs from the owed one only in driving so far and,
        // with a hands-on run limit, in the run: the same run gives the same rest of the day.
        let rest_from = |post: Walk| -> Result<RouteCost, Fail> {
            if let Ok((o, c)) = owed_end {
                if o.run == post.run {
                    debug_assert_eq!(
                        (o.t, o.prev, o.last_end),
                        (post.t, post.prev, post.last_end)
                    );
                    return Ok(RouteCost {
                        drive: c.drive - o.drive + post.drive,
                        finish: c.finish,
                    });
                }
            }
            sched.finish(post, seq, p + 1, LunchAt::None)
        };
        let eval = |at: LunchAt| -> Result<RouteCost, Fail> {
            let end = match at {
                LunchAt::None => owed_end.map(|(_, c)| c),
                LunchAt::Door(k) | LunchAt::Place(k) if k <= p => {
                    self.walks.before(p, at).and_then(|mut w| {
                        sched.step(&mut w, seq, p, at, None)?;
                        rest_from(w)
                    })
                }
                LunchAt::Door(k) | LunchAt::Place(k) => {
                    // Lunch after the request: the owed walk up to step `k`, then on.
                    match owed_end {
                        Err(f) if trail.len() < k - p => Err(f),
                        _ => sched.finish(trail[k - p - 1], seq, k, at),
                    }
                }
            };
            end.and_then(|c| sched.within_drive(c))
        };
        sched.best_placement(n, eval).map(|(_, c)| c)
    }
}
