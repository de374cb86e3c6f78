//! The README's library example, as a test.

use housecall_core::{check, solve, Problem, SolveOptions};

#[test]
fn readme_library_example_plans_and_checks() -> Result<(), Box<dyn std::error::Error>> {
    let root = env!("CARGO_MANIFEST_DIR");
    let file = housecall_io::read_bookings_file(
        &format!("{root}/data/examples/overbooked.csv"),
        &housecall_io::CoordinatesOnly,
    )?;
    let therapists =
        housecall_io::read_therapists_file(&format!("{root}/data/examples/practice.toml"))?;
    let problem = Problem::new(file.bookings, therapists, None);
    let model = housecall_region::Region::western_gta().road_model();
    let plan = solve(
        &problem,
        &model,
        &SolveOptions {
            seed: 7,
            ..SolveOptions::default()
        },
    )
    .unwrap();
    assert!(check(&problem, &model, &plan).is_empty());
    assert_eq!(plan.itineraries.len(), 2);
    assert_eq!(plan.served() + plan.unassigned.len(), 14);
    let json = housecall_io::write_plan_json(&problem, &plan, housecall_io::Layout::Pretty);
    let back = housecall_io::parse_plan_json("plan.json", &json)?;
    assert_eq!(back, plan, "the JSON plan reads back to the same plan");
    Ok(())
}
