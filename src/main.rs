//! `housecall`: plans the home visits of mobile therapists. This binary only parses
//! arguments and wires the crates together: `housecall-io` reads and writes, the region
//! crate supplies the travel model, `housecall-core` plans and checks.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
mod input;
mod progress;
mod replan;
mod serve;
mod slots;

use housecall_core::{
    check, solve, Location, Objective, Problem, ProblemError, Seconds, SolveOptions, TravelModel,
};
use housecall_io::{InputError, Layout};
use input::{load, region, InputArgs, Loaded};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// mimalloc rather than the system allocator: a slot request allocates and frees many small
/// pieces on several threads (glibc's malloc was an eighth of the service's CPU).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "housecall",
    version,
    about = "Plans the home visits of mobile therapists across the western GTA"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Plan the day(s): an itinerary per therapist and the bookings that cannot be served.
    Plan {
        /// Bookings CSV (see README: id, client, lat, lon, treatment, window, ...).
        bookings: String,
        #[command(flatten)]
        input: InputArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Write the plan to this file instead of standard output.
        #[arg(long)]
        out: Option<String>,
        #[command(flatten)]
        solve: PlanSolveArgs,
    },
    /// Suggest start times for one more visit: where it fits into the planned day(s), ranked
    /// by added driving, then waiting (confirmed visits keep their times, others stay in
    /// their windows).
    Slots(slots::SlotsArgs),
    /// Write a bookings file and a therapist file as one JSON problem document (for
    /// `--input json`, the HTTP service, or a booking system to fill in).
    Convert {
        /// Bookings CSV.
        bookings: String,
        /// Therapist file (TOML).
        #[arg(long)]
        therapists: String,
        /// The format to write.
        #[arg(long, value_enum, default_value_t = ConvertTo::Json)]
        to: ConvertTo,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<String>,
    },
    /// Re-plan the rest of a day: visits started by --now stay, the one in progress finishes
    /// (later with --delay), cancellations and --add bookings are taken in, and the rest is
    /// planned again from where each therapist is; prints what changed, then the day.
    Replan(replan::ReplanArgs),
    /// Serve the booking system's calls over HTTP: POST /v1/plan, /v1/slots, /v1/replan,
    /// /v1/check with JSON problems; GET /v1/health, /metrics (see README "HTTP service").
    Serve(serve::ServeArgs),
    /// Check a JSON plan against the bookings: exit 0 when valid, 1 when not, 2 on unusable input.
    Check {
        /// Bookings CSV the plan was made from.
        bookings: String,
        /// The plan, as written by `plan --format json`.
        plan: String,
        #[command(flatten)]
        input: InputArgs,
        /// For a re-planned plan: the arguments `replan` was given (--now, --at, --cancel,
        /// --add); the day is then checked from the resume point on.
        #[command(flatten)]
        resume: replan::ResumeArgs,
    },
    /// Solve a Solomon / Gehring-Homberger VRPTW instance; prints the solution in VRPLIB form.
    /// Every solution is checked by the project's checker first (exit 1 if it fails).
    Vrptw {
        /// Instance file in the original Solomon text format.
        instance: String,
        /// Arc rounding: DIMACS (floor(10 x euclid) / 10) or exact double precision.
        #[arg(long, value_enum, default_value_t = RoundingArg::Dimacs)]
        rounding: RoundingArg,
        #[command(flatten)]
        search: SearchArgs,
        /// Output: VRPLIB routes and cost, or the Housecall JSON plan (times in solver units:
        /// tenths with DIMACS rounding).
        #[arg(long, value_enum, default_value_t = VrptwFormat::Vrplib)]
        format: VrptwFormat,
    },
    /// Solve a TSPTW instance (López-Ibáñez matrix or Potvin-Bengio format); prints
    /// `Tour: 0 ... 0` and `Cost X` (travel time, waiting not counted), checked first.
    Tsptw {
        /// Instance file.
        instance: String,
        #[command(flatten)]
        search: SearchArgs,
    },
    /// Region data: build a region directory from OpenStreetMap.
    Region {
        #[command(subcommand)]
        action: RegionCommand,
    },
    /// List the service areas, or say which area a point is in.
    Areas {
        /// A point as LAT,LON (e.g. 43.685,-79.760).
        point: Option<String>,
        /// A region directory instead of the shipped western-GTA region.
        #[arg(long)]
        region: Option<String>,
    },
    /// Print the travel matrix the plan uses: CSV from,to,depart_s,drive_s,drive_m.
    Matrix {
        /// Bookings CSV.
        bookings: String,
        #[command(flatten)]
        input: InputArgs,
        /// Only for this departure time (HH:MM); by default for every time bin of the model.
        #[arg(long, value_parser = parse_clock)]
        depart: Option<Seconds>,
    },
}

