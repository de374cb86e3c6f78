//! Postal codes, forward sortation areas and place names of the region, for bookings that
//! come without coordinates. Tables: `postal_codes.csv` (`code,lat,lon`, codes without the
//! space; lat and lon empty for a code whose published point is unreliable), `fsa.csv`
//! (`fsa,lat,lon,codes`), `places.csv` (`name,lat,lon,source`).
//!
//! Every well-formed code in a known FSA is placed: at its own point when that is reliable,
//! otherwise at the centre of its FSA (reported as [`Precision::Fsa`]).

use crate::roads::read_csv;
use crate::RegionError;
use housecall_core::{Location, Precision};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Deserialize)]
struct CodeRow {
    code: String,
    lat: Option<f64>,
    lon: Option<f64>,
}

/// Full postal codes to their point; `None` for a known code whose point is unreliable.
type Codes = HashMap<String, Option<Location>>;

#[derive(Deserialize)]
struct FsaRow {
    fsa: String,
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
struct PlaceRow {
    name: String,
    lat: f64,
    lon: f64,
}

/// Where postal codes and places are.
#[derive(Clone, Debug, Default)]
pub struct Gazetteer {
    /// The postal-code table's name and text, parsed on first use (most plans use
    /// coordinates, and 90,000 codes take longer to read than a whole plan takes to solve).
    codes_text: (String, String),
    codes: OnceLock<Result<Codes, RegionError>>,
    fsas: HashMap<String, Location>,
    /// Lower-case name to (name, centre).
    places: HashMap<String, (String, Location)>,
}

impl Gazetteer {
    /// Builds the gazetteer from the three tables' text (any may be empty).
    pub fn from_csv(
        codes: (&str, &str),
        fsas: (&str, &str),
        places: (&str, &str),
    ) -> Result<Self, RegionError> {
        let at = |lat, lon| Location { lat, lon };
        fn read<'a>((name, text): (&'a str, &'a str)) -> Option<(&'a str, &'a str)> {
            (!text.is_empty()).then_some((name, text))
        }
        let codes_text = (codes.0.to_string(), codes.1.to_string());
        let fsas = match read(fsas) {
            Some((n, t)) => read_csv::<FsaRow>(n, t)?
                .into_iter()
                .map(|r| (r.fsa, at(r.lat, r.lon)))
                .collect(),
            None => HashMap::new(),
        };
        let places = match read(places) {
            Some((n, t)) => read_csv::<PlaceRow>(n, t)?
                .into_iter()
                .map(|r| (r.name.to_lowercase(), (r.name, at(r.lat, r.lon))))
                .collect(),
            None => HashMap::new(),
        };
        Ok(Gazetteer {
            codes_text,
            codes: OnceLock::new(),
            fsas,
            places,
        })
    }

    /// The full postal codes, read on first use.
    pub fn codes(&self) -> Result<&Codes, RegionError> {
        let parsed = self.codes.get_or_init(|| {
            let (name, text) = (&self.codes_text.0, &self.codes_text.1);
            if text.is_empty() {
                return Ok(HashMap::new());
            }
            let rows = read_csv::<CodeRow>(name, text)?;
            Ok(rows
                .into_iter()
                .map(|r| {
                    let at = r.lat.zip(r.lon).map(|(lat, lon)| Location { lat, lon });
                    (r.code, at)
                })
                .collect())
        });
        parsed.as_ref().map_err(Clone::clone)
    }

    /// Places a postal code, `L6P 2R3`, `l6p2r3` or just the FSA `L6P`. A full code whose
    /// point is unreliable or unknown is placed at its FSA's centre ([`Precision::Fsa`]); an
    /// FSA that is not in the region gets an error sentence with near matches.
    pub fn postal_code(&self, raw: &str) -> Result<(Location, Precision), String> {
        let code: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let shaped = |s: &str| {
            s.chars().enumerate().all(|(i, c)| {
                if i % 2 == 0 {
                    c.is_ascii_alphabetic()
                } else {
                    c.is_ascii_digit()
                }
            })
        };
        match code.len() {
            6 if shaped(&code) => {
                let codes = self.codes().map_err(|e| e.to_string())?;
                let fsa = &code[..3];
                match (codes.get(&code), self.fsas.get(fsa)) {
                    (Some(Some(l)), _) => Ok((*l, Precision::PostalCode)),
                    // Known with an unreliable point, or not (yet) in the table: the FSA's
                    // centre is the best honest answer.
                    (_, Some(&l)) => Ok((l, Precision::Fsa)),
                    (_, None) => {
                        let near = nearest(fsa, self.fsas.keys(), 3);
                        Err(format!(
                            "unknown forward sortation area {fsa} in this region; near matches: {}",
                            near.join(", ")
                        ))
                    }
                }
            }
            3 if shaped(&code) => match self.fsas.get(&code) {
                Some(&l) => Ok((l, Precision::Fsa)),
                None => {
                    let near = nearest(code.as_str(), self.fsas.keys(), 3);
                    Err(format!(
                        "unknown forward sortation area (FSA) in this region; near matches: {}",
                        near.join(", ")
                    ))
                }
            },
            _ => Err(
                "expected a Canadian postal code like L6P 2R3, or its first three characters (L6P)"
                    .into(),
            ),
        }
    }

    /// Places a town, neighbourhood or hamlet by name (case-insensitive).
    pub fn place(&self, raw: &str) -> Result<Location, String> {
        let key = raw.trim().to_lowercase();
        if let Some((_, l)) = self.places.get(&key) {
            return Ok(*l);
        }
        let mut scored: Vec<(f64, &str)> = self
            .places
            .iter()
            .map(|(k, (name, _))| (strsim::jaro_winkler(&key, k), name.as_str()))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let near: Vec<&str> = scored.iter().take(3).map(|s| s.1).collect();
        Err(format!("unknown place; near matches: {}", near.join(", ")))
    }

    /// Number of full postal codes known (0 when the table cannot be read).
    pub fn postal_codes(&self) -> usize {
        self.codes().map_or(0, |c| c.len())
    }
}

/// The `k` keys nearest to `target`: by edit distance, then by the longest shared prefix
/// (postal codes that share more leading characters are nearer on the ground), then by name.
fn nearest<'a>(target: &str, keys: impl Iterator<Item = &'a String>, k: usize) -> Vec<String> {
    let prefix = |c: &str| {
        target
            .chars()
            .zip(c.chars())
            .take_while(|(a, b)| a == b)
            .count()
    };
    let mut v: Vec<(usize, std::cmp::Reverse<usize>, &String)> = keys
        .map(|c| {
            (
                strsim::levenshtein(target, c),
                std::cmp::Reverse(prefix(c)),
                c,
            )
        })
        .collect();
    v.sort();
    v.into_iter()
        .take(k)
        .map(|(_, _, c)| format_code(c))
        .collect()
}

fn format_code(c: &str) -> String {
    if c.len() == 6 {
        format!("{} {}", &c[..3], &c[3..])
    } else {
        c.to_string()
    }
}
