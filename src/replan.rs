//! `housecall replan`, and the resume point `check` takes to validate a re-planned day.

use crate::input::{load, InputArgs, Loaded, RegionLocator};
use crate::{parse_point, read_plan, write_out, Failure, PlanSolveArgs};
use clap::ValueEnum;
use housecall_core::{Location, Plan, Problem, Resume, Seconds};
use housecall_io::Layout;

/// Where the day stands: what `replan` re-plans from, and what `check` validates from.
#[derive(clap::Args)]
pub(crate) struct ResumeArgs {
    /// The time of re-planning (HH:MM): visits that started before it stay as they were.
    #[arg(long, value_parser = crate::parse_clock)]
    now: Option<Seconds>,
    /// Where the therapist is at --now, when not at the last visit started: LAT,LON (one
    /// therapist working that day), or ID=LAT,LON.
    #[arg(long)]
    at: Vec<String>,
    /// A booking cancelled (id); may be repeated.
    #[arg(long)]
    cancel: Vec<String>,
    /// More bookings to fit into the rest of the day: a bookings CSV file.
    #[arg(long)]
    add: Option<String>,
}

impl ResumeArgs {
    /// The resume point, or `None` without --now (then the other flags are refused).
    pub(crate) fn resume(
        &self,
        loaded: &mut Loaded,
        plan: &Plan,
    ) -> Result<Option<Resume>, Failure> {
        let Some(now) = self.now else {
            if !self.at.is_empty() || !self.cancel.is_empty() || self.add.is_some() {
                return Err(Failure::Input(
                    "--at, --cancel and --add describe a re-planned day: give --now HH:MM too"
                        .into(),
                ));
            }
            return Ok(None);
        };
        let problem = &loaded.problem;
        let date = housecall_core::replan_day(problem, plan).ok_or_else(|| {
            Failure::Input(
                "the plan covers several days: give --date for the day to re-plan".into(),
            )
        })?;
        let mut resume = Resume::new(date, now);
        for a in &self.at {
            resume.at.push(position(problem, date, a)?);
        }
        resume.cancel = self.cancel.clone();
        if let Some(path) = &self.add {
            let more = housecall_io::read_bookings_file(path, &RegionLocator(&loaded.region))?;
            for w in &more.warnings {
                eprintln!("warning: {w}");
            }
            // The added bookings' extra columns (address) for the table and calendar.
            loaded.file.extras.extend(more.extras);
            resume.add = more.bookings;
        }
        Ok(Some(resume))
    }
}

/// `--at LAT,LON` (the one therapist working `date`) or `--at ID=LAT,LON`.
fn position(
    problem: &Problem,
    date: Option<chrono::NaiveDate>,
    at: &str,
) -> Result<(String, Location), Failure> {
    let (who, point) = match at.split_once('=') {
        Some((id, p)) => (id.trim().to_string(), p),
        None => {
            let working: Vec<&str> = problem
                .shifts
                .iter()
                .filter(|s| s.date == date)
                .map(|s| problem.therapists[s.therapist].id.as_str())
                .collect();
            match working.as_slice() {
                [one] => (one.to_string(), at),
                _ => {
                    return Err(Failure::Input(format!(
                        "--at {at}: {} therapists work that day; give ID=LAT,LON",
                        working.len()
                    )))
                }
            }
        }
    };
    let loc = parse_point(point).map_err(|e| Failure::Input(format!("--at: {e}")))?;
    Ok((who, loc))
}

/// Settings of `housecall replan`.
#[derive(clap::Args)]
pub(crate) struct ReplanArgs {
    /// Bookings CSV the plan was made from (or a JSON problem with --input json).
    bookings: String,
    /// The plan being followed (JSON, as `plan --format json` writes it).
    plan: String,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    resume: ResumeArgs,
    /// A visit in progress that runs long: ID=MINUTES; may be repeated.
    #[arg(long)]
    delay: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReplanFormat::Table)]
    format: ReplanFormat,
    /// Write the plan to this file instead of standard output.
    #[arg(long)]
    out: Option<String>,
    #[command(flatten)]
    solve: PlanSolveArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReplanFormat {
    /// The day as a table, after the list of changes.
    Table,
    /// The JSON plan with a `changes` list.
    Json,
    /// iCalendar: the re-planned day's events (SEQUENCE: the minute of --now, so that they
    /// supersede the morning's), and the visits it no longer has as CANCELLED events.
    Ics,
}

pub(crate) fn run(a: ReplanArgs) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    let mut loaded = load(&a.bookings, &a.input)?;
    let plan = read_plan(&a.plan)?;
    let mut resume = a
        .resume
        .resume(&mut loaded, &plan)?
        .ok_or_else(|| Failure::Input("replan needs --now HH:MM".into()))?;
    for d in &a.delay {
        let bad = || Failure::Input(format!("--delay {d}: expected ID=MINUTES, e.g. bm03=20"));
        let (id, min) = d.split_once('=').ok_or_else(bad)?;
        let min: i64 = min.trim().parse().map_err(|_| bad())?;
        if !(1..=600).contains(&min) {
            return Err(bad());
        }
        resume
            .delay
            .push((id.trim().to_string(), Seconds::from_minutes(min)));
    }
    let opts = a.solve.options(&loaded.options, started)?;
    let again = housecall_core::replan(
        &loaded.problem,
        loaded.model.as_ref(),
        &opts,
        &plan,
        &resume,
    )?;
    let violations = housecall_core::check_resumed(
        &loaded.problem,
        loaded.model.as_ref(),
        &again.plan,
        &resume,
    )?;
    if !violations.is_empty() {
        let list: Vec<String> = violations.iter().map(|v| format!("  {v}\n")).collect();
        return Err(Failure::Invalid(format!(
            "invalid re-plan (a solver bug):\n{}",
            list.concat()
        )));
    }
    let text = match a.format {
        ReplanFormat::Table => {
            let mut t = format!("Changes at {}:\n", resume.now);
            if again.changes.is_empty() {
                t.push_str("  none\n");
            }
            for c in &again.changes {
                t.push_str(&format!("  {c}\n"));
            }
            t.push('\n');
            t + &housecall_io::write_table(
                &again.problem,
                &again.plan,
                &housecall_io::place_labels(&again.problem, &loaded.file),
            )
        }
        ReplanFormat::Json => housecall_io::write_replan_json(
            &again.problem,
            &again.plan,
            &again.changes,
            Layout::Pretty,
        ),
        ReplanFormat::Ics => housecall_io::write_replan_ics(
            &again.problem,
            &again.plan,
            &plan,
            &loaded.file,
            (resume.now.0 / 60) as u32,
        )?,
    };
    write_out(a.out.as_deref(), &text)
}
