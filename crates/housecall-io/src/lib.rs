//! Housecall's formats: reading bookings (CSV) and therapists (TOML), writing plans for
//! people (table), spreadsheets (CSV) and programs (JSON), reading JSON plans back for
//! checking, and writing the travel matrix. Errors name the file, line, column, field and
//! value, and say what was expected. Formats never leak into the core.
#![warn(missing_docs)]
// Input errors carry file, line, column, field and value by design; they are built once per
// failed run, so their size costs nothing that matters.
#![allow(clippy::result_large_err)]

mod bench_model;
mod bookings;
mod clock;
mod error;
mod external;
mod ics;
mod matrix;
mod mileage;
mod plan_json;
mod problem_json;
mod slots;
mod solomon;
mod table;
mod therapists;
mod tsptw;

pub use bench_model::{IndexedMatrix, PlanarEuclid};
pub use bookings::{parse_bookings, read_bookings_file, BookingsFile, CoordinatesOnly, Locator};
pub use clock::{parse_clock, parse_window, parse_windows};
pub use error::InputError;
pub use external::ExternalMatrix;
pub use ics::{write_ics, write_replan_ics};
pub use matrix::{named_locations, write_matrix_csv};
pub use mileage::write_mileage_csv;
pub use plan_json::{
    parse_plan_json, plan_doc, write_plan_json, write_replan_json, PlanDoc, PlanInput, RouteDoc,
    StopDoc, SummaryDoc, UnassignedDoc,
};
pub use problem_json::{
    files_to_problem_json, parse_problem_json, read_booking_objects, read_problem_doc,
    BookingObject, JsonProblem, OptionsDoc, ProblemDoc,
};
pub use slots::{parse_request, parse_step, write_slots_json, write_slots_table};
pub use solomon::{parse_vrptw, read_vrptw, Rounding, VrptwInstance};
pub use table::{place_labels, write_plan_csv, write_table};
pub use therapists::{parse_therapists, read_therapists_file};
pub use tsptw::{parse_tsptw, read_tsptw, TsptwInstance, TsptwModel};

/// How a JSON document is written: indented for people (the command line), or on one line
/// for programs (the HTTP service: a third fewer bytes, written faster).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Two spaces per level, a field per line.
    Pretty,
    /// One line.
    Compact,
}

impl Layout {
    /// `doc` as JSON text in this layout, with a final newline.
    pub fn write<T: serde::Serialize + ?Sized>(self, doc: &T) -> String {
        let text = match self {
            Layout::Pretty => serde_json::to_string_pretty(doc),
            Layout::Compact => serde_json::to_string(doc),
        };
        // Every document written here is plain data (string keys, finite numbers).
        text.expect("JSON documents always serialise") + "\n"
    }
}
