//! Housecall's core: the domain model of home-visit planning (bookings, therapists,
//! shifts), the travel-time interface, the solver, and an independent plan checker.
//! No file or network I/O happens here; readers and writers live in `housecall-io`.
//!
//! Times are integer seconds since local midnight and distances integer metres, behind the
//! [`Seconds`] and [`Metres`] newtypes, so that costs are exact and reproducible.
#![warn(missing_docs)]

mod build;
pub use build::WEEK;
mod check;
mod model;
mod plan;
mod replan;
mod rng;
mod solver;
mod time;
mod travel;
mod validate;

pub use check::{check, Violation, ViolationCode};
pub use model::{
    is_heavy, treatment, AreaRule, Booking, HandsOnRun, Ineligible, Location, Lunch, Precision,
    Priority, Problem, Shift, Therapist, TREATMENTS,
};
pub use plan::{Break, BreakPlace, Idle, Itinerary, Plan, Reason, Stop, Unassigned, Visit};
// For the benches and tests outside the crate only: not part of the documented interface.
pub use replan::{check_resumed, replan, replan_day, Replanned, Resume};
#[doc(hidden)]
pub use rng::SplitMix64;
#[doc(hidden)]
pub use solver::measure;
pub use solver::{
    solve, solve_from, Method, Objective, Prepared, Progress, ProgressHook, Slot, SlotQuery, Slots,
    SolveOptions,
};
pub use time::{Metres, Seconds, TimeWindow};
pub use travel::{
    can_meet, great_circle_m, interpolate, make_fifo, only_with, Drive, Spherical, StraightLine,
    TravelMatrix, TravelModel, SHARED,
};
pub use validate::ProblemError;
