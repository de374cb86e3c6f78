//! Solomon and Gehring-Homberger VRPTW instances (the original text format), read into a
//! Housecall [`Problem`] — vehicles are therapists at the depot, customers are required
//! bookings whose window bounds the service start — and solutions written in VRPLIB form
//! (`Route #1: 5 3 7`, `Cost 827.3`) for `../shared/tools/vrptw_eval.py`.

use crate::bench_model::{stop, vehicle, PlanarEuclid};
use crate::error::{utf8, InputError};
use housecall_core::{Location, Plan, Problem, Seconds, TimeWindow};

/// How arcs are measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// DIMACS: each arc is `floor(10 × euclid) / 10`; the solver works in tenths.
    Dimacs,
    /// Double-precision distances; the solver works in 1/10,000 units, each arc rounded up so
    /// that its plans stay feasible in exact arithmetic.
    Exact,
}

impl Rounding {
    /// The travel model in solver units.
    pub fn model(self) -> PlanarEuclid {
        match self {
            Rounding::Dimacs => PlanarEuclid {
                scale: 10,
                round_up: false,
            },
            Rounding::Exact => PlanarEuclid {
                scale: 10_000,
                round_up: true,
            },
        }
    }
}

/// A VRPTW instance as a problem.
#[derive(Clone, Debug)]
pub struct VrptwInstance {
    /// The name line.
    pub name: String,
    /// The customers as bookings (ids are the file's customer numbers), the fleet as
    /// therapists.
    pub problem: Problem,
    /// Depot and customer coordinates `(x, y)`, by customer number (0 is the depot).
    pub coords: Vec<(f64, f64)>,
    /// The arc rounding in use.
    pub rounding: Rounding,
}

/// Reads an instance file.
pub fn read_vrptw(path: &str, rounding: Rounding) -> Result<VrptwInstance, InputError> {
    let bytes =
        std::fs::read(path).map_err(|e| InputError::file(path, format!("cannot read: {e}")))?;
    parse_vrptw(path, bytes, rounding)
}

/// Largest coordinate magnitude accepted: with the exact rounding's 1/10,000 units, the
/// longest possible arc still fits the travel matrix's 32-bit cells.
const MAX_COORD: f64 = 50_000.0;
/// Largest time, service time or demand accepted, in instance units (published instances
/// stay below 10,000).
const MAX_VALUE: f64 = 1_000_000.0;

