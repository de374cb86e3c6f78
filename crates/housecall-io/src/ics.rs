//! The plan as an iCalendar file (RFC 5545) for the therapist's phone: one event per visit
//! (the session, with client, treatment, place, the drive before it and the booking's notes),
//! one per drive and one for lunch. Times are local ("floating") clock times of the plan's
//! days. Every event has a stable UID made of the day and what it is
//! (`2026-12-01-visit-bm10@housecall`), so importing a re-planned day again updates its
//! events instead of doubling them.

use crate::bookings::BookingsFile;
use crate::error::InputError;
use crate::table::place_labels;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use housecall_core::{Metres, Plan, Problem, Seconds, Stop};
use icalendar::{Calendar, Component, Event, EventLike};

/// `plan` as iCalendar text; `file` gives each booking's address or place and notes. Every
/// itinerary must have a date (an undated plan cannot go on a calendar).
pub fn write_ics(
    problem: &Problem,
    plan: &Plan,
    file: &BookingsFile,
) -> Result<String, InputError> {
    Ok(calendar(problem, plan, file, 0)?.done().to_string())
}

/// A re-planned day as iCalendar: the events of `plan`, all with `SEQUENCE` `sequence` (e.g.
/// the minute of the day it was re-planned, so that a later re-plan supersedes an earlier one),
/// and every visit of `old` that `plan` no longer has as a `CANCELLED` event with its old UID
/// and times, so that importing the file removes it from the calendar instead of leaving it.
pub fn write_replan_ics(
    problem: &Problem,
    plan: &Plan,
    old: &Plan,
    file: &BookingsFile,
    sequence: u32,
) -> Result<String, InputError> {
    let mut cal = calendar(problem, plan, file, sequence)?;
    for it in &old.itineraries {
        let Some(date) = it.date else { continue };
        let mut leave = it.leave;
        for v in it.visits() {
            let still = plan
                .itineraries
                .iter()
                .any(|n| n.visits().any(|x| x.booking == v.booking));
            if !still {
                for (what, start, end) in [
                    (format!("drive-to-{}", v.booking), leave, v.arrival),
                    (format!("visit-{}", v.booking), v.start, v.end),
                ] {
                    cal.push(
                        Event::new()
                            .uid(&format!("{date}-{what}@housecall"))
                            .summary(&format!("Cancelled: booking {}", v.booking))
                            .status(icalendar::EventStatus::Cancelled)
                            .sequence(sequence)
                            .starts(clock(date, start))
                            .ends(clock(date, end))
                            .done(),
                    );
                }
            }
            leave = v.departure;
        }
    }
    Ok(cal.done().to_string())
}

fn calendar(
    problem: &Problem,
    plan: &Plan,
    file: &BookingsFile,
    sequence: u32,
) -> Result<Calendar, InputError> {
    let places = place_labels(problem, file);
    let booking = |id: &str| problem.booking_index(id);
    let mut cal = Calendar::new();
    cal.name("Housecall plan");
    for it in &plan.itineraries {
        let Some(date) = it.date else {
            return Err(InputError::file(
                "--format ics",
                "the plan has no date: give bookings a `date` or plan with --date YYYY-MM-DD",
            ));
        };
        let at = |t: Seconds| clock(date, t);
        let uid = |what: &str| format!("{date}-{what}@housecall");
        let therapist = problem
            .therapist_index(&it.therapist)
            .map(|t| &problem.therapists[t]);
        let mut leave = it.leave;
        for stop in &it.stops {
            match stop {
                Stop::Visit(v) => {
                    let b = booking(&v.booking);
                    let bk = b.map(|b| &problem.bookings[b]);
                    let client = bk
                        .map(|b| b.client.as_str())
                        .filter(|c| !c.is_empty())
                        .unwrap_or(&v.booking);
                    let treatment = bk.and_then(|b| b.treatment.as_deref()).unwrap_or("Visit");
                    let place = b.map_or("", |b| places[b].as_str());
                    let drive = drive_text(v.drive_time, v.drive_distance);
                    cal.push(
                        Event::new()
                            .uid(&uid(&format!("drive-to-{}", v.booking)))
                            .sequence(sequence)
                            .summary(&format!("Drive to {client} ({drive})"))
                            .starts(at(leave))
                            .ends(at(v.arrival))
                            .done(),
                    );
                    let setup_at = match (bk, therapist) {
                        (Some(bk), Some(t)) => v.start - bk.setup_for(t),
                        _ => v.start,
                    };
                    let mut description = format!(
                        "Booking {}. Arrive {} (drive {drive}), set up from {setup_at}, session {}-{}, leave {}.",
                        v.booking, v.arrival, v.start, v.end, v.departure
                    );
                    if let Some(notes) = b.and_then(|b| file.extra(b, "notes")) {
                        description.push_str(&format!("\nNotes: {notes}"));
                    }
                    cal.push(
                        Event::new()
                            .uid(&uid(&format!("visit-{}", v.booking)))
                            .sequence(sequence)
                            .summary(&format!("{treatment} - {client}"))
                            .location(place)
                            .description(&description)
                            .starts(at(v.start))
                            .ends(at(v.end))
                            .done(),
                    );
                    leave = v.departure;
                }
                Stop::Break(l) => {
                    cal.push(
                        Event::new()
                            .uid(&uid(&format!("lunch-{}", it.therapist)))
                            .sequence(sequence)
                            .summary("Lunch")
                            .starts(at(l.start))
                            .ends(at(l.end))
                            .done(),
                    );
                }
            }
        }
        let drive = drive_text(it.return_drive_time, it.return_drive_distance);
        cal.push(
            Event::new()
                .uid(&uid(&format!("drive-home-{}", it.therapist)))
                .sequence(sequence)
                .summary(&format!("Drive home ({drive})"))
                .starts(at(leave))
                .ends(at(it.back))
                .done(),
        );
    }
    Ok(cal)
}

/// The local date and time `t` seconds after midnight of `date` (past midnight goes on into
/// the next day).
fn clock(date: NaiveDate, t: Seconds) -> NaiveDateTime {
    date.and_time(chrono::NaiveTime::MIN) + TimeDelta::seconds(t.0)
}

fn drive_text(time: Seconds, distance: Metres) -> String {
    format!("{} min, {:.1} km", time.round_minutes(), distance.km())
}
