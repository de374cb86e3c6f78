//! The itinerary a therapist reads the evening before, as a plain-text table, and the same
//! plan as CSV rows for spreadsheets.

use housecall_core::{BreakPlace, Plan, Problem, Seconds, Stop};
use std::fmt::Write;

/// How to show a booking's place: an address column when the file has one, else coordinates.
pub fn place_labels(problem: &Problem, file: &crate::BookingsFile) -> Vec<String> {
    (0..problem.bookings.len())
        .map(|i| {
            file.extra(i, "address")
                .map(str::to_string)
                .unwrap_or_else(|| {
                    let l = problem.bookings[i].location;
                    format!("{:.4}, {:.4}", l.lat, l.lon)
                })
        })
        .collect()
}

/// A line for free time from `from` to `to`, when it is a minute or more.
fn free_line(o: &mut String, from: Seconds, to: Seconds) {
    if (to - from).round_minutes() > 0 {
        let _ = writeln!(
            o,
            "      {from}-{to}  free ({})",
            (to - from).duration_text()
        );
    }
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// The plan as a table for people. `places[i]` labels booking `i`.
pub fn write_table(problem: &Problem, plan: &Plan, places: &[String]) -> String {
    let mut o = String::new();
    let booking = |id: &str| problem.booking_index(id);
    let mut dates: Vec<_> = plan.itineraries.iter().filter_map(|it| it.date).collect();
    dates.dedup();
    let several_days = dates.len() > 1;
    let mut last_date = None;
    for it in &plan.itineraries {
        if several_days && it.date != last_date {
            if let Some(d) = it.date {
                let _ = writeln!(o, "=== {} ===\n", d.format("%A %Y-%m-%d"));
            }
            last_date = it.date;
        }
        let name = problem
            .therapist_index(&it.therapist)
            .map_or(it.therapist.clone(), |t| problem.therapists[t].name.clone());
        let day = it
            .date
            .map_or(String::new(), |d| format!(" - {}", d.format("%A %Y-%m-%d")));
        let _ = writeln!(o, "{name} ({}){day}", it.therapist);
        let _ = writeln!(o, "  {}  leave home", it.leave);
        let _ = writeln!(
            o,
            "  {:>2}  {:<6}  {:<11}  {:<20}  {:<26}  {:<22}  {:>15}  {:>6}",
            "#", "arrive", "session", "client", "place", "treatment", "drive", "wait"
        );
        let idle = it.idle(problem);
        let mut n = 0;
        let packup = problem
            .therapist_index(&it.therapist)
            .map_or(Seconds(0), |t| problem.therapists[t].packup);
        // Free time between pack-up and leaving, shown after the visit and around a lunch
        // taken at that place.
        let mut free: Option<(Seconds, Seconds)> = None;
        let mut last: Option<&str> = None;
        for stop in &it.stops {
            if let Some((from, to)) = free.take() {
                match stop {
                    Stop::Break(b) if matches!(&b.place, BreakPlace::Booking(id) if Some(id.as_str()) == last) =>
                    {
                        free_line(&mut o, from, b.start);
                        free = Some((b.end, to));
                    }
                    _ => free_line(&mut o, from, to),
                }
            }
            if let Stop::Visit(v) = stop {
                last = Some(&v.booking);
            }
            match stop {
                Stop::Visit(v) => {
                    let b = booking(&v.booking);
                    let bk = b.map(|b| &problem.bookings[b]);
                    let client = bk.map_or("", |b| b.client.as_str());
                    let client = if client.is_empty() {
                        v.booking.as_str()
                    } else {
                        client
                    };
                    let _ = writeln!(
                        o,
                        "  {:>2}  {:<6}  {}-{}  {:<20}  {:<26}  {:<22}  {:>15}  {:>6}",
                        n + 1,
                        v.arrival.to_string(),
                        v.start,
                        v.end,
                        cut(client, 20),
                        cut(b.map_or("", |b| places[b].as_str()), 26),
                        cut(bk.and_then(|b| b.treatment.as_deref()).unwrap_or(""), 22),
                        format!(
                            "{} min {:.1} km",
                            v.drive_time.round_minutes(),
                            v.drive_distance.km()
                        ),
                        format!("{} min", idle[n].at_door.round_minutes()),
                    );
                    free = Some((v.end + packup, v.departure));
                    n += 1;
                }
                Stop::Break(b) => {
                    let at = match &b.place {
                        BreakPlace::Start => "at home before leaving".to_string(),
                        BreakPlace::End => "at home".to_string(),
                        BreakPlace::Booking(id) => {
                            let who = booking(id)
                                .map(|i| problem.bookings[i].client.as_str())
                                .filter(|c| !c.is_empty())
                                .unwrap_or(id.as_str());
                            format!("at {who}'s")
                        }
                    };
                    let _ = writeln!(o, "      {}-{}  lunch {at}", b.start, b.end);
                }
            }
        }
        if let Some((from, to)) = free {
            free_line(&mut o, from, to);
        }
        let _ = writeln!(
            o,
            "  {}  home (drive {} min, {:.1} km)",
            it.back,
            it.return_drive_time.round_minutes(),
            it.return_drive_distance.km()
        );
        let waiting: Seconds = idle.iter().map(|i| i.at_door).sum();
        let spare: Seconds = idle.iter().map(|i| i.free_after).sum();
        let _ = writeln!(
            o,
            "  drive {}, {:.1} km | hands-on {} | waiting {} | free {} | day {}\n",
            it.drive_time().duration_text(),
            it.drive_distance().km(),
            it.hands_on().duration_text(),
            waiting.duration_text(),
            spare.duration_text(),
            it.day_length().duration_text()
        );
    }
    if several_days {
        let _ = writeln!(o, "Week");
        for d in &dates {
            let its: Vec<_> = plan
                .itineraries
                .iter()
                .filter(|it| it.date == Some(*d))
                .collect();
            let visits: usize = its.iter().map(|it| it.visits().count()).sum();
            let drive: Seconds = its.iter().map(|it| it.drive_time()).sum();
            let km: f64 = its.iter().map(|it| it.drive_distance().km()).sum();
            let hands: Seconds = its.iter().map(|it| it.hands_on()).sum();
            let _ = writeln!(
                o,
                "  {}  {:>2} visits  drive {:<12} {:>6.1} km  hands-on {}",
                d.format("%a %Y-%m-%d"),
                visits,
                drive.duration_text(),
                km,
                hands.duration_text()
            );
        }
        o.push('\n');
    }
    if !plan.unassigned.is_empty() {
        let _ = writeln!(o, "Unassigned ({})", plan.unassigned.len());
        for u in &plan.unassigned {
            let client = booking(&u.booking).map_or("", |b| problem.bookings[b].client.as_str());
            let _ = writeln!(
                o,
                "  {:<8} {:<20} {}: {}",
                u.booking,
                cut(client, 20),
                u.reason,
                u.detail
            );
        }
        o.push('\n');
    }
    let _ = writeln!(
        o,
        "Total: {} served, {} unassigned, drive {}, {:.1} km{}",
        plan.served(),
        plan.unassigned.len(),
        plan.drive_time().duration_text(),
        plan.drive_distance().km(),
        if plan.proven_optimal {
            ", proven optimal"
        } else {
            ""
        }
    );
    o
}

/// The plan as CSV: one row per visit, break and unassigned booking.
pub fn write_plan_csv(problem: &Problem, plan: &Plan) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let head = [
        "therapist",
        "date",
        "seq",
        "kind",
        "booking",
        "client",
        "arrival",
        "start",
        "end",
        "departure",
        "drive_min",
        "drive_km",
        "wait_min",
        "free_min",
        "note",
    ];
    let _ = w.write_record(head);
    for it in &plan.itineraries {
        let date = it.date.map_or(String::new(), |d| d.to_string());
        let idle = it.idle(problem);
        let mut n = 0;
        for stop in &it.stops {
            let row: Vec<String> = match stop {
                Stop::Visit(v) => {
                    n += 1;
                    let client = problem
                        .booking_index(&v.booking)
                        .map_or(String::new(), |b| problem.bookings[b].client.clone());
                    vec![
                        it.therapist.clone(),
                        date.clone(),
                        n.to_string(),
                        "visit".into(),
                        v.booking.clone(),
                        client,
                        v.arrival.clock(),
                        v.start.clock(),
                        v.end.clock(),
                        v.departure.clock(),
                        v.drive_time.round_minutes().to_string(),
                        format!("{:.1}", v.drive_distance.km()),
                        idle[n - 1].at_door.round_minutes().to_string(),
                        idle[n - 1].free_after.round_minutes().to_string(),
                        String::new(),
                    ]
                }
                Stop::Break(b) => {
                    let at = match &b.place {
                        BreakPlace::Start => "start".to_string(),
                        BreakPlace::End => "end".to_string(),
                        BreakPlace::Booking(id) => id.clone(),
                    };
                    vec![
                        it.therapist.clone(),
                        date.clone(),
                        String::new(),
                        "break".into(),
                        String::new(),
                        String::new(),
                        String::new(),
                        b.start.clock(),
                        b.end.clock(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        format!("lunch at {at}"),
                    ]
                }
            };
            let _ = w.write_record(row);
        }
    }
    for u in &plan.unassigned {
        let client = problem
            .booking_index(&u.booking)
            .map_or(String::new(), |b| problem.bookings[b].client.clone());
        let mut row = vec![String::new(); head.len()];
        row[3] = "unassigned".into();
        row[4] = u.booking.clone();
        row[5] = client;
        row[13] = format!("{}: {}", u.reason, u.detail);
        let _ = w.write_record(row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
