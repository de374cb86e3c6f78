//! `housecall slots`: the start times at which one more visit fits into the planned day(s).

use crate::input::{load, InputArgs, Loaded, RegionLocator};
use crate::{emit, read_plan, solve_checked, Failure};
use clap::ValueEnum;
use housecall_core::{Prepared, SlotQuery, SolveOptions};
use housecall_io::Layout;

/// Settings of `housecall slots`.
#[derive(clap::Args)]
pub(crate) struct SlotsArgs {
    /// Bookings CSV: the visits already booked.
    bookings: String,
    #[command(flatten)]
    input: InputArgs,
    /// The requested visit, as the bookings file's columns in key=value pairs separated by
    /// commas: "id=N1,postal_code=L6P 2R1,treatment=Deep Tissue Massage,window=09:00-17:00".
    #[arg(long)]
    new: String,
    /// The plan to fit the visit into (JSON, as `plan --format json` writes it); by default
    /// the bookings are planned first, with --seed.
    #[arg(long)]
    plan: Option<String>,
    /// How many suggestions, best first.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Minutes between suggested start times (1 to 240).
    #[arg(long, default_value_t = 15)]
    step: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SlotFormat::Table)]
    format: SlotFormat,
    /// Seed of the search when the bookings are planned first [default: the JSON problem's,
    /// or 1].
    #[arg(long)]
    seed: Option<u64>,
}

#[derive(Clone, Copy, ValueEnum)]
enum SlotFormat {
    Table,
    Json,
}

pub(crate) fn run(a: SlotsArgs) -> Result<(), Failure> {
    let step = housecall_io::parse_step(a.step)?;
    let Loaded {
        problem,
        model,
        region,
        options,
        ..
    } = load(&a.bookings, &a.input)?;
    let mut request = housecall_io::parse_request(&a.new, &RegionLocator(&region))?;
    if request.date.is_none() {
        request.date = a.input.date;
    }
    if problem.booking_index(&request.id).is_some() {
        return Err(Failure::Input(format!(
            "--new: id {:?} is already a booking in {}; give the new visit its own id",
            request.id, a.bookings
        )));
    }
    let plan = match &a.plan {
        Some(path) => read_plan(path)?,
        None => solve_checked(
            &problem,
            model.as_ref(),
            SolveOptions {
                seed: a.seed.or(options.seed).unwrap_or(1),
                ..SolveOptions::default()
            },
        )?,
    };
    let query = SlotQuery::new(step, a.top.max(1));
    let answer = Prepared::slots_once(&problem, model.as_ref(), &plan, &request, &query)?;
    emit(&match a.format {
        SlotFormat::Table => housecall_io::write_slots_table(&request, &answer),
        SlotFormat::Json => housecall_io::write_slots_json(&request, &answer, Layout::Pretty),
    })
}
