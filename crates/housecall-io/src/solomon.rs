//! Solomon and Gehring-Homberger VRPTW instances (the original text format), read into a
//! Housecall [`Problem`] — vehicles are therapists at the depot, customers are required
//! bookings whose window bounds the service start — and solutions written in VRPLIB form
//! (`Route #1: 5 3 7`, `Cost 827.3`) for `../shared/tools/vrptw_eval.py`.

use crate::error::{utf8, InputError};
use housecall_core::{
    Booking, Location, Plan, PlanarEuclid, Problem, Seconds, Therapist, TimeWindow,
};

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

/// Parses instance bytes; `name` is used in errors.
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
        .collect();
    let title = lines
        .iter()
        .find(|(_, t)| !t.is_empty())
        .map(|(_, t)| t.join(" "))
        .unwrap_or_default();
    let numbers = |t: &[&str]| {
        t.iter()
            .map(|x| x.parse::<f64>())
            .collect::<Result<Vec<f64>, _>>()
            .ok()
    };
    let numeric: Vec<(u64, Vec<f64>)> = lines
        .iter()
        .filter(|(_, t)| !t.is_empty())
        .filter_map(|(n, t)| numbers(t).map(|v| (*n, v)))
        .collect();
    let Some((_, fleet)) = numeric.iter().find(|(_, v)| v.len() == 2) else {
        return Err(InputError::file(
            name,
            "no VEHICLE line `NUMBER CAPACITY`; expected the Solomon format",
        ));
    };
    let (vehicles, capacity) = (fleet[0] as usize, fleet[1] as i64);
    let rows: Vec<&(u64, Vec<f64>)> = numeric.iter().filter(|(_, v)| v.len() == 7).collect();
    if rows.is_empty() || rows[0].1[0] != 0.0 {
        return Err(InputError::file(
            name,
            "no CUSTOMER rows starting with the depot (customer 0)",
        ));
    }
    let scale = rounding.model().scale as f64;
    let units = |v: f64| Seconds((v * scale).round() as i64);
    let at = |v: &[f64]| Location {
        lat: v[2],
        lon: v[1],
    };
    let depot = &rows[0].1;
    let shift = TimeWindow::new(units(depot[4]), units(depot[5]))
        .ok_or_else(|| InputError::at(name, rows[0].0, "depot due date before its ready time"))?;
    let mut bookings = Vec::new();
    for (line, v) in rows.iter().skip(1).map(|r| (r.0, &r.1)) {
        let window = TimeWindow::new(units(v[4]), units(v[5]))
            .ok_or_else(|| InputError::at(name, line, "due date before ready time"))?;
        let id = format!("{}", v[0] as i64);
        bookings.push(Booking::stop(id, at(v), units(v[6]), window, v[3] as i64));
    }
    let therapists = (1..=vehicles)
        .map(|k| Therapist::vehicle(format!("v{k}"), at(depot), shift, Some(capacity)))
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