/// A column of the format: its name, the range of its values, whether they are whole.
type Column = (&'static str, f64, f64, bool);

/// Parses instance bytes; `name` is used in errors. Every number is range-checked: customer
/// numbers `0..n` in order, finite coordinates within ±50,000, non-negative times, service
/// times and demands up to 1,000,000, due dates not before ready times, a whole positive
/// number of vehicles (a fleet larger than the customers is capped at one vehicle per
/// customer, the most that can be used). Every bad row is reported, up to 20.
pub fn parse_vrptw(
    name: &str,
    bytes: Vec<u8>,
    rounding: Rounding,
) -> Result<VrptwInstance, InputError> {
    let text = utf8(name, bytes)?;
    let lines: Vec<(u64, Vec<&str>)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.split_whitespace().collect::<Vec<_>>()))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    let title = lines.first().map(|(_, t)| t.join(" ")).unwrap_or_default();
    let starts_with_number = |t: &[&str]| t[0].parse::<f64>().is_ok();
    // The fleet is the first numeric line; customer rows are the numeric lines after it.
    let Some(fleet_at) = lines.iter().position(|(_, t)| starts_with_number(t)) else {
        return Err(InputError::file(
            name,
            "no VEHICLE line `NUMBER CAPACITY`; expected the Solomon format",
        ));
    };
    let (fleet_line, fleet) = &lines[fleet_at];
    let mut errors = Vec::new();
    // Value `k` of a line, a finite number in `min..=max` (whole if asked).
    let field = |line: u64, t: &[&str], k: usize, (what, min, max, whole): Column| {
        let bad = |msg: String| InputError::field(name, line, k as u64 + 1, what, t[k], msg);
        let expected = format!(
            "expected {} from {min} to {max}",
            if whole { "a whole number" } else { "a number" }
        );
        match t[k].parse::<f64>() {
            Ok(v) if v.is_finite() && (min..=max).contains(&v) && (!whole || v.fract() == 0.0) => {
                Ok(v)
            }
            _ => Err(bad(expected)),
        }
    };
    if fleet.len() != 2 {
        errors.push(InputError::at(
            name,
            *fleet_line,
            format!(
                "the VEHICLE line has {} values; expected `NUMBER CAPACITY`",
                fleet.len()
            ),
        ));
    }
    let vehicles = fleet
        .first()
        .map(|_| field(*fleet_line, fleet, 0, ("vehicles", 0.0, 1e15, true)));
    let capacity = fleet
        .get(1)
        .map(|_| field(*fleet_line, fleet, 1, ("capacity", 0.0, 1e12, true)));
    let (vehicles, capacity) = match (vehicles, capacity) {
        (Some(Ok(v)), Some(Ok(c))) if v >= 1.0 => (v, c as i64),
        (Some(Ok(_)), Some(Ok(_))) => {
            errors.push(InputError::field(
                name,
                *fleet_line,
                1,
                "vehicles",
                fleet[0],
                "expected at least one vehicle",
            ));
            (0.0, 0)
        }
        (v, c) => {
            errors.extend(v.and_then(Result::err));
            errors.extend(c.and_then(Result::err));
            (0.0, 0)
        }
    };
    const COLUMNS: [Column; 7] = [
        ("customer number", 0.0, 1e9, true),
        ("x", -MAX_COORD, MAX_COORD, false),
        ("y", -MAX_COORD, MAX_COORD, false),
        ("demand", 0.0, MAX_VALUE, true),
        ("ready time", 0.0, MAX_VALUE, false),
        ("due date", 0.0, MAX_VALUE, false),
        ("service time", 0.0, MAX_VALUE, false),
    ];
    let mut rows: Vec<(u64, [f64; 7])> = Vec::new();
    let mut seen = 0;
    for (line, t) in &lines[fleet_at + 1..] {
        if !starts_with_number(t) {
            continue; // a heading (CUSTOMER, CUST NO. ...)
        }
        let expected = seen as f64;
        seen += 1;
        if t.len() != 7 {
            errors.push(InputError::at(
                name,
                *line,
                format!(
                    "a customer row has {} values; expected 7: number, x, y, demand, ready time, due date, service time",
                    t.len()
                ),
            ));
            continue;
        }
        let mut v = [0.0; 7];
        let mut ok = true;
        for (k, &column) in COLUMNS.iter().enumerate() {
            match field(*line, t, k, column) {
                Ok(x) => v[k] = x,
                Err(e) => {
                    errors.push(e);
                    ok = false;
                }
            }
        }
        if !ok {
            continue;
        }
        if v[0] != expected {
            errors.push(InputError::field(
                name,
                *line,
                1,
                "customer number",
                t[0],
                format!(
                    "expected {expected}: customers are numbered 0 (the depot), 1, 2, ... in order"
                ),
            ));
        } else if v[5] < v[4] {
            errors.push(InputError::field(
                name,
                *line,
                6,
                "due date",
                t[5],
                format!("before the ready time {}", t[4]),
            ));
        }
        rows.push((*line, v));
    }
    if rows.is_empty() {
        errors.push(InputError::file(
            name,
            "no CUSTOMER rows starting with the depot (customer 0)",
        ));
    }
    if let Some(e) = InputError::all(errors) {
        return Err(e);
    }
    let scale = rounding.model().scale as f64;
    let units = |v: f64| Seconds((v * scale).round() as i64);
    let at = |v: &[f64; 7]| Location {
        lat: v[2],
        lon: v[1],
    };
    let window = |v: &[f64; 7]| TimeWindow::new(units(v[4]), units(v[5]));
    let depot = &rows[0].1;
    let shift = window(depot).expect("due dates are checked against ready times");
    let bookings: Vec<housecall_core::Booking> = rows[1..]
        .iter()
        .map(|(_, v)| {
            let w = window(v).expect("due dates are checked against ready times");
            let id = format!("{}", v[0] as i64);
            stop(id, at(v), units(v[6]), w, v[3].round() as i64)
        })
        .collect();
    let fleet = (vehicles as usize).min(bookings.len().max(1));
    let therapists = (1..=fleet)
        .map(|k| vehicle(format!("v{k}"), at(depot), shift, Some(capacity)))
        .collect();
    let coords = rows.iter().map(|r| (r.1[1], r.1[2])).collect();
    Ok(VrptwInstance {
        name: title,
        problem: Problem::new(bookings, therapists, None),
        coords,
        rounding,
    })
}

