//! The therapist file (TOML): one `[[therapist]]` table per therapist.
//!
//! ```toml
//! [[therapist]]
//! id = "alex"                              # required, unique
//! name = "Alex Chen"                       # default: the id
//! home = { lat = 43.6856, lon = -79.7600 } # required
//! start = { lat = 43.68, lon = -79.76 }    # default: home
//! end = { lat = 43.68, lon = -79.76 }      # default: home
//! shift = "08:30-18:00"                    # default "08:30-18:00": leave no earlier, be back no later
//! lunch = { window = "11:30-14:00", minutes = 30 }  # the default; minutes = 0 for none
//! setup_min = 10                           # default 10: at the door before each session
//! packup_min = 5                           # default 5: after each session
//! max_visits = 6                           # default: no limit
//! max_hands_on_min = 360                   # default: no limit (session minutes per day)
//! skills = ["cupping", "hydrotherapy"]     # default: none
//! days = ["mon", "tue", "wed", "thu", "fri"]  # default: every day
//! areas = ["Brampton", { name = "Guelph", days = ["tue"] }]  # default: every area of the region
//! ```

use crate::clock::parse_window;
use crate::error::{line_col_of, utf8, InputError};
use chrono::Weekday;
use housecall_core::{AreaRule, HandsOnRun, Location, Lunch, Seconds, Therapist, TimeWindow};
use serde::de::value::MapDeserializer;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::ops::Range;
use toml::Spanned;

/// Where a therapist's values were written: a TOML file keeps each value's span (errors
/// give its line and column), a JSON document does not (errors give the JSON path).
trait Origin {
    /// A value as this origin reads it.
    type At<T: DeserializeOwned>: DeserializeOwned + Located<T>;
}

/// A value and where it was written (`0..0` when not known).
trait Located<T> {
    fn get_ref(&self) -> &T;
    fn span(&self) -> Range<usize>;
}

impl<T> Located<T> for Spanned<T> {
    fn get_ref(&self) -> &T {
        Spanned::get_ref(self)
    }
    fn span(&self) -> Range<usize> {
        Spanned::span(self)
    }
}

/// A value read without its place.
#[derive(Deserialize)]
#[serde(transparent)]
struct Plain<T>(T);

impl<T> Located<T> for Plain<T> {
    fn get_ref(&self) -> &T {
        &self.0
    }
    fn span(&self) -> Range<usize> {
        0..0
    }
}

/// A therapist file.
struct Toml;

impl Origin for Toml {
    type At<T: DeserializeOwned> = Spanned<T>;
}

/// A therapist object of a JSON problem.
struct Json;

impl Origin for Json {
    type At<T: DeserializeOwned> = Plain<T>;
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    therapist: Vec<TherapistDoc<Toml>>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
struct PointDoc {
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, bound = "")]
struct LunchDoc<O: Origin> {
    window: Option<O::At<String>>,
    minutes: Option<O::At<i64>>,
}

/// An area served: `"Brampton"`, or `{ name = "Guelph", days = ["tue"] }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum AreaDoc {
    Name(String),
    Days { name: String, days: Vec<String> },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, bound = "")]
struct TherapistDoc<O: Origin> {
    id: O::At<String>,
    name: Option<String>,
    home: O::At<PointDoc>,
    start: Option<O::At<PointDoc>>,
    end: Option<O::At<PointDoc>>,
    shift: Option<O::At<String>>,
    lunch: Option<LunchDoc<O>>,
    setup_min: Option<O::At<i64>>,
    packup_min: Option<O::At<i64>>,
    max_visits: Option<O::At<i64>>,
    max_hands_on_min: Option<O::At<i64>>,
    max_heavy_per_day: Option<O::At<i64>>,
    min_rest_min: Option<O::At<i64>>,
    max_hands_on_run_min: Option<O::At<i64>>,
    run_break_min: Option<O::At<i64>>,
    max_drive_min: Option<O::At<i64>>,
    #[serde(default)]
    skills: Vec<String>,
    days: Option<O::At<Vec<String>>>,
    off: Option<O::At<Vec<String>>>,
    areas: Option<O::At<Vec<AreaDoc>>>,
}

