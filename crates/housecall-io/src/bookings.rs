//! The bookings CSV: one row per booking, a header naming the columns in any order.
//!
//! | column | meaning |
//! | --- | --- |
//! | `id` | required, unique |
//! | `client` | name, for display |
//! | `lat`, `lon` | WGS84 degrees |
//! | `postal_code` | `L6P 2R3`, `L6P2R3`, or just the FSA `L6P`, when there are no coordinates |
//! | `place` | a town, neighbourhood or hamlet, when there are neither coordinates nor postal code |
//! | `treatment` | a catalogue treatment (case-insensitive), or any name with `duration_min` |
//! | `duration_min` | session minutes; default from the treatment, else 60 |
//! | `setup_min` | set-up minutes at the door, overriding the therapist's |
//! | `window` | start windows `HH:MM-HH:MM`, several separated by `;`; empty = whole shift |
//! | `date` | `YYYY-MM-DD`; empty = any planned day |
//! | `priority` | `required` (default) or 1-100, higher more important |
//! | `therapist` | only this therapist (id) may serve it |
//! | `skills` | `;`-separated skills the therapist needs |
//!
//! Other columns (phone, email, address, notes) are kept for display.

use crate::clock::parse_windows;
use crate::error::{utf8, InputError};
use chrono::NaiveDate;
use housecall_core::{treatment, Booking, Location, Precision, Priority, Seconds};
use std::collections::HashMap;

/// The bookings read from a file, with the extra columns of each row.
#[derive(Clone, Debug, Default)]
pub struct BookingsFile {
    /// The bookings, in file order.
    pub bookings: Vec<Booking>,
    /// For each booking, the columns the planner does not use, as `(header, value)`.
    pub extras: Vec<Vec<(String, String)>>,
    /// Line in the file of each booking.
    pub lines: Vec<u64>,
    /// Things a person should know that do not stop the plan, e.g. a postal code placed at
    /// its district's centre. They name booking ids and lines, never addresses.
    pub warnings: Vec<String>,
}