/// Search settings of the planning commands. Each falls back to the JSON problem's
/// `options`, then to its default.
#[derive(clap::Args)]
struct PlanSolveArgs {
    /// Seed of the search; the same seed, threads and iterations give the same plan
    /// [default: 1].
    #[arg(long)]
    seed: Option<u64>,
    /// Seconds the whole command may take (reading, drive times, planning), a cap for very
    /// large inputs: a day of a few dozen bookings finishes in milliseconds, far below it.
    /// The first complete plan is always made. When the cap is reached, results may vary
    /// from run to run [default: 30].
    #[arg(long)]
    time_limit: Option<f64>,
    /// Parallel searches, which meet every 100 rounds to go on from the best plan [default: 2].
    #[arg(long)]
    threads: Option<usize>,
    /// Ruin-and-recreate rounds per search [default: 300].
    #[arg(long)]
    iterations: Option<usize>,
}

impl PlanSolveArgs {
    /// The solve options: these flags, else the document's options, else the defaults;
    /// the time limit counts from `started`.
    fn options(
        &self,
        doc: &housecall_io::OptionsDoc,
        started: std::time::Instant,
    ) -> Result<SolveOptions, Failure> {
        let d = SolveOptions::default();
        let limit = parse_time_limit(self.time_limit.or(doc.time_limit_s).unwrap_or(30.0))?;
        Ok(SolveOptions {
            seed: self.seed.or(doc.seed).unwrap_or(d.seed),
            threads: self.threads.or(doc.threads).unwrap_or(d.threads).max(1),
            iterations: self.iterations.or(doc.iterations).unwrap_or(d.iterations),
            // Reading the input counts against the limit too.
            time_limit: Some(limit.saturating_sub(started.elapsed())),
            ..d
        })
    }
}

