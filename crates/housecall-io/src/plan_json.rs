//! The JSON plan: what other tools and `housecall check` read. Integer `_s` fields (seconds
//! since local midnight, or durations in seconds) and `_m` fields (metres) are the truth;
//! the `HH:MM` strings beside them are for people.

use crate::error::InputError;
use chrono::NaiveDate;
use housecall_core::{
    Break, BreakPlace, Itinerary, Metres, Plan, Problem, Reason, Seconds, Stop, Unassigned, Visit,
};
use serde::{Deserialize, Serialize};

/// The whole plan document.
#[derive(Serialize, Deserialize, Debug)]
pub struct PlanDoc {
    /// One route per therapist-day with at least one visit.
    pub routes: Vec<RouteDoc>,
    /// Bookings not served, with reasons.
    pub unassigned: Vec<UnassignedDoc>,
    /// Totals.
    pub summary: SummaryDoc,
}

/// One therapist's day.
#[derive(Serialize, Deserialize, Debug)]
pub struct RouteDoc {
    /// Therapist id.
    pub therapist: String,
    /// `YYYY-MM-DD`, or null for an undated plan.
    pub date: Option<NaiveDate>,
    /// Departure from the start place, seconds since midnight.
    pub leave_s: i64,
    /// The same as `HH:MM`.
    #[serde(default)]
    pub leave: String,
    /// Visits and the lunch break, in time order.
    pub stops: Vec<StopDoc>,
    /// Drive from the last visit to the end place, seconds.
    pub return_drive_s: i64,
    /// Its length, metres.
    pub return_drive_m: i64,
    /// Arrival at the end place, seconds since midnight.
    pub back_s: i64,
    /// The same as `HH:MM`.
    #[serde(default)]
    pub back: String,
    /// Total driving seconds, the drive home included.
    #[serde(default)]
    pub total_drive_s: i64,
    /// Total driving metres.
    #[serde(default)]
    pub total_drive_m: i64,
    /// Total session seconds.
    #[serde(default)]
    pub hands_on_s: i64,
    /// Total seconds waiting at doors.
    #[serde(default)]
    pub waiting_s: i64,
    /// Total free seconds between visits.
    #[serde(default)]
    pub free_s: i64,
}

/// A visit (`"kind": "visit"`) or the lunch break (`"kind": "break"`).
#[derive(Serialize, Debug)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum StopDoc {
    /// A client visit.
    Visit {
        /// Booking id.
        booking: String,
        /// Client name, for display.
        #[serde(default)]
        client: String,
        /// The service area the client is in, if any.
        #[serde(default)]
        area: Option<String>,
        /// How the location was found: `coordinates`, `postal_code`, `fsa` or `place`.
        #[serde(default)]
        located_by: String,
        /// Arrival at the door, seconds since midnight.
        arrival_s: i64,
        /// `HH:MM`.
        #[serde(default)]
        arrival: String,
        /// Session start.
        start_s: i64,
        /// `HH:MM`.
        #[serde(default)]
        start: String,
        /// Session end.
        end_s: i64,
        /// `HH:MM`.
        #[serde(default)]
        end: String,
        /// Departure from the door.
        departure_s: i64,
        /// `HH:MM`.
        #[serde(default)]
        departure: String,
        /// Drive into this stop, seconds.
        drive_s: i64,
        /// Drive into this stop, metres.
        drive_m: i64,
        /// Seconds waiting at the door before set-up.
        #[serde(default)]
        wait_s: i64,
        /// Free seconds after pack-up (and lunch here) before leaving for the next place.
        #[serde(default)]
        free_after_s: i64,
    },
    /// The lunch break.
    Break {
        /// `start`, `end`, or `booking` (then `booking` names it).
        at: String,
        /// The booking at whose place lunch is taken.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        booking: Option<String>,
        /// Start, seconds since midnight.
        start_s: i64,
        /// `HH:MM`.
        #[serde(default)]
        start: String,
        /// End, seconds since midnight.
        end_s: i64,
        /// `HH:MM`.
        #[serde(default)]
        end: String,
    },
}

