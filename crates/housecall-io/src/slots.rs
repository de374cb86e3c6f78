//! Slot questions and answers: the requested visit as `key=value` pairs (the columns of the
//! bookings file), and the suggestions as a table or JSON.

use crate::bookings::{parse_bookings, Locator};
use crate::error::InputError;
use crate::Layout;
use chrono::NaiveDate;
use housecall_core::{Booking, Seconds, Slot, Slots};
use serde::Serialize;

/// The name errors in a request carry.
const REQUEST: &str = "--new";

/// Reads a requested visit written as the bookings file's columns, `key=value` separated by
/// commas: `id=N1,postal_code=L6P 2R1,treatment=Deep Tissue Massage,window=09:00-17:00`.
/// Every column of the bookings file is accepted (`window` may hold several windows
/// separated by `;`); errors name the field and value.
pub fn parse_request(spec: &str, locator: &dyn Locator) -> Result<Booking, InputError> {
    let mut keys = Vec::new();
    let mut values = Vec::new();
    for item in spec.split(',').filter(|i| !i.trim().is_empty()) {
        let Some((k, v)) = item.split_once('=') else {
            return Err(InputError::file(
                REQUEST,
                format!(
                    "{:?}: expected key=value, e.g. postal_code=L6P 2R1",
                    item.trim()
                ),
            ));
        };
        let k = k.trim().to_ascii_lowercase();
        if keys.contains(&k) {
            return Err(InputError {
                field: Some(k),
                ..InputError::file(REQUEST, "given twice")
            });
        }
        keys.push(k);
        values.push(v.trim().to_string());
    }
    if !keys.iter().any(|k| k == "id") {
        keys.push("id".into());
        values.push("new".into());
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let row = w.write_record(&keys).and_then(|_| w.write_record(&values));
    let bytes = row
        .map_err(|e| InputError::file(REQUEST, e.to_string()))
        .and_then(|_| {
            w.into_inner()
                .map_err(|e| InputError::file(REQUEST, e.to_string()))
        })?;
    let mut file = parse_bookings(REQUEST, bytes, locator).map_err(|e| InputError {
        // The request is one line: its line and column numbers would only confuse.
        line: None,
        column: None,
        also: Vec::new(),
        ..e
    })?;
    file.bookings.pop().ok_or_else(|| {
        InputError::file(
            REQUEST,
            "no visit given; expected e.g. postal_code=L6P 2R1,window=09:00-17:00",
        )
    })
}

#[derive(Serialize)]
struct SlotsDoc<'a> {
    request: &'a str,
    slots: Vec<SlotDoc<'a>>,
    none: Option<NoneDoc>,
}

#[derive(Serialize)]
struct SlotDoc<'a> {
    therapist: &'a str,
    date: Option<NaiveDate>,
    position: usize,
    start_s: i64,
    start: String,
    added_drive_s: i64,
    added_drive_m: i64,
    added_wait_s: i64,
    day_drive_s: i64,
    day_drive_m: i64,
    day_visits: usize,
    day_end_s: i64,
    day_end: String,
}

#[derive(Serialize)]
struct NoneDoc {
    reason: &'static str,
    detail: String,
}

/// The answer as JSON: `{"request", "slots": [...], "none": null | {"reason", "detail"}}`;
/// `_s` fields are seconds (clock times since midnight), `_m` metres, `position` the number of
/// planned visits before the new one.
pub fn write_slots_json(request: &Booking, answer: &Slots, layout: Layout) -> String {
    let doc = SlotsDoc {
        request: &request.id,
        slots: answer
            .slots
            .iter()
            .map(|s| SlotDoc {
                therapist: &s.therapist,
                date: s.date,
                position: s.position,
                start_s: s.start.0,
                start: s.start.to_string(),
                added_drive_s: s.added_drive.0,
                added_drive_m: s.added_distance.0,
                added_wait_s: s.added_waiting.0,
                day_drive_s: s.day_drive.0,
                day_drive_m: s.day_distance.0,
                day_visits: s.day_visits,
                day_end_s: s.day_end.0,
                day_end: s.day_end.to_string(),
            })
            .collect(),
        none: answer.none.as_ref().map(|(r, d)| NoneDoc {
            reason: r.code(),
            detail: d.clone(),
        }),
    };
    layout.write(&doc)
}

/// The answer as a table for people, best first.
pub fn write_slots_table(request: &Booking, answer: &Slots) -> String {
    let what = request.treatment.as_deref().unwrap_or("visit");
    let mut out = format!(
        "Slots for {} ({what}, {} min), best first:\n",
        request.id,
        request.session.round_minutes()
    );
    if let Some((reason, detail)) = &answer.none {
        out.push_str(&format!("  none: {reason}: {detail}\n"));
        return out;
    }
    out.push_str(
        "  #   therapist     date        start  place in day   added drive        wait    day: visits  drive        ends\n",
    );
    for (k, s) in answer.slots.iter().enumerate() {
        out.push_str(&format!(
            "  {:<3} {:<13} {:<11} {:<6} {:<14} {:<18} {:<7} {:<12} {:<12} {}\n",
            k + 1,
            s.therapist,
            s.date.map_or("-".into(), |d| d.to_string()),
            s.start,
            place(s),
            format!(
                "+{} min {:.1} km",
                s.added_drive.round_minutes(),
                s.added_distance.km()
            ),
            format!("{} min", s.added_waiting.round_minutes()),
            s.day_visits,
            s.day_drive.duration_text(),
            s.day_end,
        ));
    }
    out
}

fn place(s: &Slot) -> String {
    match s.position {
        0 => "first".into(),
        p => format!("after visit {p}"),
    }
}

/// Minutes of a `--step`, checked: 1 to 240.
pub fn parse_step(minutes: u32) -> Result<Seconds, InputError> {
    if (1..=240).contains(&minutes) {
        Ok(Seconds::from_minutes(minutes as i64))
    } else {
        Err(InputError {
            value: Some(minutes.to_string()),
            ..InputError::file("--step", "expected whole minutes from 1 to 240")
        })
    }
}