/// Search settings of the benchmark commands.
#[derive(clap::Args)]
struct SearchArgs {
    /// Seconds of search (default 10 unless --iterations is given).
    #[arg(long)]
    time_limit: Option<f64>,
    /// Ruin-and-recreate rounds per search thread (deterministic for a seed and threads).
    #[arg(long)]
    iterations: Option<usize>,
    /// Parallel searches, which meet every 100 rounds to go on from the best plan.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Seed of the search.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Total distance (DIMACS convention: routes free up to the fleet), or the classic
    /// hierarchical convention: fewest vehicles first, then distance.
    #[arg(long, value_enum, default_value_t = ObjectiveArg::Distance)]
    objective: ObjectiveArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum ObjectiveArg {
    Distance,
    VehiclesThenDistance,
}

impl SearchArgs {
    /// The solve options: 10 s of search unless iterations are given.
    fn options(&self) -> Result<SolveOptions, Failure> {
        let time_limit = match (self.time_limit, self.iterations) {
            (Some(t), _) => Some(parse_time_limit(t)?),
            (None, Some(_)) => None,
            (None, None) => Some(Duration::from_secs(10)),
        };
        Ok(SolveOptions {
            seed: self.seed,
            threads: self.threads.max(1),
            iterations: self.iterations.unwrap_or(usize::MAX),
            time_limit,
            objective: match self.objective {
                ObjectiveArg::Distance => Objective::Travel,
                ObjectiveArg::VehiclesThenDistance => Objective::RoutesThenTravel,
            },
            ..SolveOptions::default()
        })
    }
}

/// The longest `--time-limit` accepted: a week.
const MAX_TIME_LIMIT_S: f64 = 7.0 * 86_400.0;

/// A `--time-limit` in seconds as a duration, or what was expected.
fn parse_time_limit(t: f64) -> Result<Duration, Failure> {
    if t.is_finite() && t > 0.0 && t <= MAX_TIME_LIMIT_S {
        Ok(Duration::from_secs_f64(t))
    } else {
        Err(Failure::Input(format!(
            "--time-limit {t}: expected a positive number of seconds, at most {MAX_TIME_LIMIT_S} (a week)"
        )))
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ConvertTo {
    /// A JSON problem document (README "JSON problems").
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoundingArg {
    Dimacs,
    Exact,
}

#[derive(Clone, Copy, ValueEnum)]
enum VrptwFormat {
    Vrplib,
    Json,
}

#[derive(Subcommand)]
enum RegionCommand {
    /// Build a road graph from an OpenStreetMap extract, for --region DIR.
    ImportOsm {
        /// The extract (.osm.pbf).
        file: String,
        /// The region directory to write (roads/nodes.csv, roads/edges.csv, README.md).
        #[arg(short, long)]
        out: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
    /// A mileage log for vehicle expenses: one row per drive, booking ids as purpose.
    Mileage,
    /// iCalendar (RFC 5545): visits, drives and lunch as events with stable UIDs.
    Ics,
    /// A self-contained SVG map: service areas, main roads, each route along the roads with
    /// numbered stops, and a timeline per therapist-day.
    Svg,
    /// The same geometry as GeoJSON: routes as LineStrings along the roads, stops as Points.
    Geojson,
}

fn parse_point(s: &str) -> Result<Location, String> {
    let bad = || format!("point {s:?}: expected LAT,LON in degrees, e.g. 43.685,-79.760");
    let (a, b) = s.split_once(',').ok_or_else(bad)?;
    let (lat, lon): (f64, f64) = (
        a.trim().parse().map_err(|_| bad())?,
        b.trim().parse().map_err(|_| bad())?,
    );
    if !(lat.abs() <= 90.0 && lon.abs() <= 180.0) {
        return Err(bad());
    }
    Ok(Location { lat, lon })
}

fn parse_clock(s: &str) -> Result<Seconds, String> {
    housecall_io::parse_clock(s)
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date; expected YYYY-MM-DD"))
}

/// What went wrong, and the exit code it earns.
pub(crate) enum Failure {
    Input(String),
    Invalid(String),
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure::Input(e.to_string())
    }
}

impl From<ProblemError> for Failure {
    fn from(e: ProblemError) -> Self {
        Failure::Input(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid(msg)) => {
            eprint!("{msg}");
            ExitCode::from(1)
        }
        Err(Failure::Input(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Solves and runs the project's checker; a plan that fails it is a solver bug, reported
/// with exit 1 rather than printed.
fn solve_checked(
    problem: &Problem,
    model: &dyn TravelModel,
    opts: SolveOptions,
) -> Result<housecall_core::Plan, Failure> {
    let plan = solve(problem, model, &opts)?;
    let violations = check(problem, model, &plan);
    if violations.is_empty() {
        return Ok(plan);
    }
    let list: Vec<String> = violations.iter().map(|v| format!("  {v}\n")).collect();
    Err(Failure::Invalid(format!(
        "invalid solution (a solver bug):\n{}",
        list.concat()
    )))
}

/// A benchmark solution must serve every customer: otherwise the customers left out are
/// listed with their reasons (exit 1), never a cost that silently skips them.
fn complete(plan: housecall_core::Plan, customers: usize) -> Result<housecall_core::Plan, Failure> {
    if plan.unassigned.is_empty() {
        return Ok(plan);
    }
    let mut msg = format!(
        "no complete solution: {} of {customers} customers cannot be served\n",
        plan.unassigned.len()
    );
    for u in &plan.unassigned {
        msg.push_str(&format!(
            "  {} {}: {}\n",
            u.booking,
            u.reason.code(),
            u.detail
        ));
    }
    Err(Failure::Invalid(msg))
}

/// Writes to standard output; a reader that closed the pipe early (`| head`) is not an error.
/// Writes `text` to the file `out`, or to standard output.
fn write_out(out: Option<&str>, text: &str) -> Result<(), Failure> {
    match out {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::Input(format!("{path}: cannot write: {e}"))),
        None => emit(text),
    }
}

/// Reads a JSON plan file.
fn read_plan(path: &str) -> Result<housecall_core::Plan, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Input(format!("{path}: cannot read: {e}")))?;
    Ok(housecall_io::parse_plan_json(path, &text)?)
}

fn emit(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Input(format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Plan {
            bookings,
            input,
            format,
            out,
            solve,
        } => {
            let started = std::time::Instant::now();
            let Loaded {
                problem,
                file,
                model,
                options,
                region,
                on_roads,
            } = load(&bookings, &input)?;
            let bar = progress::ProgressDisplay::on_terminal(started);
            let opts = SolveOptions {
                progress: bar.as_ref().map(progress::ProgressDisplay::hook),
                ..solve.options(&options, started)?
            };
            let plan = solve_checked(&problem, model.as_ref(), opts)?;
            if let Some(bar) = bar {
                bar.finish();
            }
            let text = match format {
                Format::Table => housecall_io::write_table(
                    &problem,
                    &plan,
                    &housecall_io::place_labels(&problem, &file),
                ),
                Format::Json => housecall_io::write_plan_json(&problem, &plan, Layout::Pretty),
                Format::Csv => housecall_io::write_plan_csv(&problem, &plan),
                Format::Mileage => housecall_io::write_mileage_csv(&plan),
                Format::Ics => housecall_io::write_ics(&problem, &plan, &file)?,
                Format::Svg | Format::Geojson => {
                    let roads = on_roads.then(|| region.road_model());
                    match format {
                        Format::Svg => {
                            housecall_region::plan_svg(&region, &problem, &plan, roads.as_ref())
                        }
                        _ => housecall_region::plan_geojson(&problem, &plan, roads.as_ref()),
                    }
                }
            };
            write_out(out.as_deref(), &text)
        }
        Command::Slots(args) => slots::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Replan(args) => replan::run(args),
        Command::Convert {
            bookings,
            therapists,
            to: ConvertTo::Json,
            out,
        } => {
            let text = housecall_io::files_to_problem_json(&bookings, &therapists)?;
            write_out(out.as_deref(), &text)
        }
        Command::Check {
            bookings,
            plan,
            input,
            resume,
        } => {
            let mut loaded = load(&bookings, &input)?;
            let parsed = read_plan(&plan)?;
            let resume = resume.resume(&mut loaded, &parsed)?;
            let model = loaded.model.as_ref();
            let violations = match resume {
                Some(r) => housecall_core::check_resumed(&loaded.problem, model, &parsed, &r)?,
                None => check(&loaded.problem, model, &parsed),
            };
            if violations.is_empty() {
                println!(
                    "valid: {} visits, {} unassigned, every booking accounted for",
                    parsed.served(),
                    parsed.unassigned.len()
                );
                Ok(())
            } else {
                let mut msg = format!("invalid: {} violation(s)\n", violations.len());
                for v in &violations {
                    msg.push_str(&format!("  {v}\n"));
                }
                Err(Failure::Invalid(msg))
            }
        }
        Command::Vrptw {
            instance,
            rounding,
            search,
            format,
        } => {
            let rounding = match rounding {
                RoundingArg::Dimacs => housecall_io::Rounding::Dimacs,
                RoundingArg::Exact => housecall_io::Rounding::Exact,
            };
            let inst = housecall_io::read_vrptw(&instance, rounding)?;
            let model = rounding.model();
            let plan = solve_checked(&inst.problem, &model, search.options()?)?;
            let plan = complete(plan, inst.problem.bookings.len())?;
            emit(&match format {
                VrptwFormat::Vrplib => inst.write_vrplib(&plan),
                VrptwFormat::Json => {
                    housecall_io::write_plan_json(&inst.problem, &plan, Layout::Pretty)
                }
            })
        }
        Command::Tsptw { instance, search } => {
            let inst = housecall_io::read_tsptw(&instance)?;
            let plan = solve_checked(&inst.problem, inst.model.as_model(), search.options()?)?;
            let plan = complete(plan, inst.problem.bookings.len())?;
            match inst.write_tour(&plan) {
                Some(text) => emit(&text),
                None => Err(Failure::Invalid(
                    "no feasible tour found: a node is not on the tour\n".into(),
                )),
            }
        }
        Command::Region {
            action: RegionCommand::ImportOsm { file, out },
        } => {
            let started = std::time::Instant::now();
            let fail = |e: housecall_region::RegionError| Failure::Input(e.to_string());
            let (graph, summary) = housecall_region::import_osm(Path::new(&file)).map_err(fail)?;
            housecall_region::write_region(&graph, Path::new(&out), &file).map_err(fail)?;
            emit(&format!(
                "{out}: {} nodes, {} edges ({} with maxspeed), largest connected part {} nodes ({:.0}%), in {:.2} s\n",
                summary.nodes,
                summary.edges,
                summary.with_maxspeed,
                summary.largest_component,
                100.0 * summary.largest_component as f64 / summary.nodes as f64,
                started.elapsed().as_secs_f64()
            ))
        }
        Command::Areas { point, region: dir } => {
            let region = region(dir.as_deref())?;
            let text = match point {
                None => region
                    .areas
                    .areas
                    .iter()
                    .map(|a| {
                        let note = if a.approximate {
                            "  (approximate boundary)"
                        } else {
                            ""
                        };
                        format!("{:<14} {:>6.0} km2{note}\n", a.name, a.km2())
                    })
                    .collect::<String>(),
                Some(p) => {
                    let loc = parse_point(&p).map_err(Failure::Input)?;
                    match region.areas.area_of(loc) {
                        Some(a) => format!("{a}\n"),
                        None => format!("outside the service areas ({}, {})\n", loc.lat, loc.lon),
                    }
                }
            };
            emit(&text)
        }
        Command::Matrix {
            bookings,
            input,
            depart,
        } => {
            let Loaded { problem, model, .. } = load(&bookings, &input)?;
            emit(&housecall_io::write_matrix_csv(
                &problem,
                model.as_ref(),
                depart,
            ))
        }
    }
}
