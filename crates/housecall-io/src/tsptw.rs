//! TSPTW instances (single vehicle, travel-time objective) as Housecall problems: the
//! López-Ibáñez matrix format (`Dumas`, `GendreauDumasExtended`, `OhlmannThomas`, `AFG`) and
//! the Potvin-Bengio Solomon-style format. Node 0 is the depot; every other node becomes a
//! required booking whose window bounds the arrival (service is folded into the travel time,
//! as in those collections). Tours are written as `Tour: 0 5 3 ... 0` and `Cost X`, the cost
//! being total travel time, waiting not counted.

use crate::bench_model::{stop, vehicle, IndexedMatrix, PlanarEuclid};
use crate::error::{utf8, InputError};
use housecall_core::{Location, Plan, Problem, Seconds, TimeWindow, TravelModel};

/// Units per instance time unit in the solver: López-Ibáñez matrices are integers (or have
/// two decimals in AFG), Potvin-Bengio distances are doubles (arcs rounded up to 1e-4).
const SCALE: i64 = 10_000;
/// Largest travel time, window bound or service time accepted, in instance units.
const MAX_TIME: f64 = 1_000_000.0;
/// Largest coordinate magnitude accepted (Potvin-Bengio): the longest arc in 1/10,000 units
/// still fits the travel matrix's 32-bit cells.
const MAX_COORD: f64 = 50_000.0;
/// Most nodes in one instance (an explicit matrix of this size has 100 million entries).
const MAX_NODES: f64 = 10_000.0;

/// A TSPTW instance and its travel model.
#[derive(Clone, Debug)]
pub struct TsptwInstance {
    /// The file's name.
    pub name: String,
    /// One vehicle at the depot; nodes 1..n as required bookings (ids are node numbers).
    pub problem: Problem,
    /// Travel times in solver units.
    pub model: TsptwModel,
    /// Per-node service folded into the travel time (Potvin-Bengio), instance units.
    service: Vec<f64>,
    /// Coordinates, Potvin-Bengio only.
    coords: Vec<(f64, f64)>,
}

/// The travel model of a TSPTW instance.
#[derive(Clone, Debug)]
pub enum TsptwModel {
    /// An explicit matrix; locations carry the node index.
    Matrix(IndexedMatrix),
    /// Euclidean on the plane (Potvin-Bengio).
    Plane(PlanarEuclid),
}

impl TsptwModel {
    /// As a travel model.
    pub fn as_model(&self) -> &dyn TravelModel {
        match self {
            TsptwModel::Matrix(m) => m,
            TsptwModel::Plane(p) => p,
        }
    }
}

/// Reads a TSPTW file in either format (told apart by the shape of its second line).
pub fn read_tsptw(path: &str) -> Result<TsptwInstance, InputError> {
    let bytes =
        std::fs::read(path).map_err(|e| InputError::file(path, format!("cannot read: {e}")))?;
    parse_tsptw(path, bytes)
}