/// Reads a therapist file.
pub fn read_therapists_file(path: &str) -> Result<Vec<Therapist>, InputError> {
    let bytes =
        std::fs::read(path).map_err(|e| InputError::file(path, format!("cannot read: {e}")))?;
    parse_therapists(path, bytes)
}

/// Parses therapist-file bytes; `name` is used in error messages.
pub fn parse_therapists(name: &str, bytes: Vec<u8>) -> Result<Vec<Therapist>, InputError> {
    let text = utf8(name, bytes)?;
    let at = |span: Range<usize>, key: &str, value: &str, msg: String| {
        let (line, col) = line_col_of(&text, span.start);
        InputError::field(name, line, col, key, value, msg)
    };
    let doc: FileDoc = toml::from_str(&text).map_err(|e| {
        let msg = e.message().trim().to_string();
        let msg = if msg.contains("missing field `therapist`") {
            "no [[therapist]] table; see data/examples/therapists.toml".to_string()
        } else {
            msg
        };
        match e.span() {
            Some(s) => {
                let (line, col) = line_col_of(&text, s.start);
                InputError {
                    line: Some(line),
                    column: Some(col),
                    ..InputError::file(name, msg)
                }
            }
            None => InputError::file(name, msg),
        }
    })?;
    if doc.therapist.is_empty() {
        return Err(InputError::file(
            name,
            "no [[therapist]] table; see data/examples/therapists.toml",
        ));
    }
    let mut out: Vec<Therapist> = Vec::new();
    for t in doc.therapist {
        let th = therapist_of(&t, &at)?;
        if out.iter().any(|o| o.id == th.id) {
            return Err(at(
                t.id.span(),
                "id",
                &th.id,
                "duplicate therapist id".into(),
            ));
        }
        out.push(th);
    }
    Ok(out)
}

/// Reads one therapist object of a JSON problem, as a therapist file's table is read; an
/// error names the key (`lunch.window`), or none for a value of the wrong shape.
pub(crate) fn read_therapist_object(
    name: &str,
    object: &Map<String, Value>,
) -> Result<Therapist, InputError> {
    // A null is a key not given (as in TOML, which has none); read in place, not copied.
    let given = object
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.as_str(), v));
    let doc =
        TherapistDoc::<Json>::deserialize(MapDeserializer::<_, serde_json::Error>::new(given))
            .map_err(|e| InputError::file(name, e.to_string()))?;
    therapist_of(&doc, &|_, key: &str, value: &str, message| InputError {
        field: Some(key.to_string()),
        value: Some(value.to_string()),
        ..InputError::file(name, message)
    })
}

/// Makes the error for a value: `at(span, key, value, message)`.
type ErrorAt<'a> = &'a dyn Fn(Range<usize>, &str, &str, String) -> InputError;