/// Read in one pass over the object, whatever the place of `kind` in it (serde's own
/// reading of a tagged enum first copies the whole object into a tree of its own: a quarter
/// of the time of reading a plan).
impl<'de> Deserialize<'de> for StopDoc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        /// The fields of both kinds.
        #[derive(Deserialize)]
        struct Either {
            kind: String,
            booking: Option<String>,
            #[serde(default)]
            client: String,
            #[serde(default)]
            area: Option<String>,
            #[serde(default)]
            located_by: String,
            at: Option<String>,
            arrival_s: Option<i64>,
            #[serde(default)]
            arrival: String,
            start_s: Option<i64>,
            #[serde(default)]
            start: String,
            end_s: Option<i64>,
            #[serde(default)]
            end: String,
            departure_s: Option<i64>,
            #[serde(default)]
            departure: String,
            drive_s: Option<i64>,
            drive_m: Option<i64>,
            #[serde(default)]
            wait_s: i64,
            #[serde(default)]
            free_after_s: i64,
        }
        let e = Either::deserialize(d)?;
        fn given<T, E: Error>(v: Option<T>, field: &'static str) -> Result<T, E> {
            v.ok_or_else(|| E::missing_field(field))
        }
        match e.kind.as_str() {
            "visit" => Ok(StopDoc::Visit {
                booking: given(e.booking, "booking")?,
                client: e.client,
                area: e.area,
                located_by: e.located_by,
                arrival_s: given(e.arrival_s, "arrival_s")?,
                arrival: e.arrival,
                start_s: given(e.start_s, "start_s")?,
                start: e.start,
                end_s: given(e.end_s, "end_s")?,
                end: e.end,
                departure_s: given(e.departure_s, "departure_s")?,
                departure: e.departure,
                drive_s: given(e.drive_s, "drive_s")?,
                drive_m: given(e.drive_m, "drive_m")?,
                wait_s: e.wait_s,
                free_after_s: e.free_after_s,
            }),
            "break" => Ok(StopDoc::Break {
                at: given(e.at, "at")?,
                booking: e.booking,
                start_s: given(e.start_s, "start_s")?,
                start: e.start,
                end_s: given(e.end_s, "end_s")?,
                end: e.end,
            }),
            other => Err(D::Error::unknown_variant(other, &["visit", "break"])),
        }
    }
}

/// A booking not served.
#[derive(Serialize, Deserialize, Debug)]
pub struct UnassignedDoc {
    /// Booking id.
    pub booking: String,
    /// Reason code, e.g. `day_full`.
    pub reason: String,
    /// The service area the booking is in, if any.
    #[serde(default)]
    pub area: Option<String>,
    /// How the location was found.
    #[serde(default)]
    pub located_by: String,
    /// A sentence for people.
    #[serde(default)]
    pub detail: String,
}

/// Totals of the plan.
#[derive(Serialize, Deserialize, Debug)]
pub struct SummaryDoc {
    /// Bookings served.
    pub served: usize,
    /// Bookings not served.
    pub unassigned: usize,
    /// Driving seconds over all routes.
    pub total_drive_s: i64,
    /// Driving metres over all routes.
    pub total_drive_m: i64,
    /// Whether the plan is proven optimal (most priority served, then least driving).
    pub proven_optimal: bool,
}