impl BookingsFile {
    /// The value of an extra column (e.g. `address`) for booking `i`, if present and not empty.
    pub fn extra(&self, i: usize, column: &str) -> Option<&str> {
        self.extras
            .get(i)?
            .iter()
            .find(|(k, v)| k == column && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }
}

/// Places bookings that come without coordinates, and names the service area of each.
pub trait Locator {
    /// A full postal code or an FSA: where it is and which of the two it was, or a sentence
    /// saying it is unknown, with near matches.
    fn postal_code(&self, code: &str) -> Result<(Location, Precision), String>;
    /// A town, neighbourhood or hamlet: its centre, or a sentence with near matches.
    fn place(&self, name: &str) -> Result<Location, String>;
    /// The service area containing `loc`, if any.
    fn area_of(&self, loc: Location) -> Option<String>;
}

/// A locator that knows no postal codes, places or areas (coordinates only).
pub struct CoordinatesOnly;

impl Locator for CoordinatesOnly {
    fn postal_code(&self, _: &str) -> Result<(Location, Precision), String> {
        Err("postal codes are not known here; give lat and lon".into())
    }
    fn place(&self, _: &str) -> Result<Location, String> {
        Err("place names are not known here; give lat and lon".into())
    }
    fn area_of(&self, _: Location) -> Option<String> {
        None
    }
}

pub(crate) const KNOWN: &[&str] = &[
    "id",
    "client",
    "lat",
    "lon",
    "postal_code",
    "place",
    "treatment",
    "duration_min",
    "setup_min",
    "window",
    "date",
    "priority",
    "therapist",
    "skills",
    "confirmed_start",
    "days",
    "date_range",
    "heavy",
];

/// Reads a bookings CSV file, placing bookings without coordinates with `locator`.
pub fn read_bookings_file(path: &str, locator: &dyn Locator) -> Result<BookingsFile, InputError> {
    let bytes =
        std::fs::read(path).map_err(|e| InputError::file(path, format!("cannot read: {e}")))?;
    parse_bookings(path, bytes, locator)
}

/// Parses bookings CSV bytes; `name` is used in error messages.
pub fn parse_bookings(
    name: &str,
    bytes: Vec<u8>,
    locator: &dyn Locator,
) -> Result<BookingsFile, InputError> {
    let text = utf8(name, bytes)?;
    if text.trim().is_empty() {
        return Err(InputError::file(
            name,
            "the file is empty; expected a header line naming at least `id`, `lat` and `lon`",
        ));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| InputError::at(name, 1, format!("cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let mut col: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if col.insert(h.as_str(), i).is_some() && !h.is_empty() {
            return Err(InputError::field(
                name,
                1,
                i as u64 + 1,
                "header",
                h,
                "this column appears twice",
            ));
        }
    }
    if !col.contains_key("id") {
        return Err(InputError::at(
            name,
            1,
            format!(
                "the header has no `id` column (found: {}); the first line must name the columns, e.g. id,client,lat,lon,treatment,window",
                headers.join(",")
            ),
        ));
    }
    let has = |c: &str| col.contains_key(c);
    if has("lat") != has("lon") {
        let missing = if has("lat") { "lon" } else { "lat" };
        return Err(InputError::at(
            name,
            1,
            format!("the header has no `{missing}` column; give both lat and lon"),
        ));
    }
    if !has("lat") && !has("postal_code") && !has("place") {
        return Err(InputError::at(
            name,
            1,
            "the header needs `lat` and `lon`, a `postal_code` column, or a `place` column",
        ));
    }
    let mut out = BookingsFile::default();
    let mut ids: HashMap<String, u64> = HashMap::new();
    let mut errors = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(rec) => rec,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(InputError::at(
                    name,
                    line,
                    format!("cannot read the row: {e}"),
                ));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        // Each row is read on its own, so that one run reports every bad row.
        if rec.len() != headers.len() {
            errors.push(InputError::at(
                name,
                line,
                format!(
                    "the row has {} fields but the header has {}; quote values that contain commas",
                    rec.len(),
                    headers.len()
                ),
            ));
            continue;
        }
        let row = CsvRow {
            name,
            line,
            rec: &rec,
            col: &col,
        };
        match read_booking(&row, &mut ids, locator, &mut out.warnings) {
            Ok(b) => {
                out.extras.push(
                    headers
                        .iter()
                        .enumerate()
                        .filter(|(_, h)| !KNOWN.contains(&h.as_str()) && !h.is_empty())
                        .map(|(i, h)| (h.clone(), rec.get(i).unwrap_or("").to_string()))
                        .collect(),
                );
                out.lines.push(line);
                out.bookings.push(b);
            }
            Err(e) => errors.push(e),
        }
    }
    InputError::all(errors).map_or(Ok(out), Err)
}

/// One booking's fields as written, and how messages name it: a row of the bookings file or
/// an object of a JSON problem, read by the same [`read_booking`].
pub(crate) trait Fields {
    /// The field's text; empty when absent.
    fn get(&self, field: &str) -> &str;
    /// Whether the input has the field at all (a file's header may leave a column out).
    fn has(&self, field: &str) -> bool;
    /// An error in `field`, naming its value.
    fn error(&self, field: &str, message: String) -> InputError;
    /// Where the booking is, for [`Fields::origin_of`]: its line, or its place in a list.
    fn place(&self) -> u64;
    /// Where the booking at `place` is, after "already used": `on line 3`, `by bookings[2]`
    /// (written only for that error).
    fn origin_of(&self, place: u64) -> String;
    /// Where a warning about it points: `bookings.csv:3`, `body: bookings[2]`.
    fn warn_at(&self) -> String;
}

/// A row of the bookings file.
struct CsvRow<'a> {
    name: &'a str,
    line: u64,
    rec: &'a csv::StringRecord,
    col: &'a HashMap<&'a str, usize>,
}

impl Fields for CsvRow<'_> {
    fn get(&self, field: &str) -> &str {
        self.col
            .get(field)
            .map_or("", |&i| self.rec.get(i).unwrap_or(""))
    }
    fn has(&self, field: &str) -> bool {
        self.col.contains_key(field)
    }
    fn error(&self, field: &str, message: String) -> InputError {
        let i = self.col.get(field).copied().unwrap_or(0);
        InputError::field(
            self.name,
            self.line,
            i as u64 + 1,
            field,
            self.get(field),
            message,
        )
    }
    fn place(&self) -> u64 {
        self.line
    }
    fn origin_of(&self, line: u64) -> String {
        format!("on line {line}")
    }
    fn warn_at(&self) -> String {
        format!("{}:{}", self.name, self.line)
    }
}