/// The therapist a table or object describes.
fn therapist_of<O: Origin>(t: &TherapistDoc<O>, at: ErrorAt) -> Result<Therapist, InputError> {
    let id = t.id.get_ref().trim().to_string();
    if id.is_empty() {
        return Err(at(
            t.id.span(),
            "id",
            "",
            "every therapist needs an id".into(),
        ));
    }
    let point = |p: &O::At<PointDoc>, key: &str| -> Result<Location, InputError> {
        let v = p.get_ref();
        if !(v.lat.is_finite() && v.lat.abs() <= 90.0 && v.lon.is_finite() && v.lon.abs() <= 180.0)
        {
            return Err(at(
                p.span(),
                key,
                &format!("{}, {}", v.lat, v.lon),
                "expected lat -90 to 90 and lon -180 to 180 (WGS84 degrees)".into(),
            ));
        }
        Ok(Location {
            lat: v.lat,
            lon: v.lon,
        })
    };
    let home = point(&t.home, "home")?;
    let or_home = |p: &Option<O::At<PointDoc>>, key| p.as_ref().map_or(Ok(home), |p| point(p, key));
    let (start, end) = (or_home(&t.start, "start")?, or_home(&t.end, "end")?);
    let shift = match &t.shift {
        None => TimeWindow::new(Seconds::hm(8, 30), Seconds::hm(18, 0)).expect("valid default"),
        Some(s) => {
            let w = parse_window(s.get_ref()).map_err(|m| at(s.span(), "shift", s.get_ref(), m))?;
            if w.end - w.start < Seconds::from_minutes(MIN_SHIFT_MIN) {
                return Err(at(
                    s.span(),
                    "shift",
                    s.get_ref(),
                    format!("a shift this short cannot hold a visit; expected at least {MIN_SHIFT_MIN} minutes from leaving to coming back"),
                ));
            }
            w
        }
    };
    let minutes = |v: &Option<O::At<i64>>,
                   key: &str,
                   min: i64,
                   max: i64|
     -> Result<Option<i64>, InputError> {
        match v {
            None => Ok(None),
            Some(s) if (min..=max).contains(s.get_ref()) => Ok(Some(*s.get_ref())),
            Some(s) => Err(at(
                s.span(),
                key,
                &s.get_ref().to_string(),
                format!("expected a whole number from {min} to {max}"),
            )),
        }
    };
    let lunch = match &t.lunch {
        // The default lunch applies where it fits the shift (an evening shift has none).
        None => Some(Lunch {
            window: TimeWindow::new(Seconds::hm(11, 30), Seconds::hm(14, 0))
                .expect("valid default"),
            duration: Seconds::from_minutes(30),
        })
        .filter(|l| fits_in(l, shift)),
        Some(l) => {
            let mins = minutes(&l.minutes, "lunch.minutes", 0, 240)?.unwrap_or(30);
            let window = match &l.window {
                None => {
                    TimeWindow::new(Seconds::hm(11, 30), Seconds::hm(14, 0)).expect("valid default")
                }
                Some(w) => parse_window(w.get_ref())
                    .map_err(|m| at(w.span(), "lunch.window", w.get_ref(), m))?,
            };
            if mins > 0 && window.end - window.start < Seconds::from_minutes(mins) {
                let span = l.window.as_ref().map_or(t.id.span(), |w| w.span());
                return Err(at(
                    span,
                    "lunch.window",
                    &window.text(),
                    format!("is shorter than the {mins}-minute lunch"),
                ));
            }
            let lunch = Lunch {
                window,
                duration: Seconds::from_minutes(mins),
            };
            if mins > 0 && !fits_in(&lunch, shift) {
                let span = l.window.as_ref().map_or(t.id.span(), |w| w.span());
                return Err(at(
                    span,
                    "lunch.window",
                    &window.text(),
                    format!(
                        "a {mins}-minute lunch in this window cannot fall inside the shift {}; expected a window that overlaps the shift by at least the lunch",
                        shift.text()
                    ),
                ));
            }
            (mins > 0).then_some(lunch)
        }
    };
    let days = match &t.days {
        None => ALL_DAYS.to_vec(),
        Some(d) => d
            .get_ref()
            .iter()
            .map(|s| {
                weekday(s).ok_or_else(|| {
                    at(
                        d.span(),
                        "days",
                        s,
                        "expected weekday names like \"mon\" or \"tuesday\"".into(),
                    )
                })
            })
            .collect::<Result<_, _>>()?,
    };
    let off = match &t.off {
        None => Vec::new(),
        Some(o) => o
            .get_ref()
            .iter()
            .map(|s| {
                chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .map_err(|_| at(o.span(), "off", s, "expected dates YYYY-MM-DD".into()))
            })
            .collect::<Result<_, _>>()?,
    };
    let areas = match &t.areas {
        None => None,
        Some(a) => Some(
            a.get_ref()
                .iter()
                .map(|d| {
                    let (name, days) = match d {
                        AreaDoc::Name(n) => (n, &[][..]),
                        AreaDoc::Days { name, days } => (name, &days[..]),
                    };
                    let days = days
                        .iter()
                        .map(|s| {
                            weekday(s).ok_or_else(|| {
                                at(
                                    a.span(),
                                    "areas",
                                    s,
                                    "expected weekday names like \"tue\"".into(),
                                )
                            })
                        })
                        .collect::<Result<_, _>>()?;
                    Ok(AreaRule {
                        area: name.trim().to_string(),
                        days,
                    })
                })
                .collect::<Result<Vec<_>, InputError>>()?,
        ),
    };
    let name = t.name.clone().filter(|n| !n.trim().is_empty());
    let mut th = Therapist::new(id, start, shift)
        .with_end(end)
        .with_setup_packup(
            Seconds::from_minutes(minutes(&t.setup_min, "setup_min", 0, 120)?.unwrap_or(10)),
            Seconds::from_minutes(minutes(&t.packup_min, "packup_min", 0, 120)?.unwrap_or(5)),
        )
        .with_skills(t.skills.iter().filter(|s| !s.trim().is_empty()))
        .with_days(days)
        .with_off(off);
    if let Some(name) = name {
        th.name = name;
    }
    th.lunch = lunch;
    // Zero would serve nobody: a day off is a day left out of `days`.
    th.max_visits = minutes(&t.max_visits, "max_visits", 1, 100)?.map(|v| v as u32);
    th.max_hands_on =
        minutes(&t.max_hands_on_min, "max_hands_on_min", 1, 1440)?.map(Seconds::from_minutes);
    th.areas = areas;
    th.max_heavy = minutes(&t.max_heavy_per_day, "max_heavy_per_day", 0, 50)?.map(|v| v as u32);
    th.min_rest = minutes(&t.min_rest_min, "min_rest_min", 0, 240)?.map(Seconds::from_minutes);
    let run_break = minutes(&t.run_break_min, "run_break_min", 1, 240)?;
    th.max_run = match minutes(&t.max_hands_on_run_min, "max_hands_on_run_min", 15, 1440)? {
        Some(max) => Some(HandsOnRun {
            max: Seconds::from_minutes(max),
            rest: Seconds::from_minutes(run_break.unwrap_or(30)),
        }),
        None if run_break.is_some() => {
            let s = t.run_break_min.as_ref().map_or(0..0, |s| s.span());
            return Err(at(
                s,
                "run_break_min",
                &run_break.unwrap_or(0).to_string(),
                "a break ends a run of hands-on work: give max_hands_on_run_min too".into(),
            ));
        }
        None => None,
    };
    th.max_drive = minutes(&t.max_drive_min, "max_drive_min", 1, 1440)?.map(Seconds::from_minutes);
    Ok(th)
}

