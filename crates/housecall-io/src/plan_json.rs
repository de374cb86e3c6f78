//! The JSON plan: what other tools and `housecall check` read. Integer `_s` fields (seconds
//! since local midnight, or durations in seconds) and `_m` fields (metres) are the truth;
//! the `HH:MM` strings beside them are for people.

use crate::error::InputError;
use crate::Layout;
use chrono::NaiveDate;
use housecall_core::{
    Break, BreakPlace, Itinerary, Metres, Plan, Problem, Reason, Seconds, Stop, Unassigned, Visit,
};
use serde::{Deserialize, Serialize};

/// The whole plan document.
#[derive(Serialize, Debug)]
pub struct PlanDoc {
    /// One route per therapist-day with at least one visit.
    pub routes: Vec<RouteDoc>,
    /// Bookings not served, with reasons.
    pub unassigned: Vec<UnassignedDoc>,
    /// Totals.
    pub summary: SummaryDoc,
}

/// One therapist's day.
#[derive(Serialize, Debug)]
pub struct RouteDoc {
    /// Therapist id.
    pub therapist: String,
    /// `YYYY-MM-DD`, or null for an undated plan.
    pub date: Option<NaiveDate>,
    /// Departure from the start place, seconds since midnight.
    pub leave_s: i64,
    /// The same as `HH:MM`.
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
    pub back: String,
    /// Total driving seconds, the drive home included.
    pub total_drive_s: i64,
    /// Total driving metres.
    pub total_drive_m: i64,
    /// Total session seconds.
    pub hands_on_s: i64,
    /// Total seconds waiting at doors.
    pub waiting_s: i64,
    /// Total free seconds between visits.
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
        client: String,
        /// The service area the client is in, if any.
        area: Option<String>,
        /// How the location was found: `coordinates`, `postal_code`, `fsa` or `place`.
        located_by: String,
        /// Arrival at the door, seconds since midnight.
        arrival_s: i64,
        /// `HH:MM`.
        arrival: String,
        /// Session start.
        start_s: i64,
        /// `HH:MM`.
        start: String,
        /// Session end.
        end_s: i64,
        /// `HH:MM`.
        end: String,
        /// Departure from the door.
        departure_s: i64,
        /// `HH:MM`.
        departure: String,
        /// Drive into this stop, seconds.
        drive_s: i64,
        /// Drive into this stop, metres.
        drive_m: i64,
        /// Seconds waiting at the door before set-up.
        wait_s: i64,
        /// Free seconds after pack-up (and lunch here) before leaving for the next place.
        free_after_s: i64,
    },
    /// The lunch break.
    Break {
        /// `start`, `end`, or `booking` (then `booking` names it).
        at: String,
        /// The booking at whose place lunch is taken.
        #[serde(skip_serializing_if = "Option::is_none")]
        booking: Option<String>,
        /// Start, seconds since midnight.
        start_s: i64,
        /// `HH:MM`.
        start: String,
        /// End, seconds since midnight.
        end_s: i64,
        /// `HH:MM`.
        end: String,
    },
}

/// A booking not served.
#[derive(Serialize, Debug)]
pub struct UnassignedDoc {
    /// Booking id.
    pub booking: String,
    /// Reason code, e.g. `day_full`.
    pub reason: String,
    /// The service area the booking is in, if any.
    pub area: Option<String>,
    /// How the location was found.
    pub located_by: String,
    /// A sentence for people.
    pub detail: String,
}

/// Totals of the plan.
#[derive(Serialize, Debug)]
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

/// The plan as JSON, in `layout`.
pub fn write_plan_json(problem: &Problem, plan: &Plan, layout: Layout) -> String {
    layout.write(&plan_doc(problem, plan))
}

/// A re-planned plan as JSON: the plan document with `changes`, one sentence per booking
/// whose place changed (`bm05: 14:00 -> 14:25 (maya)`, `bm07: cancelled`).
pub fn write_replan_json(
    problem: &Problem,
    plan: &Plan,
    changes: &[String],
    layout: Layout,
) -> String {
    let mut doc = serde_json::to_value(plan_doc(problem, plan)).unwrap_or_default();
    if let Some(map) = doc.as_object_mut() {
        map.insert("changes".into(), serde_json::json!(changes));
    }
    layout.write(&doc)
}

/// The latest clock time or longest duration a plan may hold, seconds (two days: plans count
/// on past midnight, `24:30`).
const MAX_S: i64 = 2 * 86_400;
/// The longest distance a plan may hold, metres (10,000 km).
const MAX_M: i64 = 10_000_000;

/// A plan document as read back (by `check`, re-planning and the service): what a [`Plan`]
/// holds, the ids and integer fields, each checked to be within range; the fields for people
/// (names, areas, `HH:MM` times, totals) are passed over unread.
///
/// ```
/// let text = r#"{"routes": [], "unassigned": [], "summary": {"proven_optimal": true}}"#;
/// let doc: housecall_io::PlanInput = serde_json::from_str(text).unwrap();
/// assert!(doc.into_plan("plan.json").unwrap().proven_optimal);
/// ```
#[derive(Deserialize, Debug)]
pub struct PlanInput {
    routes: Vec<RouteInput>,
    unassigned: Vec<UnassignedInput>,
    summary: SummaryInput,
}

#[derive(Deserialize, Debug)]
struct RouteInput {
    therapist: String,
    date: Option<NaiveDate>,
    leave_s: i64,
    stops: Vec<StopInput>,
    return_drive_s: i64,
    return_drive_m: i64,
    back_s: i64,
}

