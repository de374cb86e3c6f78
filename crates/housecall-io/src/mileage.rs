//! The mileage log for vehicle expenses: one CSV row per drive of the plan, with the booking
//! id as its purpose (never a client's name or address), then a total per therapist-day and
//! one for the whole plan. Distances are the plan's own metres, written as kilometres with
//! three decimals, so that every total is exact.

use housecall_core::{Metres, Plan};

/// The mileage log of `plan` as CSV: `date,therapist,from,to,purpose,km`. Places are `home`
/// (the start or end place) or a booking id.
///
/// ```
/// # use housecall_core::Plan;
/// let empty = Plan { itineraries: vec![], unassigned: vec![], proven_optimal: true };
/// assert_eq!(
///     housecall_io::write_mileage_csv(&empty),
///     "date,therapist,from,to,purpose,km\n,,,,total,0.000\n"
/// );
/// ```
pub fn write_mileage_csv(plan: &Plan) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let km = |m: Metres| format!("{}.{:03}", m.0 / 1000, m.0 % 1000);
    let _ = w.write_record(["date", "therapist", "from", "to", "purpose", "km"]);
    let mut all = Metres(0);
    for it in &plan.itineraries {
        let date = it.date.map_or(String::new(), |d| d.to_string());
        let mut from = "home".to_string();
        for v in it.visits() {
            let purpose = format!("visit {}", v.booking);
            let row = [
                &date,
                &it.therapist,
                &from,
                &v.booking,
                &purpose,
                &km(v.drive_distance),
            ];
            let _ = w.write_record(row);
            from = v.booking.clone();
        }
        let back = km(it.return_drive_distance);
        let _ = w.write_record([&date, &it.therapist, &from, "home", "return home", &back]);
        let day = it.drive_distance();
        all += day;
        let _ = w.write_record([&date, &it.therapist, "", "", "day total", &km(day)]);
    }
    let _ = w.write_record(["", "", "", "", "total", &km(all)]);
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