impl VrptwInstance {
    /// The solution in VRPLIB form, with its cost in the instance's units under the
    /// rounding in use (DIMACS: one decimal).
    pub fn write_vrplib(&self, plan: &Plan) -> String {
        let mut out = String::new();
        let mut routes: Vec<Vec<usize>> = Vec::new();
        for it in &plan.itineraries {
            let ids: Vec<usize> = it.visits().filter_map(|v| v.booking.parse().ok()).collect();
            if !ids.is_empty() {
                routes.push(ids);
            }
        }
        for (k, r) in routes.iter().enumerate() {
            let ids: Vec<String> = r.iter().map(|c| c.to_string()).collect();
            out.push_str(&format!("Route #{}: {}\n", k + 1, ids.join(" ")));
        }
        out.push_str(&format!("Cost {}\n", self.cost_text(&routes)));
        out
    }

    /// Total distance of `routes` (customer numbers) in instance units, as text.
    pub fn cost_text(&self, routes: &[Vec<usize>]) -> String {
        let arcs = routes.iter().flat_map(|r| {
            let path: Vec<usize> = std::iter::once(0)
                .chain(r.iter().copied())
                .chain(std::iter::once(0))
                .collect();
            path.windows(2).map(|w| (w[0], w[1])).collect::<Vec<_>>()
        });
        match self.rounding {
            Rounding::Dimacs => {
                let m = self.rounding.model();
                let at = |c: usize| Location {
                    lat: self.coords[c].1,
                    lon: self.coords[c].0,
                };
                let tenths: i64 = arcs.map(|(a, b)| m.units(at(a), at(b))).sum();
                format!("{}.{}", tenths / 10, tenths % 10)
            }
            Rounding::Exact => {
                let d: f64 = arcs
                    .map(|(a, b)| {
                        let ((x1, y1), (x2, y2)) = (self.coords[a], self.coords[b]);
                        ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt()
                    })
                    .sum();
                format!("{d:.2}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "TINY\n\nVEHICLE\nNUMBER     CAPACITY\n  2         10\n\nCUSTOMER\nCUST NO.  XCOORD.    YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE TIME\n\n    0      0          0          0          0        100          0\n    1      3          4          5          0         50         10\n    2      0          1          5         10         60          5\n";

    #[test]
    fn reads_fleet_depot_and_customers_in_tenths() {
        let inst = parse_vrptw("tiny.txt", TINY.as_bytes().to_vec(), Rounding::Dimacs).unwrap();
        let p = &inst.problem;
        assert_eq!(inst.name, "TINY");
        assert_eq!(p.therapists.len(), 2);
        assert_eq!(p.therapists[0].capacity, Some(10));
        assert_eq!(p.therapists[0].shift.end, Seconds(1000));
        assert_eq!(p.bookings[0].id, "1");
        assert_eq!(p.bookings[0].session, Seconds(100));
        assert_eq!(p.bookings[1].windows[0].start, Seconds(100));
        // 0->1: 5.0; 1->2: sqrt(18) = 4.24, truncated to 4.2; 2->0: 1.0.
        assert_eq!(inst.cost_text(&[vec![1, 2]]), "10.2");
    }

    #[test]
    fn rejects_a_file_without_a_fleet() {
        let e = parse_vrptw("x.txt", b"hello\n".to_vec(), Rounding::Dimacs).unwrap_err();
        assert!(e.to_string().contains("VEHICLE"), "{e}");
    }
}