/// A visit's fields and a break's, as one object of either kind is read.
#[derive(Deserialize, Debug)]
struct StopInput {
    kind: Kind,
    booking: Option<String>,
    at: Option<String>,
    arrival_s: Option<i64>,
    start_s: Option<i64>,
    end_s: Option<i64>,
    departure_s: Option<i64>,
    drive_s: Option<i64>,
    drive_m: Option<i64>,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Visit,
    Break,
}

#[derive(Deserialize, Debug)]
struct UnassignedInput {
    booking: String,
    reason: String,
    #[serde(default)]
    detail: String,
}

#[derive(Deserialize, Debug)]
struct SummaryInput {
    proven_optimal: bool,
}

impl PlanInput {
    /// The plan, every integer the checker uses within range (so that its arithmetic cannot
    /// overflow) and every field a stop of its kind needs given; errors (all of them) name the
    /// field by its JSON path in the plan, and the file (or body) by `name`.
    pub fn into_plan(self, name: &str) -> Result<Plan, InputError> {
        let mut errors = Vec::new();
        // A value out of range or missing is kept as an error and read as 0; the path is
        // built only for a value at fault.
        let mut within = |path: &dyn Fn() -> String, v: Option<i64>, metres: bool| {
            let (max, unit) = if metres {
                (MAX_M, "metres")
            } else {
                (MAX_S, "seconds")
            };
            let fault = match v {
                Some(v) if (0..=max).contains(&v) => return v,
                Some(v) => InputError {
                    value: Some(v.to_string()),
                    ..InputError::file(name, format!("expected {unit} from 0 to {max}"))
                },
                None => InputError::file(name, format!("missing; expected {unit} from 0 to {max}")),
            };
            errors.push(InputError {
                field: Some(path()),
                ..fault
            });
            0
        };
        // The other faults (the closure above holds `errors` until the end).
        let mut more = Vec::new();
        let mut itineraries = Vec::with_capacity(self.routes.len());
        for (r, route) in self.routes.into_iter().enumerate() {
            let at = |f: &'static str| move || format!("routes[{r}].{f}");
            let leave = Seconds(within(&at("leave_s"), Some(route.leave_s), false));
            let return_drive_time = Seconds(within(
                &at("return_drive_s"),
                Some(route.return_drive_s),
                false,
            ));
            let return_drive_distance = Metres(within(
                &at("return_drive_m"),
                Some(route.return_drive_m),
                true,
            ));
            let back = Seconds(within(&at("back_s"), Some(route.back_s), false));
            let mut stops = Vec::with_capacity(route.stops.len());
            for (k, s) in route.stops.into_iter().enumerate() {
                let at = |f: &'static str| move || format!("routes[{r}].stops[{k}].{f}");
                let (start, end) = (
                    Seconds(within(&at("start_s"), s.start_s, false)),
                    Seconds(within(&at("end_s"), s.end_s, false)),
                );
                stops.push(match s.kind {
                    Kind::Visit => Stop::Visit(Visit {
                        arrival: Seconds(within(&at("arrival_s"), s.arrival_s, false)),
                        start,
                        end,
                        departure: Seconds(within(&at("departure_s"), s.departure_s, false)),
                        drive_time: Seconds(within(&at("drive_s"), s.drive_s, false)),
                        drive_distance: Metres(within(&at("drive_m"), s.drive_m, true)),
                        booking: s.booking.unwrap_or_else(|| {
                            more.push(InputError {
                                field: Some(at("booking")()),
                                ..InputError::file(name, "missing; expected the booking id")
                            });
                            String::new()
                        }),
                    }),
                    Kind::Break => {
                        let place = match (s.at.as_deref(), s.booking) {
                            (Some("start"), _) => BreakPlace::Start,
                            (Some("end"), _) => BreakPlace::End,
                            (Some("booking"), Some(b)) => BreakPlace::Booking(b),
                            (other, _) => {
                                more.push(InputError {
                                    field: Some(at("at")()),
                                    value: other.map(str::to_string),
                                    ..InputError::file(
                                        name,
                                        "expected \"start\", \"end\", or \"booking\" with a \"booking\" id",
                                    )
                                });
                                BreakPlace::Start
                            }
                        };
                        Stop::Break(Break { start, end, place })
                    }
                });
            }
            itineraries.push(Itinerary {
                therapist: route.therapist,
                date: route.date,
                leave,
                stops,
                return_drive_time,
                return_drive_distance,
                back,
            });
        }
        let mut unassigned = Vec::with_capacity(self.unassigned.len());
        for u in self.unassigned {
            match Reason::from_code(&u.reason) {
                Some(reason) => unassigned.push(Unassigned {
                    booking: u.booking,
                    reason,
                    detail: u.detail,
                }),
                None => {
                    let codes: Vec<&str> = Reason::ALL.iter().map(|r| r.code()).collect();
                    more.push(InputError::file(
                        name,
                        format!(
                            "unassigned {:?}: unknown reason {:?}; expected one of {}",
                            u.booking,
                            u.reason,
                            codes.join(", ")
                        ),
                    ));
                }
            }
        }
        errors.append(&mut more);
        InputError::all(errors).map_or(Ok(()), Err)?;
        Ok(Plan {
            itineraries,
            unassigned,
            proven_optimal: self.summary.proven_optimal,
        })
    }
}

/// Reads a JSON plan back (for `check`); see [`PlanInput`].
pub fn parse_plan_json(name: &str, text: &str) -> Result<Plan, InputError> {
    let doc: PlanInput = serde_json::from_str(text).map_err(|e| InputError {
        line: Some(e.line() as u64),
        column: Some(e.column() as u64),
        ..InputError::file(name, format!("not a Housecall plan: {e}"))
    })?;
    doc.into_plan(name)
}
