//! Whether a [`Problem`] built by a caller can be planned: a typed [`ProblemError`] instead of
//! a panic deep inside the solver.

use crate::model::{Location, Problem};
use crate::time::Seconds;
use std::collections::HashSet;
use std::fmt;

/// Why a [`Problem`] cannot be planned. Fields are named by their path in the problem,
/// `bookings[3].session`, as in the JSON problem format.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProblemError {
    /// Two bookings share an id (`path` is the second).
    DuplicateBooking {
        /// Where the second one is, `bookings[7]`.
        path: String,
        /// The id.
        id: String,
    },
    /// Two therapists share an id.
    DuplicateTherapist {
        /// Where the second one is, `therapists[2]`.
        path: String,
        /// The id.
        id: String,
    },
    /// A shift names a therapist index that does not exist, or a day that is not planned.
    BadShift {
        /// `shifts[4]`.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// A value is out of its range.
    Value {
        /// The field, `bookings[3].session`.
        path: String,
        /// The value as given.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A re-planning request does not fit the plan (an unknown id, a delay of a visit not
    /// started, an added booking whose id is taken).
    Replan {
        /// What is wrong.
        detail: String,
    },
    /// The travel model answered with a matrix of the wrong size.
    MatrixSize {
        /// Locations asked for (bookings, then each therapist's start and end).
        expected: usize,
        /// Rows of the matrix returned.
        got: usize,
    },
}

impl fmt::Display for ProblemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemError::DuplicateBooking { path, id } => {
                write!(f, "{path}.id: booking id '{id}' is used twice")
            }
            ProblemError::DuplicateTherapist { path, id } => {
                write!(f, "{path}.id: therapist id '{id}' is used twice")
            }
            ProblemError::BadShift { path, detail } => write!(f, "{path}: {detail}"),
            ProblemError::Value {
                path,
                value,
                expected,
            } => write!(f, "{path}: {value} is out of range, expected {expected}"),
            ProblemError::Replan { detail } => f.write_str(detail),
            ProblemError::MatrixSize { expected, got } => write!(
                f,
                "the travel model returned a matrix for {got} locations, not {expected}"
            ),
        }
    }
}

impl std::error::Error for ProblemError {}

/// The longest duration or latest clock time accepted anywhere, seconds (about 31 years): room
/// for the scaled time units of benchmark instances while sums of them stay far from
/// overflowing 64 bits.
const MAX_SECONDS: i64 = 1_000_000_000;

