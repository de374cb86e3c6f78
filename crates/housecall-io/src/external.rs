//! Drive times brought from elsewhere (OSRM, Valhalla, a commercial service): a CSV
//! `from,to,drive_s,drive_m` with an optional `depart_s` column, naming places as
//! `housecall matrix` does (booking ids, `home:ID`, `start:ID`, `end:ID`).
//!
//! With `depart_s`, each value holds for that departure time and times in between are
//! linear, as for the built-in models; values are made FIFO (waiting is allowed, so leaving
//! later never has to arrive earlier).

use crate::error::{utf8, InputError};
use crate::matrix::named_locations;
use housecall_core::{
    interpolate, make_fifo, Drive, Location, Metres, Problem, Seconds, TravelModel,
};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
struct Row {
    from: String,
    to: String,
    #[serde(default)]
    depart_s: Option<i64>,
    drive_s: i64,
    drive_m: i64,
}

/// A drive: `(seconds, metres)`.
type Leg = (i64, i64);
/// Per ordered pair of places `(from, to)`, one value per time bin.
type Cells<T> = HashMap<(usize, usize), Vec<T>>;

/// A travel model read from a matrix file, for the places of one problem.
#[derive(Clone, Debug)]
pub struct ExternalMatrix {
    places: Vec<Location>,
    bins: Vec<Seconds>,
    /// `(from, to)` place indices to `(seconds, metres)` per bin.
    cells: Cells<Leg>,
}

impl ExternalMatrix {
    /// Reads `path` and checks that it has every ordered pair of the problem's places at
    /// every departure time it names.
    pub fn read(path: &str, problem: &Problem) -> Result<Self, InputError> {
        let bytes =
            std::fs::read(path).map_err(|e| InputError::file(path, format!("cannot read: {e}")))?;
        ExternalMatrix::parse(path, bytes, problem)
    }

    /// Parses matrix CSV bytes; `name` is used in errors.
    pub fn parse(name: &str, bytes: Vec<u8>, problem: &Problem) -> Result<Self, InputError> {
        let text = utf8(name, bytes)?;
        let named = named_locations(problem);
        let index: HashMap<&str, usize> = named
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.as_str(), i))
            .collect();
        let mut rows: Vec<(usize, usize, i64, i64, i64)> = Vec::new();
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        for r in rdr.deserialize::<Row>() {
            let r = r.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                InputError::at(
                    name,
                    line,
                    format!(
                        "{e}; expected columns from,to,drive_s,drive_m and optionally depart_s"
                    ),
                )
            })?;
            let (Some(&a), Some(&b)) = (index.get(r.from.as_str()), index.get(r.to.as_str()))
            else {
                continue; // places of other problems may share the file
            };
            if r.drive_s < 0
                || r.drive_m < 0
                || r.depart_s.is_some_and(|d| !(0..=48 * 3600).contains(&d))
            {
                return Err(InputError::file(
                    name,
                    format!(
                        "{} -> {}: times, distances and departures must be non-negative",
                        r.from, r.to
                    ),
                ));
            }
            rows.push((a, b, r.depart_s.unwrap_or(0), r.drive_s, r.drive_m));
        }
        let mut bins: Vec<Seconds> = rows.iter().map(|r| Seconds(r.2)).collect();
        bins.sort();
        bins.dedup();
        if bins.is_empty() {
            bins.push(Seconds(0));
        }
        let mut cells: Cells<Option<Leg>> = HashMap::new();
        for (a, b, d, s, m) in rows {
            let k = bins
                .binary_search(&Seconds(d))
                .expect("bins hold every departure");
            cells
                .entry((a, b))
                .or_insert_with(|| vec![None; bins.len()])[k] = Some((s, m));
        }
        let mut missing = Vec::new();
        let mut full = HashMap::new();
        for (i, (from, fl)) in named.iter().enumerate() {
            for (j, (to, tl)) in named.iter().enumerate() {
                if i == j || fl == tl {
                    continue;
                }
                let got = cells
                    .remove(&(i, j))
                    .unwrap_or_else(|| vec![None; bins.len()]);
                let mut vals = Vec::with_capacity(bins.len());
                for (k, v) in got.into_iter().enumerate() {
                    match v {
                        Some(v) => vals.push(v),
                        None => missing.push(format!("{from} -> {to} at depart_s {}", bins[k].0)),
                    }
                }
                full.insert((i, j), vals);
            }
        }
        if !missing.is_empty() {
            let n = missing.len();
            missing.truncate(5);
            return Err(InputError::file(
                name,
                format!(
                    "{n} drive(s) missing, e.g. {}; `housecall matrix` lists the pairs needed",
                    missing.join("; ")
                ),
            ));
        }
        for v in full.values_mut() {
            let mut secs: Vec<i64> = v.iter().map(|x| x.0).collect();
            make_fifo(&bins, &mut secs);
            for (x, s) in v.iter_mut().zip(secs) {
                x.0 = s;
            }
        }
        Ok(ExternalMatrix {
            places: named.into_iter().map(|n| n.1).collect(),
            bins,
            cells: full,
        })
    }

    fn place(&self, loc: Location) -> Option<usize> {
        self.places.iter().position(|&p| p == loc)
    }
}

impl TravelModel for ExternalMatrix {
    /// Drives between the problem's places. Points that are not places of the problem
    /// cannot be looked up; they get no time (the checker would then report a mismatch).
    fn drive(&self, from: Location, to: Location, depart: Seconds) -> Drive {
        let Some(v) = self
            .place(from)
            .zip(self.place(to))
            .and_then(|(a, b)| self.cells.get(&(a, b)))
        else {
            return Drive::default();
        };
        let k = self
            .bins
            .partition_point(|b| *b <= depart)
            .saturating_sub(1);
        Drive {
            time: Seconds(interpolate(&self.bins, depart, |i| v[i].0)),
            distance: Metres(v[k].1),
        }
    }

    fn time_bins(&self) -> Vec<Seconds> {
        self.bins.clone()
    }

    fn name(&self) -> &str {
        "external matrix"
    }
}