/// The JSON document for `plan`.
pub fn plan_doc(problem: &Problem, plan: &Plan) -> PlanDoc {
    let booking = |id: &str| problem.booking_index(id).map(|b| &problem.bookings[b]);
    let client = |id: &str| booking(id).map_or(String::new(), |b| b.client.clone());
    let area = |id: &str| booking(id).and_then(|b| b.area.clone());
    let located_by = |id: &str| booking(id).map_or("", |b| b.precision.code()).to_string();
    let routes = plan
        .itineraries
        .iter()
        .map(|it| {
            let idle = it.idle(problem);
            let mut wi = idle.iter();
            let stops = it
                .stops
                .iter()
                .map(|s| match s {
                    Stop::Visit(v) => {
                        let idle = wi.next().copied().unwrap_or_default();
                        StopDoc::Visit {
                            booking: v.booking.clone(),
                            client: client(&v.booking),
                            area: area(&v.booking),
                            located_by: located_by(&v.booking),
                            arrival_s: v.arrival.0,
                            arrival: v.arrival.clock(),
                            start_s: v.start.0,
                            start: v.start.clock(),
                            end_s: v.end.0,
                            end: v.end.clock(),
                            departure_s: v.departure.0,
                            departure: v.departure.clock(),
                            drive_s: v.drive_time.0,
                            drive_m: v.drive_distance.0,
                            wait_s: idle.at_door.0,
                            free_after_s: idle.free_after.0,
                        }
                    }
                    Stop::Break(b) => {
                        let (at, booking) = match &b.place {
                            BreakPlace::Start => ("start", None),
                            BreakPlace::End => ("end", None),
                            BreakPlace::Booking(id) => ("booking", Some(id.clone())),
                        };
                        StopDoc::Break {
                            at: at.into(),
                            booking,
                            start_s: b.start.0,
                            start: b.start.clock(),
                            end_s: b.end.0,
                            end: b.end.clock(),
                        }
                    }
                })
                .collect();
            RouteDoc {
                therapist: it.therapist.clone(),
                date: it.date,
                leave_s: it.leave.0,
                leave: it.leave.clock(),
                stops,
                return_drive_s: it.return_drive_time.0,
                return_drive_m: it.return_drive_distance.0,
                back_s: it.back.0,
                back: it.back.clock(),
                total_drive_s: it.drive_time().0,
                total_drive_m: it.drive_distance().0,
                hands_on_s: it.hands_on().0,
                waiting_s: idle.iter().map(|w| w.at_door.0).sum(),
                free_s: idle.iter().map(|w| w.free_after.0).sum(),
            }
        })
        .collect();
    PlanDoc {
        routes,
        unassigned: plan
            .unassigned
            .iter()
            .map(|u| UnassignedDoc {
                booking: u.booking.clone(),
                reason: u.reason.code().into(),
                area: area(&u.booking),
                located_by: located_by(&u.booking),
                detail: u.detail.clone(),
            })
            .collect(),
        summary: SummaryDoc {
            served: plan.served(),
            unassigned: plan.unassigned.len(),
            total_drive_s: plan.drive_time().0,
            total_drive_m: plan.drive_distance().0,
            proven_optimal: plan.proven_optimal,
        },
    }
}

/// The plan as pretty JSON.
pub fn write_plan_json(problem: &Problem, plan: &Plan) -> String {
    serde_json::to_string_pretty(&plan_doc(problem, plan)).expect("plan documents always serialise")
        + "\n"
}