/// Parses a TSPTW file; `name` is used in errors.
pub fn parse_tsptw(name: &str, bytes: Vec<u8>) -> Result<TsptwInstance, InputError> {
    let text = utf8(name, bytes)?;
    let rows: Vec<(u64, Vec<f64>)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| {
            let v = l
                .split_whitespace()
                .map(str::parse::<f64>)
                .collect::<Result<Vec<_>, _>>();
            v.map(|v| (i as u64 + 1, v))
                .map_err(|_| InputError::at(name, i as u64 + 1, "expected numbers only"))
        })
        .collect::<Result<_, _>>()?;
    let n = match rows.first() {
        Some((_, v))
            if v.len() == 1 && (2.0..=MAX_NODES).contains(&v[0]) && v[0].fract() == 0.0 =>
        {
            v[0] as usize
        }
        _ => {
            return Err(InputError::file(
                name,
                format!(
                    "the first line must be the number of nodes (depot included), 2 to {MAX_NODES}"
                ),
            ))
        }
    };
    let body = &rows[1..];
    // Range checks before anything is scaled: every value finite, times and coordinates
    // bounded so that the solver's integer arithmetic cannot overflow.
    let mut errors = Vec::new();
    let mut within = |line: u64, col: usize, what: &str, v: f64, lo: f64, hi: f64| {
        if !(v.is_finite() && lo <= v && v <= hi) {
            errors.push(InputError::field(
                name,
                line,
                col as u64 + 1,
                what,
                &v.to_string(),
                format!("expected a number from {lo} to {hi}"),
            ));
        }
    };
    let potvin_bengio = body.first().is_some_and(|r| r.1.len() == 7);
    if potvin_bengio {
        if let Some((line, v)) = body.iter().take(n).find(|r| r.1.len() != 7) {
            return Err(InputError::at(
                name,
                *line,
                format!(
                    "a node row has {} values; expected 7: number, x, y, demand, ready time, due date, service time",
                    v.len()
                ),
            ));
        }
        for (line, v) in body.iter().take(n) {
            within(*line, 1, "x", v[1], -MAX_COORD, MAX_COORD);
            within(*line, 2, "y", v[2], -MAX_COORD, MAX_COORD);
            for (k, what) in [(4, "ready time"), (5, "due date"), (6, "service time")] {
                within(*line, k, what, v[k], 0.0, MAX_TIME);
            }
        }
    } else {
        for (i, (line, v)) in body.iter().take(2 * n).enumerate() {
            let what = if i < n { "travel time" } else { "window" };
            for (k, &x) in v.iter().enumerate() {
                within(*line, k, what, x, 0.0, MAX_TIME);
            }
        }
    }
    if let Some(e) = InputError::all(errors) {
        return Err(e);
    }
    let units = |v: f64| (v * SCALE as f64).round() as i64;
    let window = |line: u64, e: f64, l: f64| {
        TimeWindow::new(Seconds(units(e)), Seconds(units(l)))
            .ok_or_else(|| InputError::at(name, line, "window ends before it starts"))
    };
    let (model, windows, service, coords, locations) = if potvin_bengio {
        // Potvin-Bengio: n rows `id x y demand ready due service`.
        if body.len() < n {
            return Err(InputError::file(
                name,
                format!("{n} nodes announced, {} rows found", body.len()),
            ));
        }
        let w = body[..n]
            .iter()
            .map(|(l, v)| window(*l, v[4], v[5]))
            .collect::<Result<Vec<_>, _>>()?;
        let service: Vec<f64> = body[..n].iter().map(|r| r.1[6]).collect();
        let coords: Vec<(f64, f64)> = body[..n].iter().map(|r| (r.1[1], r.1[2])).collect();
        let locs = coords
            .iter()
            .map(|&(x, y)| Location { lat: y, lon: x })
            .collect();
        (
            TsptwModel::Plane(PlanarEuclid {
                scale: SCALE,
                round_up: true,
            }),
            w,
            service,
            coords,
            locs,
        )
    } else {
        // López-Ibáñez: an n x n matrix, then n windows.
        if body.len() < 2 * n
            || body[..n].iter().any(|r| r.1.len() != n)
            || body[n..2 * n].iter().any(|r| r.1.len() != 2)
        {
            return Err(InputError::file(
                name,
                format!("expected {n} rows of {n} travel times, then {n} rows `earliest latest`"),
            ));
        }
        let time: Vec<i64> = body[..n]
            .iter()
            .flat_map(|r| r.1.iter().map(|&t| units(t)))
            .collect();
        let w = body[n..2 * n]
            .iter()
            .map(|(l, v)| window(*l, v[0], v[1]))
            .collect::<Result<Vec<_>, _>>()?;
        let locs = (0..n).map(IndexedMatrix::location).collect();
        (
            TsptwModel::Matrix(IndexedMatrix::new(n, time)),
            w,
            vec![0.0; n],
            vec![],
            locs,
        )
    };
    let locations: Vec<Location> = locations;
    let bookings = (1..n)
        .map(|i| {
            stop(
                i.to_string(),
                locations[i],
                Seconds(units(service[i])),
                windows[i],
                0,
            )
        })
        .collect();
    let vehicle = vehicle("tour".into(), locations[0], windows[0], None);
    Ok(TsptwInstance {
        name: name.to_string(),
        problem: Problem::new(bookings, vec![vehicle], None),
        model,
        service,
        coords,
    })
}

impl TsptwInstance {
    /// `Tour: 0 ... 0` and `Cost X` (total travel time in instance units, service folded in as
    /// the collection defines it), or `None` when some node is not on the tour.
    pub fn write_tour(&self, plan: &Plan) -> Option<String> {
        let tour: Vec<usize> = plan
            .itineraries
            .iter()
            .flat_map(|i| i.visits())
            .filter_map(|v| v.booking.parse().ok())
            .collect();
        if tour.len() + 1 != self.problem.bookings.len() + 1 || !plan.unassigned.is_empty() {
            return None;
        }
        let path: Vec<usize> = std::iter::once(0)
            .chain(tour.iter().copied())
            .chain(std::iter::once(0))
            .collect();
        let cost = match &self.model {
            TsptwModel::Matrix(m) => {
                let units: i64 = path.windows(2).map(|w| m.units(w[0], w[1])).sum();
                format!("{}", units as f64 / SCALE as f64)
            }
            TsptwModel::Plane(_) => {
                let d: f64 = path
                    .windows(2)
                    .map(|w| {
                        let ((x1, y1), (x2, y2)) = (self.coords[w[0]], self.coords[w[1]]);
                        ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt() + self.service[w[0]]
                    })
                    .sum();
                format!("{d:.2}")
            }
        };
        let ids: Vec<String> = path.iter().map(|c| c.to_string()).collect();
        Some(format!("Tour: {}\nCost {cost}\n", ids.join(" ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_formats() {
        let li = "3\n0 5 7\n5 0 4\n7 4 0\n0 100\n2 20\n10 30\n";
        let t = parse_tsptw("m.txt", li.as_bytes().to_vec()).unwrap();
        assert_eq!(t.problem.bookings.len(), 2);
        assert_eq!(t.problem.bookings[1].windows[0].start, Seconds(10 * SCALE));
        let pb = "3\n 1 0 0 0 0 100 0\n 2 3 4 0 0 50 10\n 3 0 4 0 0 60 0\n";
        let t = parse_tsptw("p.txt", pb.as_bytes().to_vec()).unwrap();
        assert_eq!(t.problem.bookings[0].session, Seconds(10 * SCALE));
        assert!(parse_tsptw("x.txt", b"3\n0 1\n".to_vec()).is_err());
    }
}
