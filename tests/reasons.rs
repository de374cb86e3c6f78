//! Unassigned reasons name the real cause (skill vs area vs working day vs limit), and a
//! therapist file that cannot work is rejected when it is read (issue 8).

mod common;
use common::*;

/// Plans `bookings` with `therapists` (both written to scratch files), checks the plan, and
/// returns the unassigned entries as `(id, reason, detail)`.
fn unassigned(bookings: &str, therapists: &str) -> Vec<(String, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let b = write(dir.path(), "bookings.csv", bookings);
    let t = write(dir.path(), "team.toml", therapists);
    unassigned_of(&plan_and_check(dir.path(), &b, &t, &[]))
}

const OAKVILLE: &str = "43.4675,-79.6877";
const ORANGEVILLE: &str = "43.9199,-80.0943";

fn therapist(id: &str, extra: &str) -> String {
    format!("[[therapist]]\nid = \"{id}\"\nhome = {{ lat = 43.7521, lon = -79.7349 }}\n{extra}\n")
}

#[test]
fn skill_held_only_outside_the_area_is_not_called_a_missing_skill() {
    let team = therapist("ann", "areas = [\"Oakville\"]")
        + &therapist("ben", "areas = [\"Brampton\"]\nskills = [\"hydrotherapy\"]");
    let u = unassigned(
        &format!("id,lat,lon,treatment,skills,date\nh1,{OAKVILLE},Hydrotherapy Applications,hydrotherapy,2026-12-01\n"),
        &team,
    );
    assert_eq!(u.len(), 1);
    let (_, reason, detail) = &u[0];
    assert_eq!(reason, "no_eligible_therapist", "{detail}");
    assert!(
        detail.contains("ann lacks hydrotherapy") && detail.contains("ben does not serve Oakville"),
        "{detail}"
    );
    // Nobody with the skill at all: that is a missing skill.
    let u = unassigned(
        &format!("id,lat,lon,skills,date\nh1,{OAKVILLE},cupping,2026-12-01\n"),
        &team,
    );
    assert_eq!(u[0].1, "missing_skill", "{}", u[0].2);
}

#[test]
fn a_day_off_is_not_called_an_unserved_area() {
    // Serves Orangeville, but does not work Saturdays.
    let team = therapist(
        "ann",
        "days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]",
    );
    let u = unassigned(
        &format!("id,lat,lon,date\no1,{ORANGEVILLE},2026-12-05\n"),
        &team,
    );
    assert_eq!(u[0].1, "no_therapist_that_day", "{}", u[0].2);
    // Works Saturdays, serves Orangeville only on Tuesdays.
    let team = therapist(
        "ann",
        "areas = [\"Brampton\", { name = \"Orangeville\", days = [\"tue\"] }]",
    );
    let u = unassigned(
        &format!("id,lat,lon,date\no1,{ORANGEVILLE},2026-12-05\n"),
        &team,
    );
    assert_eq!(u[0].1, "area_not_served_that_day", "{}", u[0].2);
    assert!(u[0].2.contains("ann serves it on Tue only"), "{}", u[0].2);
    // Serves Orangeville on Saturdays but does not work them.
    let team = therapist("ann", "days = [\"mon\"]") + &therapist("ben", "areas = [\"Brampton\"]");
    let u = unassigned(
        &format!("id,lat,lon,date\no1,{ORANGEVILLE},2026-12-05\n"),
        &team,
    );
    assert_eq!(u[0].1, "area_not_served_that_day", "{}", u[0].2);
    assert!(
        u[0].2
            .contains("ann serves it but does not work on 2026-12-05"),
        "{}",
        u[0].2
    );
}

#[test]
fn limits_are_named() {
    let team = therapist("ann", "max_hands_on_min = 60");
    let u = unassigned("id,lat,lon,duration_min\nl1,43.7,-79.7,90\n", &team);
    assert_eq!(u[0].1, "exceeds_hands_on_limit", "{}", u[0].2);
}

/// Reasons carry the numbers (issue 12): the limit a booking would break, and the earliest
/// start against the window or the day's end against the shift.
#[test]
fn reasons_say_the_numbers() {
    let team = therapist("ann", "max_visits = 2");
    let rows = "id,lat,lon,date\na,43.70,-79.70,2026-12-01\nb,43.71,-79.71,2026-12-01\nc,43.72,-79.72,2026-12-01\n";
    let u = unassigned(rows, &team);
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].1, "day_full");
    assert!(
        u[0].2
            .contains("ann on 2026-12-01: would be visit 3, limit 2"),
        "{}",
        u[0].2
    );
    // Guelph from Springdale, Brampton, by 08:45: out of reach when leaving at 08:30.
    let u = unassigned(
        "id,lat,lon,window,date\ng,43.5448,-80.2482,08:30-08:45,2026-12-01\n",
        &team,
    );
    assert_eq!(u[0].1, "no_window_fits");
    assert!(
        u[0].2.contains("leaving at 08:30, the earliest start is")
            && u[0].2.contains("the last window closes at 08:45"),
        "{}",
        u[0].2
    );
    // A late start that cannot end before the shift does.
    let u = unassigned(
        "id,lat,lon,window,duration_min,date\nz,43.5448,-80.2482,17:30-17:45,60,2026-12-01\n",
        &team,
    );
    assert_eq!(u[0].1, "no_window_fits");
    assert!(
        u[0].2.contains("after the shift ends at 18:00"),
        "{}",
        u[0].2
    );
}

/// A therapist file that cannot work is rejected with its line, not planned into a day where
/// every booking "has no window".
#[test]
fn unworkable_therapist_files_are_rejected_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let b = write(dir.path(), "bookings.csv", "id,lat,lon\nb1,43.7,-79.7\n");
    for (extra, expect) in [
        ("max_visits = 0", "team.toml:4:14: max_visits \"0\" - expected a whole number from 1 to 100"),
        ("lunch = { window = \"19:00-20:00\", minutes = 30 }", "team.toml:4:20: lunch.window \"19:00-20:00\" - a 30-minute lunch in this window cannot fall inside the shift 08:30-18:00"),
        ("shift = \"09:00-09:00\"", "team.toml:4:9: shift \"09:00-09:00\" - a shift this short cannot hold a visit"),
    ] {
        let t = write(dir.path(), "team.toml", therapist("ann", extra));
        let r = housecall(&["plan", &b, "--therapists", &t]);
        assert_eq!(r.code, 2, "{extra}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(expect), "{extra}: expected {expect:?} in {}", r.stderr);
    }
    // An evening shift without a lunch key gets no lunch rather than an impossible one.
    let t = write(
        dir.path(),
        "team.toml",
        therapist("ann", "shift = \"16:00-22:00\""),
    );
    let r = housecall(&["plan", &b, "--therapists", &t]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 served"), "{}", r.stdout);
}
