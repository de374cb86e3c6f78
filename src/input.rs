//! Reading a problem: the bookings file, the therapist file, the region and the travel
//! model, as every command that plans or checks takes them.

use crate::Failure;
use chrono::NaiveDate;
use clap::ValueEnum;
use housecall_core::{AreaRule, Location, Precision, Problem, Therapist, TravelModel};
use housecall_io::{BookingsFile, ExternalMatrix, Locator, OptionsDoc};
use housecall_region::Region;
use std::path::Path;

#[derive(clap::Args)]
pub(crate) struct InputArgs {
    /// What the bookings argument is: a bookings CSV file (with --therapists), or a JSON
    /// problem document with bookings, therapists and options (a file, or - for standard
    /// input; see README "JSON problems").
    #[arg(long = "input", value_enum, default_value_t = InputFormat::Csv)]
    pub input_format: InputFormat,
    /// Therapist file (TOML); see data/examples/therapists.toml.
    #[arg(long)]
    pub therapists: Option<String>,
    /// Plan only this day (YYYY-MM-DD); bookings for other days are listed as unassigned.
    #[arg(long, value_parser = crate::parse_date, conflicts_with_all = ["from", "to"])]
    pub date: Option<NaiveDate>,
    /// Plan every day from this one (YYYY-MM-DD) to --to: bookings with a date stay on it,
    /// the others go on the best day their `days` and `date_range` allow.
    #[arg(long, value_parser = crate::parse_date, requires = "to")]
    pub from: Option<NaiveDate>,
    /// The last day planned, with --from (at most 62 days).
    #[arg(long, value_parser = crate::parse_date, requires = "from")]
    pub to: Option<NaiveDate>,
    /// Travel model: the region's road graph with rush hour (default), or the straight-line
    /// fallback.
    #[arg(long, value_enum)]
    pub travel: Option<Travel>,
    /// A region directory (roads/nodes.csv, roads/edges.csv, profiles.csv) instead of the
    /// shipped western-GTA region, e.g. one made by `region import-osm`.
    #[arg(long)]
    pub region: Option<String>,
    /// Drive times from a file (CSV from,to,drive_s,drive_m[,depart_s]) instead of a model,
    /// e.g. from OSRM or Valhalla; it must hold every pair `housecall matrix` lists.
    #[arg(long)]
    pub matrix: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum InputFormat {
    /// A bookings CSV file, with the therapists from --therapists.
    Csv,
    /// A JSON problem document.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Travel {
    /// Shortest paths over the road graph at the speeds of the departure time.
    Road,
    /// Great-circle distance x 1.3 at region-typical speeds (no rush hour).
    StraightLine,
}

pub(crate) fn region(dir: Option<&str>) -> Result<Region, Failure> {
    match dir {
        Some(dir) => Region::load(Path::new(dir)).map_err(|e| Failure::Input(e.to_string())),
        None => Ok(Region::western_gta()),
    }
}

/// The region as the bookings reader's locator.
pub(crate) struct RegionLocator<'a>(pub &'a Region);

impl Locator for RegionLocator<'_> {
    fn postal_code(&self, code: &str) -> Result<(Location, Precision), String> {
        self.0.gazetteer.postal_code(code)
    }
    fn place(&self, name: &str) -> Result<Location, String> {
        self.0.gazetteer.place(name)
    }
    fn area_of(&self, loc: Location) -> Option<String> {
        self.0.areas.area_of(loc).map(str::to_string)
    }
}

/// Therapists without an `areas` key serve every area of the region (when it has areas);
/// named areas must exist and are given their canonical spelling.
pub(crate) fn resolve_areas(
    file: &str,
    therapists: &mut [Therapist],
    region: &Region,
) -> Result<(), Failure> {
    if region.areas.areas.is_empty() {
        return Ok(());
    }
    for t in therapists {
        match &mut t.areas {
            None => {
                let all = region.areas.areas.iter().map(|a| AreaRule {
                    area: a.name.clone(),
                    days: vec![],
                });
                t.areas = Some(all.collect());
            }
            Some(rules) => {
                for r in rules {
                    let Some(a) = region.areas.find(&r.area) else {
                        let known: Vec<&str> =
                            region.areas.areas.iter().map(|a| a.name.as_str()).collect();
                        return Err(Failure::Input(format!(
                            "{file}: therapist {:?}: areas {:?} - not a service area of the region; expected one of: {}",
                            t.id,
                            r.area,
                            known.join(", ")
                        )));
                    };
                    r.area = a.name.clone();
                }
            }
        }
    }
    Ok(())
}

