//! The travel matrix a plan uses, as CSV `from,to,depart_s,drive_s,drive_m`, so that any plan
//! can be verified outside the project.

use housecall_core::{Location, Problem, Seconds, TravelModel};

/// The named places of a problem: every therapist's start and end (`home:ID` when they are
/// the same place, else `start:ID` and `end:ID`), then every booking by id.
pub fn named_locations(problem: &Problem) -> Vec<(String, Location)> {
    let mut out = Vec::new();
    for t in &problem.therapists {
        if t.start == t.end {
            out.push((format!("home:{}", t.id), t.start));
        } else {
            out.push((format!("start:{}", t.id), t.start));
            out.push((format!("end:{}", t.id), t.end));
        }
    }
    out.extend(problem.bookings.iter().map(|b| (b.id.clone(), b.location)));
    out
}

/// Every ordered pair of different places: for each departure time bin of the model (between
/// bins, times are linear), or only for `depart` when given.
pub fn write_matrix_csv(
    problem: &Problem,
    model: &dyn TravelModel,
    depart: Option<Seconds>,
) -> String {
    let named = named_locations(problem);
    let locs: Vec<Location> = named.iter().map(|n| n.1).collect();
    let m = model.matrix(&locs);
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["from", "to", "depart_s", "drive_s", "drive_m"]);
    let departures = depart.map_or_else(|| m.bins().to_vec(), |d| vec![d]);
    for bin in departures {
        for (i, (from, _)) in named.iter().enumerate() {
            for (j, (to, _)) in named.iter().enumerate() {
                if i != j {
                    let d = m.drive(i, j, bin);
                    let _ = w.write_record([
                        from.as_str(),
                        to.as_str(),
                        &bin.0.to_string(),
                        &d.time.0.to_string(),
                        &d.distance.0.to_string(),
                    ]);
                }
            }
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