/// The shortest shift accepted, minutes.
const MIN_SHIFT_MIN: i64 = 15;

/// Whether `lunch` can be taken wholly inside `shift`.
fn fits_in(lunch: &Lunch, shift: TimeWindow) -> bool {
    let from = lunch.window.start.max(shift.start);
    let to = lunch.window.end.min(shift.end);
    to - from >= lunch.duration
}

use housecall_core::WEEK as ALL_DAYS;

pub(crate) fn weekday(s: &str) -> Option<Weekday> {
    let s = s.trim().to_ascii_lowercase();
    ALL_DAYS.into_iter().find(|d| {
        let full = match d {
            Weekday::Mon => "monday",
            Weekday::Tue => "tuesday",
            Weekday::Wed => "wednesday",
            Weekday::Thu => "thursday",
            Weekday::Fri => "friday",
            Weekday::Sat => "saturday",
            Weekday::Sun => "sunday",
        };
        s == full || (s.len() >= 3 && full.starts_with(&s))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Vec<Therapist>, InputError> {
        parse_therapists("t.toml", s.as_bytes().to_vec())
    }

    #[test]
    fn defaults_fill_everything_but_id_and_home() {
        let t =
            &parse("[[therapist]]\nid = \"a\"\nhome = { lat = 43.7, lon = -79.7 }\n").unwrap()[0];
        assert_eq!(t.name, "a");
        assert_eq!(t.shift.text(), "08:30-18:00");
        assert_eq!(t.lunch.unwrap().duration, Seconds::from_minutes(30));
        assert_eq!(
            (t.setup, t.packup),
            (Seconds::from_minutes(10), Seconds::from_minutes(5))
        );
        assert_eq!(t.days.len(), 7);
        assert_eq!(t.start, t.end);
    }

    #[test]
    fn areas_by_name_or_with_days() {
        let t = &parse("[[therapist]]\nid = \"a\"\nhome = { lat = 43.7, lon = -79.7 }\nareas = [\"Brampton\", { name = \"Guelph\", days = [\"tue\"] }]\n").unwrap()[0];
        let areas = t.areas.as_ref().unwrap();
        assert_eq!(
            areas[0],
            AreaRule {
                area: "Brampton".into(),
                days: vec![]
            }
        );
        assert_eq!(
            areas[1],
            AreaRule {
                area: "Guelph".into(),
                days: vec![Weekday::Tue]
            }
        );
    }

    #[test]
    fn a_json_object_reads_as_the_same_table_does() {
        let toml = "[[therapist]]\nid = \"a\"\nname = \"Alex\"\nhome = { lat = 43.7, lon = -79.7 }\n\
            end = { lat = 43.6, lon = -79.6 }\nshift = \"09:00-17:00\"\n\
            lunch = { window = \"12:00-13:30\", minutes = 45 }\nsetup_min = 5\nmax_visits = 6\n\
            max_hands_on_run_min = 120\nskills = [\"cupping\"]\ndays = [\"mon\", \"tue\"]\n\
            off = [\"2026-12-01\"]\nareas = [\"Brampton\", { name = \"Guelph\", days = [\"tue\"] }]\n";
        let json: Map<String, Value> = serde_json::from_str(
            r#"{"id": "a", "name": "Alex", "home": {"lat": 43.7, "lon": -79.7},
                "end": {"lat": 43.6, "lon": -79.6}, "shift": "09:00-17:00",
                "lunch": {"window": "12:00-13:30", "minutes": 45}, "setup_min": 5,
                "max_visits": 6, "max_hands_on_run_min": 120, "skills": ["cupping"],
                "days": ["mon", "tue"], "off": ["2026-12-01"], "start": null,
                "areas": ["Brampton", {"name": "Guelph", "days": ["tue"]}]}"#,
        )
        .unwrap();
        assert_eq!(
            read_therapist_object("doc", &json).unwrap(),
            parse(toml).unwrap().remove(0)
        );
        let mut bad = json.clone();
        bad.insert("lunch".into(), serde_json::json!({"minutes": 300}));
        let e = read_therapist_object("doc", &bad).unwrap_err();
        assert_eq!(
            (e.field.as_deref(), e.value.as_deref(), e.line),
            (Some("lunch.minutes"), Some("300"), None)
        );
        bad.insert("colour".into(), "red".into());
        let e = read_therapist_object("doc", &bad).unwrap_err();
        assert!(e.message.contains("unknown field `colour`"), "{e}");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_located() {
        let e = parse(
            "[[therapist]]\nid = \"a\"\nhome = { lat = 43.7, lon = -79.7 }\ncolour = \"red\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.to_string().contains("unknown field `colour`"), "{e}");
        let e = parse("[[therapist]]\nid = \"a\"\nhome = { lat = 43.7, lon = -79.7 }\nshift = \"09:00-25:00\"\n").unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(e.to_string().contains("shift \"09:00-25:00\""), "{e}");
        let e = parse("[[therapist]]\nid = \"a\"\nhome = { lat = 43.7, lon = -79.7 }\ndays = [\"mon\", \"funday\"]\n").unwrap_err();
        assert!(e.to_string().contains("funday"), "{e}");
    }
}
