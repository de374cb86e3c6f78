//! The problem compiled for search: integer data per shift and booking, the travel matrix,
//! and which bookings each shift may serve.

use crate::model::{Location, Priority, Problem};
use crate::travel::{TravelMatrix, TravelModel, SHARED};
use crate::validate::ProblemError;

/// A therapist-day as the search sees it. Times are seconds since midnight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ShiftData {
    pub start_loc: usize,
    pub end_loc: usize,
    pub open: i64,
    pub close: i64,
    /// `(window start, window end, minutes)` of the lunch break.
    pub lunch: Option<(i64, i64, i64)>,
    pub setup: i64,
    pub packup: i64,
    pub max_visits: usize,
    pub max_hands_on: i64,
    pub capacity: i64,
    /// Most heavy sessions (usize::MAX: no limit).
    pub max_heavy: usize,
    /// Least seconds from one session's end to the next one's start (0: none).
    pub min_rest: i64,
    /// `(most session seconds in a run, least gap that ends a run)`.
    pub run: Option<(i64, i64)>,
    /// Most driving seconds (i64::MAX: no limit).
    pub max_drive: i64,
}

impl ShiftData {
    /// Whether any limit that protects the body is set (heavy sessions, rest, runs, driving).
    pub fn has_body_limits(&self) -> bool {
        self.max_heavy != usize::MAX || self.max_drive != i64::MAX || self.has_rest_limits()
    }

    /// Whether rest between sessions or hands-on runs are limited (the exact method does not
    /// model them).
    pub fn has_rest_limits(&self) -> bool {
        self.min_rest > 0 || self.run.is_some()
    }
}

#[derive(Clone, Debug)]
pub(crate) struct BookingData {
    pub loc: usize,
    pub session: i64,
    pub setup: Option<i64>,
    /// Start windows sorted by start; empty means the whole shift. A confirmed visit has
    /// the one window of its confirmed start.
    pub windows: Vec<(i64, i64)>,
    pub priority: Rank,
    pub demand: i64,
    pub heavy: bool,
}

/// How much serving a booking matters to the search, in order: optional by weight, required,
/// and confirmed visits, which nothing may displace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Rank {
    Optional(u8),
    Required,
    Confirmed,
}

pub(crate) struct Instance<'p> {
    pub problem: &'p Problem,
    pub matrix: TravelMatrix,
    pub shifts: Vec<ShiftData>,
    pub bookings: Vec<BookingData>,
    /// `can_serve[b]`: the shifts that may serve booking `b` by date, pin, skills and limits
    /// (time feasibility alone is checked separately).
    pub can_serve: Vec<Vec<usize>>,
}

impl<'p> Instance<'p> {
    /// Compiles a problem that passed [`Problem::validate`]; fails only when the travel
    /// model's matrix does not have a row per location.
    pub fn new(problem: &'p Problem, model: &dyn TravelModel) -> Result<Self, ProblemError> {
        let (locations, groups) = Self::locations(problem);
        let matrix = model.matrix_within(&locations, &groups);
        Self::with_matrix(problem, matrix)
    }

    /// The locations of the matrix, in order: each booking's, then each therapist's start
    /// and end; and each location's group (its day) for [`TravelModel::matrix_within`].
    pub fn locations(problem: &Problem) -> (Vec<Location>, Vec<u32>) {
        let mut locations: Vec<_> = problem.bookings.iter().map(|b| b.location).collect();
        // A booking's day is its group: drives between bookings of different days are never
        // needed (homes and undated bookings meet every day).
        let mut groups: Vec<u32> = problem
            .bookings
            .iter()
            .map(|b| {
                b.date
                    .and_then(|d| problem.days.iter().position(|&p| p == Some(d)))
                    .map_or(SHARED, |k| k as u32)
            })
            .collect();
        for t in &problem.therapists {
            locations.extend([t.start, t.end]);
            groups.extend([SHARED, SHARED]);
        }
        (locations, groups)
    }

    /// Compiles a problem with its matrix over [`Instance::locations`].
    pub fn with_matrix(problem: &'p Problem, matrix: TravelMatrix) -> Result<Self, ProblemError> {
        let nb = problem.bookings.len();
        let expected = nb + 2 * problem.therapists.len();
        if matrix.len() != expected {
            return Err(ProblemError::MatrixSize {
                expected,
                got: matrix.len(),
            });
        }
        let shifts = problem
            .shifts
            .iter()
            .map(|s| {
                let t = &problem.therapists[s.therapist];
                let (start_loc, end_loc) = (nb + 2 * s.therapist, nb + 2 * s.therapist + 1);
                ShiftData {
                    start_loc,
                    end_loc,
                    open: t.shift.start.0,
                    close: t.shift.end.0,
                    lunch: t
                        .lunch
                        .map(|l| (l.window.start.0, l.window.end.0, l.duration.0)),
                    setup: t.setup.0,
                    packup: t.packup.0,
                    max_visits: t.max_visits.map_or(usize::MAX, |v| v as usize),
                    max_hands_on: t.max_hands_on.map_or(i64::MAX, |h| h.0),
                    capacity: t.capacity.unwrap_or(i64::MAX),
                    max_heavy: t.max_heavy.map_or(usize::MAX, |h| h as usize),
                    min_rest: t.min_rest.map_or(0, |r| r.0),
                    run: t.max_run.map(|r| (r.max.0, r.rest.0)),
                    max_drive: t.max_drive.map_or(i64::MAX, |d| d.0),
                }
            })
            .collect();
        let bookings = problem
            .bookings
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let mut windows: Vec<_> = match b.confirmed {
                    Some(c) => vec![(c.0, c.0)],
                    None => b.windows.iter().map(|w| (w.start.0, w.end.0)).collect(),
                };
                windows.sort();
                BookingData {
                    loc: i,
                    session: b.session.0,
                    setup: b.setup.map(|s| s.0),
                    windows,
                    priority: match (b.confirmed, b.priority) {
                        (Some(_), _) => Rank::Confirmed,
                        (None, Priority::Required) => Rank::Required,
                        (None, Priority::Optional(w)) => Rank::Optional(w),
                    },
                    demand: b.demand,
                    heavy: b.heavy,
                }
            })
            .collect();
        let can_serve = (0..nb)
            .map(|b| {
                let bk = &problem.bookings[b];
                problem
                    .shifts
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| {
                        bk.eligibility(&problem.therapists[s.therapist], s.date)
                            .is_ok()
                    })
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        Ok(Instance {
            problem,
            matrix,
            shifts,
            bookings,
            can_serve,
        })
    }

    /// Number of bookings.
    pub fn n(&self) -> usize {
        self.bookings.len()
    }
}
