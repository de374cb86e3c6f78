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
    depart_s: Option<f64>,
    drive_s: f64,
    drive_m: f64,
}

/// The longest drive accepted, seconds (a day).
const MAX_DRIVE_S: f64 = 86_400.0;
/// The longest distance accepted, metres (10,000 km).
const MAX_DRIVE_M: f64 = 10_000_000.0;
/// The latest departure accepted, seconds since midnight (two days, as the plans count).
const MAX_DEPART_S: f64 = 2.0 * 86_400.0;

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
        let mut errors = Vec::new();
        // The first line of each (from, to, depart) with its value, to catch conflicts.
        let mut seen: HashMap<(usize, usize, i64), (u64, i64, i64)> = HashMap::new();
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = rdr.headers().cloned().unwrap_or_default();
        let column = |f: &str| {
            headers
                .iter()
                .position(|h| h == f)
                .map_or(0, |i| i as u64 + 1)
        };
        for rec in rdr.records() {
            let line = match &rec {
                Ok(rec) => rec.position().map_or(0, |p| p.line()),
                Err(e) => e.position().map_or(0, |p| p.line()),
            };
            let r = match rec.and_then(|rec| rec.deserialize::<Row>(Some(&headers))) {
                Ok(r) => r,
                Err(e) => {
                    errors.push(InputError::at(
                        name,
                        line,
                        format!("{e}; expected columns from,to,drive_s,drive_m and optionally depart_s, numbers in seconds and metres"),
                    ));
                    continue;
                }
            };
            let mut value = |f: &str, v: f64, max: f64| {
                if v.is_finite() && (0.0..=max).contains(&v) {
                    Some(v.round() as i64)
                } else {
                    errors.push(InputError::field(
                        name,
                        line,
                        column(f),
                        f,
                        &v.to_string(),
                        format!("expected a number from 0 to {max}"),
                    ));
                    None
                }
            };
            let depart = r
                .depart_s
                .map_or(Some(0), |d| value("depart_s", d, MAX_DEPART_S));
            let secs = value("drive_s", r.drive_s, MAX_DRIVE_S);
            let metres = value("drive_m", r.drive_m, MAX_DRIVE_M);
            let (Some(depart), Some(secs), Some(metres)) = (depart, secs, metres) else {
                continue;
            };
            let (Some(&a), Some(&b)) = (index.get(r.from.as_str()), index.get(r.to.as_str()))
            else {
                continue; // places of other problems may share the file
            };
            match seen.get(&(a, b, depart)) {
                Some(&(first, s0, m0)) if (s0, m0) != (secs, metres) => {
                    errors.push(InputError::at(
                        name,
                        line,
                        format!(
                            "{} -> {} at depart_s {depart}: {secs} s, {metres} m conflicts with line {first} ({s0} s, {m0} m); give each pair once per departure",
                            r.from, r.to
                        ),
                    ));
                    continue;
                }
                Some(_) => continue, // the same row again
                None => {
                    seen.insert((a, b, depart), (line, secs, metres));
                }
            }
            rows.push((a, b, depart, secs, metres));
        }
        if let Some(e) = InputError::all(errors) {
            return Err(e);
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
    /// Drives between the problem's places. A point that is not a place of the problem
    /// cannot be looked up: the drive is [`Drive::UNREACHABLE`], so no plan goes there.
    fn drive(&self, from: Location, to: Location, depart: Seconds) -> Drive {
        if from == to {
            return Drive::default();
        }
        let Some(v) = self
            .place(from)
            .zip(self.place(to))
            .and_then(|(a, b)| self.cells.get(&(a, b)))
        else {
            return Drive::UNREACHABLE;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_model::vehicle;
    use housecall_core::TimeWindow;

    /// A place the file does not have is unreachable, never a free drive (issue 8).
    #[test]
    fn unknown_places_are_unreachable() {
        let home = Location {
            lat: 43.7,
            lon: -79.7,
        };
        let shift = TimeWindow::new(Seconds::hm(8, 0), Seconds::hm(18, 0)).unwrap();
        let t = vehicle("t".into(), home, shift, None);
        let problem = Problem::new(vec![], vec![t], None);
        let m = ExternalMatrix::parse("m.csv", b"from,to,drive_s,drive_m\n".to_vec(), &problem)
            .unwrap();
        let elsewhere = Location {
            lat: 43.6,
            lon: -79.6,
        };
        assert_eq!(m.drive(home, elsewhere, Seconds(0)), Drive::UNREACHABLE);
        assert_eq!(m.drive(home, home, Seconds(0)), Drive::default());
    }
}
