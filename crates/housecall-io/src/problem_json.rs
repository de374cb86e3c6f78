//! The JSON problem: bookings, therapists and options in one document, for callers that do
//! not write CSV and TOML files (booking systems, the HTTP service).
//!
//! A booking is an object with the bookings file's columns as keys (`window` and `skills` may
//! be lists, numbers may be numbers) plus `extra`, an object of further text columns such as
//! `address`; a therapist is an object with the therapist file's keys. Both are read by the
//! same code as the files, so a document means exactly what the files would; errors name the
//! JSON path: `bookings[3].window "25:00-26:00" - 25:00 is not a time of day`.

use crate::bookings::{read_booking, BookingsFile, Fields, Locator, KNOWN};
use crate::error::InputError;
use crate::therapists::{parse_therapists, read_therapist_object};
use chrono::NaiveDate;
use housecall_core::Therapist;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;

/// The whole document.
#[derive(Serialize, Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct ProblemDoc {
    /// The bookings, as objects with the bookings file's columns.
    pub bookings: Vec<BookingObject>,
    /// The therapists, as objects with the therapist file's keys.
    pub therapists: Vec<Map<String, Value>>,
    /// How to plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<OptionsDoc>,
}

/// Planning options a document may carry; a command's own flags take precedence.
#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OptionsDoc {
    /// Plan only this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Plan every day from this one ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// ... to this one (a week, say); bookings without a date go on the best day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// `road` (default) or `straight-line`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel: Option<String>,
    /// Seed of the search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Ruin-and-recreate rounds per search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<usize>,
    /// Parallel searches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<usize>,
    /// Seconds the solve may take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_s: Option<f64>,
}

/// A booking object as a document holds it: its keys and values as a JSON map would hold them
/// (in key order; a later duplicate key replaces the earlier), read without a map and with the
/// bookings file's column names held without a copy (a service reads one per booking on every
/// request).
///
/// ```
/// use housecall_io::BookingObject;
/// let b: BookingObject = serde_json::from_str(r#"{"lon": -79.7, "id": "b1", "lat": 43.7}"#).unwrap();
/// let keys: Vec<&str> = b.iter().map(|(k, _)| k).collect();
/// assert_eq!(keys, ["id", "lat", "lon"]);
/// assert_eq!(serde_json::to_string(&b).unwrap(), r#"{"id":"b1","lat":43.7,"lon":-79.7}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BookingObject(Vec<(Key, Value)>);

/// A booking object's key: a column of the bookings file (or `extra`), or any other.
#[derive(Clone, Debug, PartialEq)]
enum Key {
    Known(&'static str),
    Other(String),
}

impl Key {
    fn of(key: &str) -> Option<&'static str> {
        KNOWN.iter().chain(&["extra"]).find(|k| **k == key).copied()
    }

    fn as_str(&self) -> &str {
        match self {
            Key::Known(k) => k,
            Key::Other(k) => k,
        }
    }
}

impl BookingObject {
    /// The keys and values, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Map<String, Value>> for BookingObject {
    fn from(map: Map<String, Value>) -> Self {
        let key = |k: String| Key::of(&k).map_or(Key::Other(k), Key::Known);
        BookingObject(map.into_iter().map(|(k, v)| (key(k), v)).collect())
    }
}

impl Serialize for BookingObject {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for BookingObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{DeserializeSeed, MapAccess, Visitor};
        use std::fmt;
        struct KeySeed;
        impl<'de> DeserializeSeed<'de> for KeySeed {
            type Value = Key;
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
                d.deserialize_str(self)
            }
        }
        impl Visitor<'_> for KeySeed {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(Key::of(key).map_or_else(|| Key::Other(key.to_string()), Key::Known))
            }
        }
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = BookingObject;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                // As for a JSON map, so that errors read the same.
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BookingObject, A::Error> {
                let mut fields: Vec<(Key, Value)> =
                    Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(key) = map.next_key_seed(KeySeed)? {
                    fields.push((key, map.next_value()?));
                }
                // In key order, the last of equal keys kept (stable: equal keys stay in the
                // document's order).
                fields.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
                fields.dedup_by(|later, kept| {
                    let same = later.0 == kept.0;
                    if same {
                        std::mem::swap(&mut later.1, &mut kept.1);
                    }
                    same
                });
                Ok(BookingObject(fields))
            }
        }
        d.deserialize_map(Object)
    }
}

/// A JSON problem as read.
#[derive(Debug)]
pub struct JsonProblem {
    /// The bookings, as the bookings file reader gives them (lines are 1-based indices).
    pub bookings: BookingsFile,
    /// The therapists.
    pub therapists: Vec<Therapist>,
    /// The options, all unset when absent.
    pub options: OptionsDoc,
}