impl Problem {
    /// Checks what the solver relies on: unique booking and therapist ids, shifts that name
    /// existing therapists and planned days, durations and clock times from 0 to 10^9 s,
    /// demands and capacities not negative, coordinates finite, and a therapist for every
    /// confirmed visit. [`solve`](crate::solve) calls it first.
    ///
    /// ```
    /// # use housecall_core::*;
    /// let at = Location { lat: 43.6, lon: -79.7 };
    /// let b = Booking::new("b1", at, Seconds::from_minutes(60));
    /// let problem = Problem::new(vec![b.clone(), b], vec![], None);
    /// let err = problem.validate().unwrap_err();
    /// assert_eq!(err.to_string(), "bookings[1].id: booking id 'b1' is used twice");
    /// ```
    pub fn validate(&self) -> Result<(), ProblemError> {
        let value = |path: String, value: String, expected| {
            Err(ProblemError::Value {
                path,
                value,
                expected,
            })
        };
        // A field's path is written out only for an error (a problem is checked on every
        // request of the HTTP service).
        let secs = |path: &dyn Fn() -> String, s: Seconds| {
            if (0..=MAX_SECONDS).contains(&s.0) {
                Ok(())
            } else {
                value(path(), s.0.to_string(), "0 to 1000000000 seconds")
            }
        };
        let place = |path: &dyn Fn() -> String, l: Location| {
            if l.lat.is_finite() && l.lon.is_finite() {
                Ok(())
            } else {
                value(
                    path(),
                    format!("{}, {}", l.lat, l.lon),
                    "finite coordinates",
                )
            }
        };
        let mut ids = HashSet::with_capacity(self.bookings.len());
        for (i, b) in self.bookings.iter().enumerate() {
            let at = |f: &'static str| move || format!("bookings[{i}].{f}");
            if !ids.insert(b.id.as_str()) {
                return Err(ProblemError::DuplicateBooking {
                    path: format!("bookings[{i}]"),
                    id: b.id.clone(),
                });
            }
            place(&at("location"), b.location)?;
            secs(&at("session"), b.session)?;
            if let Some(s) = b.setup {
                secs(&at("setup"), s)?;
            }
            for (k, w) in b.windows.iter().enumerate() {
                let window = || format!("bookings[{i}].windows[{k}]");
                secs(&window, w.end)?;
                secs(&window, w.start)?;
            }
            if b.demand < 0 {
                return value(
                    at("demand")(),
                    b.demand.to_string(),
                    "a demand of 0 or more",
                );
            }
            if let Some(c) = b.confirmed {
                secs(&at("confirmed"), c)?;
                if b.therapist.is_none() {
                    return value(
                        at("therapist")(),
                        "none".into(),
                        "the therapist of a confirmed visit",
                    );
                }
            }
        }
        let mut ids = HashSet::with_capacity(self.therapists.len());
        for (i, t) in self.therapists.iter().enumerate() {
            let at = |f: &'static str| move || format!("therapists[{i}].{f}");
            if !ids.insert(t.id.as_str()) {
                return Err(ProblemError::DuplicateTherapist {
                    path: format!("therapists[{i}]"),
                    id: t.id.clone(),
                });
            }
            place(&at("start"), t.start)?;
            place(&at("end"), t.end)?;
            secs(&at("shift"), t.shift.start)?;
            secs(&at("shift"), t.shift.end)?;
            secs(&at("setup"), t.setup)?;
            secs(&at("packup"), t.packup)?;
            if let Some(l) = t.lunch {
                secs(&at("lunch"), l.window.start)?;
                secs(&at("lunch"), l.window.end)?;
                secs(&at("lunch"), l.duration)?;
            }
            if let Some(h) = t.max_hands_on {
                secs(&at("max_hands_on"), h)?;
            }
            if let Some(c) = t.capacity.filter(|&c| c < 0) {
                return value(at("capacity")(), c.to_string(), "a capacity of 0 or more");
            }
        }
        for (i, s) in self.shifts.iter().enumerate() {
            let detail = if s.therapist >= self.therapists.len() {
                format!(
                    "therapist index {} is past the {} therapists",
                    s.therapist,
                    self.therapists.len()
                )
            } else if !self.days.contains(&s.date) {
                format!(
                    "{} is not among the planned days",
                    s.date.map_or("the undated day".into(), |d| d.to_string())
                )
            } else {
                continue;
            };
            return Err(ProblemError::BadShift {
                path: format!("shifts[{i}]"),
                detail,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::*;

    fn day() -> Problem {
        let home = Location {
            lat: 43.7,
            lon: -79.7,
        };
        let shift = TimeWindow::new(Seconds::hm(9, 0), Seconds::hm(17, 0)).unwrap();
        let b = Booking::new("b1", home, Seconds::from_minutes(60));
        Problem::new(vec![b], vec![Therapist::new("t", home, shift)], None)
    }

    #[test]
    fn errors_name_the_field_and_the_value() {
        let mut p = day();
        p.shifts[0].therapist = 3;
        assert_eq!(
            p.validate().unwrap_err().to_string(),
            "shifts[0]: therapist index 3 is past the 1 therapists"
        );
        let mut p = day();
        p.bookings[0].confirmed = Some(Seconds::hm(10, 0));
        assert_eq!(
            p.validate().unwrap_err().to_string(),
            "bookings[0].therapist: none is out of range, expected the therapist of a confirmed visit"
        );
        let mut p = day();
        p.therapists[0].setup = Seconds(-5);
        assert!(p
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("therapists[0].setup: -5"));
        let mut p = day();
        p.bookings[0].windows = vec![TimeWindow {
            start: Seconds::hm(9, 0),
            end: Seconds(2_000_000_000),
        }];
        assert_eq!(
            p.validate().unwrap_err().to_string(),
            "bookings[0].windows[0]: 2000000000 is out of range, expected 0 to 1000000000 seconds"
        );
        let mut p = day();
        p.bookings[0].location.lat = f64::NAN;
        assert!(matches!(p.validate(), Err(ProblemError::Value { .. })));
        // `solve` refuses rather than panics.
        assert!(solve(&p, &StraightLine::default(), &SolveOptions::default()).is_err());
    }

    /// A travel model that answers with a matrix of one location too few.
    struct Short;
    impl TravelModel for Short {
        fn drive(&self, a: Location, b: Location, t: Seconds) -> Drive {
            StraightLine::default().drive(a, b, t)
        }
        fn matrix(&self, locations: &[Location]) -> TravelMatrix {
            TravelMatrix::build(self, &locations[1..])
        }
        fn name(&self) -> &str {
            "short"
        }
    }

    #[test]
    fn a_matrix_of_the_wrong_size_is_an_error() {
        assert_eq!(
            solve(&day(), &Short, &SolveOptions::default()).unwrap_err(),
            ProblemError::MatrixSize {
                expected: 3,
                got: 2
            }
        );
    }
}