/// Reads one booking from its fields, placing it with `locator`; `ids` holds the ids read so
/// far with their places, and warnings go to `warnings`.
pub(crate) fn read_booking(
    f: &impl Fields,
    ids: &mut HashMap<String, u64>,
    locator: &dyn Locator,
    warnings: &mut Vec<String>,
) -> Result<Booking, InputError> {
    let get = |c: &str| f.get(c);
    let has = |c: &str| f.has(c);
    let err = |c: &str, msg: String| f.error(c, msg);
    let id = get("id").to_string();
    if id.is_empty() {
        return Err(err("id", "every booking needs an id".into()));
    }
    if let Some(&first) = ids.get(&id) {
        return Err(err(
            "id",
            format!("duplicate id; already used {}", f.origin_of(first)),
        ));
    }
    ids.insert(id.clone(), f.place());
    let coord = |c: &str, max: f64| -> Result<f64, InputError> {
        let raw = get(c);
        let v: f64 = raw
            .parse()
            .map_err(|_| err(c, format!("expected a number of degrees, -{max} to {max}")))?;
        if !v.is_finite() || v.abs() > max {
            return Err(err(
                c,
                format!("out of range; expected -{max} to {max} degrees"),
            ));
        }
        Ok(v)
    };
    let (location, precision) = if !get("lat").is_empty() || !get("lon").is_empty() {
        if get("lat").is_empty() || get("lon").is_empty() {
            let c = if get("lat").is_empty() { "lat" } else { "lon" };
            return Err(err(
                c,
                format!("{c} is required with the other coordinate (WGS84 degrees)"),
            ));
        }
        (
            Location {
                lat: coord("lat", 90.0)?,
                lon: coord("lon", 180.0)?,
            },
            Precision::Coordinates,
        )
    } else if !get("postal_code").is_empty() {
        let raw = get("postal_code");
        let placed = locator
            .postal_code(raw)
            .map_err(|m| err("postal_code", m))?;
        let full = raw.chars().filter(|c| c.is_ascii_alphanumeric()).count() == 6;
        if full && placed.1 == Precision::Fsa {
            warnings.push(format!(
                "{}: booking {id:?}: the postal code has no reliable point in the region data; placed at the centre of its forward sortation area (a district, a few km across)",
                f.warn_at()
            ));
        }
        placed
    } else if !get("place").is_empty() {
        (
            locator.place(get("place")).map_err(|m| err("place", m))?,
            Precision::Place,
        )
    } else {
        let c = ["lat", "postal_code", "place"]
            .into_iter()
            .find(|c| has(c))
            .unwrap_or("lat");
        return Err(err(
            c,
            "no location: give lat and lon, a postal_code, or a place".into(),
        ));
    };

    let minutes = |c: &str, min: i64| -> Result<Option<i64>, InputError> {
        let raw = get(c);
        if raw.is_empty() {
            return Ok(None);
        }
        match raw.parse::<i64>() {
            Ok(m) if m >= min && m <= 24 * 60 => Ok(Some(m)),
            _ => Err(err(c, format!("expected whole minutes from {min} to 1440"))),
        }
    };
    let duration = minutes("duration_min", 1)?;
    let setup = minutes("setup_min", 0)?;
    let raw_treatment = get("treatment");
    let (treatment_name, typical) = match treatment(raw_treatment) {
        Some((n, m)) => (Some(n.to_string()), Some(m)),
        None if raw_treatment.is_empty() => (None, None),
        None if duration.is_some() => (Some(raw_treatment.to_string()), None),
        None => {
            let known: Vec<&str> = housecall_core::TREATMENTS.iter().map(|t| t.0).collect();
            return Err(err(
                "treatment",
                format!(
                    "unknown treatment and no duration_min; give duration_min or one of: {}",
                    known.join(", ")
                ),
            ));
        }
    };
    let session = Seconds::from_minutes(duration.or(typical).unwrap_or(60));
    let windows = parse_windows(get("window")).map_err(|m| err("window", m))?;
    let date = match get("date") {
        "" => None,
        d => Some(
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| err("date", "expected a date YYYY-MM-DD".into()))?,
        ),
    };
    let priority = match get("priority").to_ascii_lowercase().as_str() {
        "" | "required" => Priority::Required,
        p => match p.parse::<u8>() {
            Ok(w @ 1..=100) => Priority::Optional(w),
            _ => {
                return Err(err(
                    "priority",
                    "expected `required` or a number from 1 to 100".into(),
                ))
            }
        },
    };
    let skills = split_list(get("skills"));
    let therapist = Some(get("therapist").to_string()).filter(|t| !t.is_empty());
    let days = split_list(get("days"))
        .iter()
        .map(|d| {
            crate::therapists::weekday(d)
                .ok_or_else(|| err("days", "expected weekday names like mon;wed;fri".into()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let date_range = match get("date_range") {
        "" => None,
        r => {
            let bad = || {
                err(
                    "date_range",
                    "expected FIRST..LAST, e.g. 2026-12-07..2026-12-09".into(),
                )
            };
            let (a, b) = r.split_once("..").ok_or_else(bad)?;
            let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| bad());
            let (a, b) = (day(a)?, day(b)?);
            if b < a {
                return Err(err("date_range", "the last day is before the first".into()));
            }
            Some((a, b))
        }
    };
    if date.is_some() && (!days.is_empty() || date_range.is_some()) {
        let c = if days.is_empty() {
            "date_range"
        } else {
            "days"
        };
        return Err(err(
            c,
            "a booking with a date goes on that date; give date, or days and date_range, not both"
                .into(),
        ));
    }
    let confirmed = match get("confirmed_start") {
        "" => None,
        c => {
            let at = crate::clock::parse_clock(c).map_err(|m| err("confirmed_start", m))?;
            if therapist.is_none() {
                return Err(err(
                    "confirmed_start",
                    format!("{c} is confirmed without a therapist; give the therapist column"),
                ));
            }
            Some(at)
        }
    };
    let mut b = Booking::new(id, location, session)
        .with_client(get("client"))
        .with_precision(precision)
        .with_priority(priority)
        .with_skills(skills);
    b.area = locator.area_of(location);
    b.treatment = treatment_name;
    b.setup = setup.map(Seconds::from_minutes);
    b.windows = windows;
    b.date = date;
    b.therapist = therapist;
    b.confirmed = confirmed;
    b.days = days;
    b.date_range = date_range;
    b.heavy = match get("heavy").to_ascii_lowercase().as_str() {
        "" => b.treatment.as_deref().is_some_and(housecall_core::is_heavy),
        "yes" | "true" | "1" => true,
        "no" | "false" | "0" => false,
        _ => return Err(err("heavy", "expected yes or no".into())),
    };
    Ok(b)
}

/// Splits a `;`-separated list into trimmed, lower-case, non-empty items.
pub(crate) fn split_list(s: &str) -> Vec<String> {
    s.split(';')
        .map(|x| x.trim().to_ascii_lowercase())
        .filter(|x| !x.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<BookingsFile, InputError> {
        parse_bookings("b.csv", s.as_bytes().to_vec(), &CoordinatesOnly)
    }

    #[test]
    fn reads_columns_in_any_order_with_defaults_and_extras() {
        let f = parse("notes,lon,id,lat,treatment,window,priority\nring twice,-79.7,b1,43.7,cupping therapy,09:00-11:00;15:00-17:00,40\n").unwrap();
        let b = &f.bookings[0];
        assert_eq!(b.treatment.as_deref(), Some("Cupping Therapy"));
        assert_eq!(b.session, Seconds::from_minutes(45));
        assert_eq!(b.windows.len(), 2);
        assert_eq!(b.priority, Priority::Optional(40));
        assert_eq!(f.extra(0, "notes"), Some("ring twice"));
        assert_eq!(f.lines, vec![2]);
    }

    #[test]
    fn errors_name_line_column_and_value() {
        let e = parse("id,lat,lon,window\nb1,43.7,-79.7,25:00-26:00\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(4)));
        assert!(
            e.to_string()
                .starts_with("b.csv:2:4: window \"25:00-26:00\""),
            "{e}"
        );
        let e = parse("id,lat,lon\nb1,43.7,-79.7\nb1,43.6,-79.6\n").unwrap_err();
        assert!(e.to_string().contains("already used on line 2"), "{e}");
        let e = parse("id,lat,lon,treatment\nb1,43.7,-79.7,reiki\n").unwrap_err();
        assert!(e.to_string().contains("unknown treatment"), "{e}");
        assert!(parse("id,lat,lon,treatment,duration_min\nb1,43.7,-79.7,reiki,50\n").is_ok());
    }
}