/// Reads a JSON problem document; `name` (a file name, or `-` for standard input) is used in
/// error messages, with the JSON path of the value at fault.
pub fn parse_problem_json(
    name: &str,
    text: &str,
    locator: &dyn Locator,
) -> Result<JsonProblem, InputError> {
    let doc: ProblemDoc = serde_json::from_str(text).map_err(|e| InputError {
        line: Some(e.line() as u64),
        column: Some(e.column() as u64),
        ..InputError::file(name, e.to_string())
    })?;
    read_problem_doc(name, &doc, "", locator)
}

/// Reads a parsed problem document; error paths start with `prefix` (`problem.` when the
/// problem is part of a larger document).
pub fn read_problem_doc(
    name: &str,
    doc: &ProblemDoc,
    prefix: &str,
    locator: &dyn Locator,
) -> Result<JsonProblem, InputError> {
    let bookings = read_bookings(
        name,
        &doc.bookings,
        &|i| format!("{prefix}bookings[{i}]"),
        locator,
    )?;
    let mut therapists: Vec<Therapist> = Vec::new();
    for (i, t) in doc.therapists.iter().enumerate() {
        // Written out only for an error.
        let path = || format!("{prefix}therapists[{i}]");
        let therapist = read_therapist_object(name, t).map_err(|e| InputError {
            field: Some(match &e.field {
                Some(f) => format!("{}.{f}", path()),
                None => path(),
            }),
            ..e
        })?;
        if therapists.iter().any(|o| o.id == therapist.id) {
            return Err(InputError {
                field: Some(format!("{}.id", path())),
                value: Some(therapist.id),
                ..InputError::file(name, "duplicate therapist id")
            });
        }
        therapists.push(therapist);
    }
    if therapists.is_empty() {
        return Err(in_doc(
            name,
            &format!("{prefix}therapists"),
            "no therapist; give at least one with id and home".into(),
        ));
    }
    Ok(JsonProblem {
        bookings,
        therapists,
        options: doc.options.clone().unwrap_or_default(),
    })
}

/// Reads booking objects as a problem document holds them; `path(i)` names the `i`-th in
/// errors (`add[2]`).
pub fn read_booking_objects(
    name: &str,
    bookings: &[BookingObject],
    path: &dyn Fn(usize) -> String,
    locator: &dyn Locator,
) -> Result<BookingsFile, InputError> {
    read_bookings(name, bookings, path, locator)
}

fn in_doc(name: &str, path: &str, message: String) -> InputError {
    InputError {
        field: Some(path.to_string()),
        ..InputError::file(name, message)
    }
}

/// The bookings of a document, each read as a row of the bookings file would be (the same
/// [`read_booking`]), with errors at their JSON paths (`at(i)` for the `i`-th booking); one
/// read reports every bad booking.
fn read_bookings(
    name: &str,
    bookings: &[BookingObject],
    at: &dyn Fn(usize) -> String,
    locator: &dyn Locator,
) -> Result<BookingsFile, InputError> {
    let mut out = BookingsFile {
        bookings: Vec::with_capacity(bookings.len()),
        extras: Vec::with_capacity(bookings.len()),
        lines: Vec::with_capacity(bookings.len()),
        ..BookingsFile::default()
    };
    let mut ids = HashMap::with_capacity(bookings.len());
    let mut errors = Vec::new();
    for (i, b) in bookings.iter().enumerate() {
        let read = JsonRow::new(name, at, i, b).and_then(|row| {
            let booking = read_booking(&row, &mut ids, locator, &mut out.warnings)?;
            Ok((booking, row.extras))
        });
        match read {
            Ok((booking, extras)) => {
                out.bookings.push(booking);
                out.extras.push(extras);
                // Lines become booking numbers (1-based).
                out.lines.push(i as u64 + 1);
            }
            Err(e) => errors.push(e),
        }
    }
    InputError::all(errors).map_or(Ok(out), Err)
}

/// A booking object of a document, its values as the bookings file would hold them.
struct JsonRow<'a> {
    name: &'a str,
    /// The JSON path of the `i`-th booking (written out only for an error).
    at: &'a dyn Fn(usize) -> String,
    i: usize,
    fields: Vec<(&'a str, Cow<'a, str>)>,
    extras: Vec<(String, String)>,
}