/// A re-planned plan as JSON: the plan document with `changes`, one sentence per booking
/// whose place changed (`bm05: 14:00 -> 14:25 (maya)`, `bm07: cancelled`).
pub fn write_replan_json(problem: &Problem, plan: &Plan, changes: &[String]) -> String {
    let mut doc = serde_json::to_value(plan_doc(problem, plan)).unwrap_or_default();
    if let Some(map) = doc.as_object_mut() {
        map.insert("changes".into(), serde_json::json!(changes));
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default()
        + "
"
}

/// The latest clock time or longest duration a plan may hold, seconds (two days: plans count
/// on past midnight, `24:30`).
const MAX_S: i64 = 2 * 86_400;
/// The longest distance a plan may hold, metres (10,000 km).
const MAX_M: i64 = 10_000_000;

/// Every integer the checker uses within range, so that its arithmetic cannot overflow; the
/// error names the field by its JSON path.
fn check_ranges(name: &str, doc: &PlanDoc) -> Result<(), InputError> {
    let mut errors = Vec::new();
    // The path is built only for a value out of range.
    let mut within = |path: &dyn Fn() -> String, v: i64, max: i64, unit: &str| {
        if !(0..=max).contains(&v) {
            errors.push(InputError {
                field: Some(path()),
                value: Some(v.to_string()),
                ..InputError::file(name, format!("expected {unit} from 0 to {max}"))
            });
        }
    };
    for (r, route) in doc.routes.iter().enumerate() {
        let at = |f: &'static str| move || format!("routes[{r}].{f}");
        within(&at("leave_s"), route.leave_s, MAX_S, "seconds");
        within(
            &at("return_drive_s"),
            route.return_drive_s,
            MAX_S,
            "seconds",
        );
        within(&at("return_drive_m"), route.return_drive_m, MAX_M, "metres");
        within(&at("back_s"), route.back_s, MAX_S, "seconds");
        for (k, stop) in route.stops.iter().enumerate() {
            let at = |f: &'static str| move || format!("routes[{r}].stops[{k}].{f}");
            match stop {
                StopDoc::Visit {
                    arrival_s,
                    start_s,
                    end_s,
                    departure_s,
                    drive_s,
                    drive_m,
                    ..
                } => {
                    for (f, v) in [
                        ("arrival_s", arrival_s),
                        ("start_s", start_s),
                        ("end_s", end_s),
                        ("departure_s", departure_s),
                        ("drive_s", drive_s),
                    ] {
                        within(&at(f), *v, MAX_S, "seconds");
                    }
                    within(&at("drive_m"), *drive_m, MAX_M, "metres");
                }
                StopDoc::Break { start_s, end_s, .. } => {
                    within(&at("start_s"), *start_s, MAX_S, "seconds");
                    within(&at("end_s"), *end_s, MAX_S, "seconds");
                }
            }
        }
    }
    InputError::all(errors).map_or(Ok(()), Err)
}

/// Reads a JSON plan back (for `check`); only the integer fields are used.
pub fn parse_plan_json(name: &str, text: &str) -> Result<Plan, InputError> {
    let doc: PlanDoc = serde_json::from_str(text).map_err(|e| InputError {
        line: Some(e.line() as u64),
        column: Some(e.column() as u64),
        ..InputError::file(name, format!("not a Housecall plan: {e}"))
    })?;
    check_ranges(name, &doc)?;
    let itineraries = doc
        .routes
        .into_iter()
        .map(|r| {
            let stops = r
                .stops
                .into_iter()
                .map(|s| match s {
                    StopDoc::Visit { booking, arrival_s, start_s, end_s, departure_s, drive_s, drive_m, .. } => Ok(Stop::Visit(Visit {
                        booking,
                        arrival: Seconds(arrival_s),
                        start: Seconds(start_s),
                        end: Seconds(end_s),
                        departure: Seconds(departure_s),
                        drive_time: Seconds(drive_s),
                        drive_distance: Metres(drive_m),
                    })),
                    StopDoc::Break { at, booking, start_s, end_s, .. } => {
                        let place = match (at.as_str(), booking) {
                            ("start", _) => BreakPlace::Start,
                            ("end", _) => BreakPlace::End,
                            ("booking", Some(b)) => BreakPlace::Booking(b),
                            (other, _) => {
                                return Err(InputError::file(
                                    name,
                                    format!("break \"at\": {other:?} - expected \"start\", \"end\", or \"booking\" with a \"booking\" id"),
                                ))
                            }
                        };
                        Ok(Stop::Break(Break { start: Seconds(start_s), end: Seconds(end_s), place }))
                    }
                })
                .collect::<Result<_, _>>()?;
            Ok(Itinerary {
                therapist: r.therapist,
                date: r.date,
                leave: Seconds(r.leave_s),
                stops,
                return_drive_time: Seconds(r.return_drive_s),
                return_drive_distance: Metres(r.return_drive_m),
                back: Seconds(r.back_s),
            })
        })
        .collect::<Result<_, InputError>>()?;
    let unassigned = doc
        .unassigned
        .into_iter()
        .map(|u| {
            let reason = Reason::from_code(&u.reason).ok_or_else(|| {
                let codes: Vec<&str> = Reason::ALL.iter().map(|r| r.code()).collect();
                InputError::file(
                    name,
                    format!(
                        "unassigned {:?}: unknown reason {:?}; expected one of {}",
                        u.booking,
                        u.reason,
                        codes.join(", ")
                    ),
                )
            })?;
            Ok(Unassigned {
                booking: u.booking,
                reason,
                detail: u.detail,
            })
        })
        .collect::<Result<_, InputError>>()?;
    Ok(Plan {
        itineraries,
        unassigned,
        proven_optimal: doc.summary.proven_optimal,
    })
}