/// A problem as read: the bookings file, the travel model and the region it was read with,
/// and the options a JSON problem carried.
pub(crate) struct Loaded {
    pub problem: Problem,
    pub file: BookingsFile,
    pub model: Box<dyn TravelModel>,
    pub region: Region,
    pub options: OptionsDoc,
    /// Whether `model` is the region's road model (maps then draw drives along its roads).
    pub on_roads: bool,
}

/// Reads the bookings and therapists (two files, or one JSON problem) and builds the problem
/// and its travel model.
pub(crate) fn load(bookings: &str, input: &InputArgs) -> Result<Loaded, Failure> {
    let region = region(input.region.as_deref())?;
    let locator = RegionLocator(&region);
    let (file, mut therapists, options, therapists_file) = match input.input_format {
        InputFormat::Json => {
            if input.therapists.is_some() {
                return Err(Failure::Input(
                    "--therapists with --input json: the JSON problem holds the therapists".into(),
                ));
            }
            let text = read_text(bookings)?;
            let p = housecall_io::parse_problem_json(bookings, &text, &locator)?;
            (p.bookings, p.therapists, p.options, bookings)
        }
        InputFormat::Csv => {
            let therapists = input.therapists.as_deref().ok_or_else(|| {
                Failure::Input(
                    "no therapist file: give --therapists FILE with each therapist's home, shift and lunch \
                     (an example is data/examples/therapists.toml)"
                        .into(),
                )
            })?;
            let file = housecall_io::read_bookings_file(bookings, &locator)?;
            let team = housecall_io::read_therapists_file(therapists)?;
            (file, team, OptionsDoc::default(), therapists)
        }
    };
    resolve_areas(therapists_file, &mut therapists, &region)?;
    for w in &file.warnings {
        eprintln!("warning: {w}");
    }
    for (b, line) in file.bookings.iter().zip(&file.lines) {
        if input.region.is_none() && !housecall_region::in_region(b.location) {
            eprintln!(
                "warning: {bookings}:{line}: booking {:?} at {}, {} is far from the western GTA; are lat and lon swapped?",
                b.id, b.location.lat, b.location.lon
            );
        }
    }
    let problem = planned_days(
        Problem::new(file.bookings.clone(), therapists, None),
        input.date.or(options.date),
        input.from.or(options.from),
        input.to.or(options.to),
    )
    .map_err(|m| Failure::Input(format!("{bookings}: {m}")))?;
    let travel = travel_of(input.travel, &options)
        .map_err(|m| Failure::Input(format!("{bookings}: {m}")))?;
    let on_roads = input.matrix.is_none() && matches!(travel, Travel::Road);
    let model: Box<dyn TravelModel> = match (&input.matrix, travel) {
        (Some(path), _) => Box::new(ExternalMatrix::read(path, &problem)?),
        (None, Travel::Road) => Box::new(region.road_model()),
        (None, Travel::StraightLine) => Box::new(housecall_region::straight_line()),
    };
    Ok(Loaded {
        problem,
        file,
        model,
        region,
        options,
        on_roads,
    })
}

/// `problem` planned on `date`, or on every day from `from` to `to` (at most 62), or on the
/// days its bookings name; the flags or a JSON problem's options, for the CLI and the service.
pub(crate) fn planned_days(
    problem: Problem,
    date: Option<NaiveDate>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Problem, String> {
    match (date, from, to) {
        (None, None, None) => Ok(problem),
        (Some(d), None, None) => Ok(problem.with_days(vec![d])),
        (None, Some(first), Some(last)) => {
            let n = (last - first).num_days();
            if !(0..62).contains(&n) {
                return Err(format!(
                    "--from {first} --to {last}: expected a last day on or after the first, at most 62 days later"
                ));
            }
            Ok(problem.with_days(first.iter_days().take(n as usize + 1).collect()))
        }
        (Some(_), _, _) => Err("give a date, or from and to, not both".into()),
        _ => Err("options.from and options.to go together".into()),
    }
}

/// The travel model named by the flag, else by a JSON problem's options (road by default).
pub(crate) fn travel_of(flag: Option<Travel>, options: &OptionsDoc) -> Result<Travel, String> {
    match (flag, options.travel.as_deref()) {
        (Some(t), _) => Ok(t),
        (None, None | Some("road")) => Ok(Travel::Road),
        (None, Some("straight-line")) => Ok(Travel::StraightLine),
        (None, Some(other)) => Err(format!(
            "options.travel {other:?}: expected \"road\" or \"straight-line\""
        )),
    }
}

/// The text of a file, or of standard input for `-`.
pub(crate) fn read_text(path: &str) -> Result<String, Failure> {
    if path == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| Failure::Input(format!("standard input: cannot read: {e}")))?;
        Ok(text)
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::Input(format!("{path}: cannot read: {e}")))
    }
}