impl<'a> JsonRow<'a> {
    /// The fields of `b`, the `i`-th booking, at JSON path `at(i)`: known keys only, `extra`
    /// an object of text.
    fn new(
        name: &'a str,
        at: &'a dyn Fn(usize) -> String,
        i: usize,
        b: &'a BookingObject,
    ) -> Result<Self, InputError> {
        let mut row = JsonRow {
            name,
            at,
            i,
            fields: Vec::with_capacity(b.len()),
            extras: Vec::new(),
        };
        for (key, value) in b.iter() {
            // A field's path is only written out for an error.
            let path = || format!("{}.{key}", at(i));
            if key == "extra" {
                let Value::Object(extra) = value else {
                    return Err(in_doc(
                        name,
                        &path(),
                        "expected an object of text fields".into(),
                    ));
                };
                for (k, v) in extra {
                    let Value::String(s) = v else {
                        return Err(in_doc(
                            name,
                            &format!("{}.{k}", path()),
                            "expected text".into(),
                        ));
                    };
                    if KNOWN.contains(&k.as_str()) || k == "extra" {
                        return Err(in_doc(
                            name,
                            &format!("{}.{k}", path()),
                            format!("`{k}` is a booking field, not an extra"),
                        ));
                    }
                    row.extras.push((k.clone(), s.trim().to_string()));
                }
                continue;
            }
            if !KNOWN.contains(&key) {
                return Err(in_doc(
                    name,
                    &path(),
                    format!(
                        "unknown field; expected one of: {}, extra",
                        KNOWN.join(", ")
                    ),
                ));
            }
            let text = text_of(name, &path, value)?;
            row.fields.push((key, text));
        }
        Ok(row)
    }
}

impl Fields for JsonRow<'_> {
    fn get(&self, field: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| *k == field)
            .map_or("", |(_, v)| v.trim())
    }
    fn has(&self, _: &str) -> bool {
        // Every known key may be given.
        true
    }
    fn error(&self, field: &str, message: String) -> InputError {
        InputError {
            field: Some(format!("{}.{field}", (self.at)(self.i))),
            value: Some(self.get(field).to_string()),
            ..InputError::file(self.name, message)
        }
    }
    fn place(&self) -> u64 {
        self.i as u64
    }
    fn origin_of(&self, i: u64) -> String {
        format!("by {}", (self.at)(i as usize))
    }
    fn warn_at(&self) -> String {
        format!("{}: {}", self.name, (self.at)(self.i))
    }
}

/// A booking field as the bookings file would hold it: text as is, numbers as written, lists
/// (`window`, `skills`) joined by `;`, null as empty.
fn text_of<'v>(
    name: &str,
    path: &dyn Fn() -> String,
    v: &'v Value,
) -> Result<Cow<'v, str>, InputError> {
    match v {
        Value::Null => Ok(Cow::Borrowed("")),
        Value::String(s) => Ok(Cow::Borrowed(s)),
        Value::Number(n) => Ok(Cow::Owned(n.to_string())),
        Value::Bool(_) | Value::Object(_) => Err(in_doc(
            name,
            &path(),
            format!("expected text, a number or a list, got {v}"),
        )),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(k, x)| match x {
                Value::String(s) => Ok(s.clone()),
                _ => Err(in_doc(
                    name,
                    &format!("{}[{k}]", path()),
                    format!("expected text, got {x}"),
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|v| Cow::Owned(v.join(";"))),
    }
}

/// A bookings CSV file and a therapist file as one JSON problem document: each booking with
/// the file's columns as written (numbers as numbers, `window` and `skills` as lists, other
/// columns under `extra`), each therapist with the file's keys.
pub fn files_to_problem_json(bookings: &str, therapists: &str) -> Result<String, InputError> {
    let text = std::fs::read_to_string(bookings)
        .map_err(|e| InputError::file(bookings, format!("cannot read: {e}")))?;
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| InputError::at(bookings, 1, format!("cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let mut doc = ProblemDoc::default();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| InputError::file(bookings, format!("cannot read a row: {e}")))?;
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        let mut b = Map::new();
        let mut extra = Map::new();
        for (h, v) in headers.iter().zip(rec.iter()) {
            if v.is_empty() || h.is_empty() {
                continue;
            }
            let value = match h.as_str() {
                "lat" | "lon" | "duration_min" | "setup_min" | "priority" => {
                    serde_json::from_str::<serde_json::Number>(v)
                        .map(Value::Number)
                        .unwrap_or_else(|_| Value::String(v.into()))
                }
                "window" | "skills" => Value::Array(
                    v.split(';')
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(|x| Value::String(x.into()))
                        .collect(),
                ),
                _ => Value::String(v.into()),
            };
            if KNOWN.contains(&h.as_str()) {
                b.insert(h.clone(), value);
            } else {
                extra.insert(h.clone(), value);
            }
        }
        if !extra.is_empty() {
            b.insert("extra".into(), Value::Object(extra));
        }
        doc.bookings.push(b.into());
    }
    let toml_text = std::fs::read_to_string(therapists)
        .map_err(|e| InputError::file(therapists, format!("cannot read: {e}")))?;
    // Checked as the planner would read it, then carried over key for key.
    parse_therapists(therapists, toml_text.clone().into_bytes())?;
    let table: toml::Table =
        toml::from_str(&toml_text).map_err(|e| InputError::file(therapists, e.to_string()))?;
    if let Some(toml::Value::Array(ts)) = table.get("therapist") {
        for t in ts {
            let v =
                serde_json::to_value(t).map_err(|e| InputError::file(therapists, e.to_string()))?;
            if let Value::Object(m) = v {
                doc.therapists.push(m);
            }
        }
    }
    Ok(serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use housecall_core::{Location, Precision};

    /// Knows every postal code, but only at its district's centre.
    struct DistrictsOnly;

    impl Locator for DistrictsOnly {
        fn postal_code(&self, _: &str) -> Result<(Location, Precision), String> {
            Ok((
                Location {
                    lat: 43.7,
                    lon: -79.7,
                },
                Precision::Fsa,
            ))
        }
        fn place(&self, name: &str) -> Result<Location, String> {
            Err(format!("no place {name}"))
        }
        fn area_of(&self, _: Location) -> Option<String> {
            None
        }
    }

    fn bookings(json: &str) -> Result<BookingsFile, InputError> {
        let b: Vec<BookingObject> = serde_json::from_str(json).unwrap();
        read_booking_objects("body", &b, &|i| format!("add[{i}]"), &DistrictsOnly)
    }

    #[test]
    fn booking_objects_read_as_file_rows_with_json_paths() {
        let f = bookings(
            r#"[{"id": "a", "lat": 43.7, "lon": -79.7, "window": ["09:00-10:00", " 14:00-15:00 "],
                 "extra": {"notes": " ring twice "}},
                {"id": 7, "postal_code": "L6P 2R1", "duration_min": 50, "treatment": "reiki"}]"#,
        )
        .unwrap();
        assert_eq!(f.bookings[0].windows.len(), 2);
        assert_eq!(f.extra(0, "notes"), Some("ring twice"));
        assert_eq!(f.bookings[1].id, "7");
        assert_eq!(f.bookings[1].session.0, 50 * 60);
        assert_eq!(f.lines, vec![1, 2]);
        assert_eq!(f.warnings.len(), 1);
        assert!(
            f.warnings[0].starts_with("body: add[1]: booking \"7\": the postal code"),
            "{:?}",
            f.warnings
        );
        // Every bad booking is reported, each at its path.
        let e = bookings(
            r#"[{"id": "a", "lat": 43.7, "lon": -79.7, "window": "25:00-26:00"},
                {"id": "a", "lat": 43.7, "lon": -79.7},
                {"id": "c"}]"#,
        )
        .unwrap_err();
        let all: Vec<String> = std::iter::once(&e)
            .chain(&e.also)
            .map(|e| e.to_string())
            .collect();
        assert_eq!(all.len(), 3, "{all:?}");
        assert!(all[0].contains("add[0].window \"25:00-26:00\""), "{all:?}");
        assert!(all[1].contains("add[1].id \"a\" - duplicate id; already used by add[0]"));
        assert!(all[2].contains("add[2].lat \"\" - no location"), "{all:?}");
    }

    /// A booking object holds what a JSON map would: its keys in order, the last of equal
    /// keys, and the same error for anything but an object.
    #[test]
    fn booking_objects_hold_what_a_map_would() {
        let text = r#"[{"lon": -79.7, "id": "x", "zz": 1, "\u0069d": "b1", "extra": {"b": "2"}},
                       {"id": "b2", "id": "b3"}]"#;
        let objects: Vec<BookingObject> = serde_json::from_str(text).unwrap();
        let maps: Vec<Map<String, Value>> = serde_json::from_str(text).unwrap();
        for (object, map) in objects.iter().zip(&maps) {
            let pairs: Vec<(&str, &Value)> = object.iter().collect();
            let expected: Vec<(&str, &Value)> = map.iter().map(|(k, v)| (k.as_str(), v)).collect();
            assert_eq!(pairs, expected);
            assert_eq!(
                serde_json::to_value(object).unwrap(),
                Value::Object(map.clone())
            );
            assert_eq!(object, &BookingObject::from(map.clone()));
        }
        for bad in [r#"[7]"#, r#"[["id"]]"#, r#"[{"id": }]"#] {
            let object = serde_json::from_str::<Vec<BookingObject>>(bad).unwrap_err();
            let map = serde_json::from_str::<Vec<Map<String, Value>>>(bad).unwrap_err();
            assert_eq!(object.to_string(), map.to_string());
        }
    }
}
