//! Drive times between town centres against typical off-peak figures, and rush hour.

use housecall_core::{Location, Seconds, TravelModel};
use housecall_region::Region;

const fn at(lat: f64, lon: f64) -> Location {
    Location { lat, lon }
}

const BRAMPTON: Location = at(43.6856, -79.7600);
const GUELPH: Location = at(43.5448, -80.2482);
const ORANGEVILLE: Location = at(43.9195, -80.0945);
const MISS_CC: Location = at(43.5930, -79.6420);
const OAKVILLE: Location = at(43.4470, -79.6660);
const MILTON: Location = at(43.5168, -79.8829);
const GEORGETOWN: Location = at(43.6501, -79.9163);
const BOLTON: Location = at(43.8795, -79.7379);
const ETOBICOKE: Location = at(43.6370, -79.5350);
const TORONTO: Location = at(43.6450, -79.3810);
const ACTON: Location = at(43.6297, -80.0415);

/// (from, to, names, typical off-peak minutes, whether the route is on the GTA freeways).
pub const PAIRS: &[(Location, Location, &str, i64, bool)] = &[
    (BRAMPTON, GUELPH, "Brampton - Guelph", 55, false),
    (BRAMPTON, ORANGEVILLE, "Brampton - Orangeville", 50, false),
    (
        MISS_CC,
        OAKVILLE,
        "Mississauga City Centre - Oakville",
        22,
        true,
    ),
    (MILTON, GUELPH, "Milton - Guelph", 35, false),
    (GEORGETOWN, BRAMPTON, "Georgetown - Brampton", 25, false),
    (BOLTON, BRAMPTON, "Bolton - Brampton", 30, false),
    (OAKVILLE, MILTON, "Oakville - Milton", 25, false),
    (ETOBICOKE, BRAMPTON, "Etobicoke - Brampton", 30, true),
    (GUELPH, TORONTO, "Guelph - downtown Toronto", 75, true),
    (
        MISS_CC,
        TORONTO,
        "Mississauga City Centre - downtown Toronto",
        30,
        true,
    ),
    (ACTON, GUELPH, "Acton - Guelph", 25, false),
    (ORANGEVILLE, GUELPH, "Orangeville - Guelph", 50, false),
];

#[test]
fn off_peak_within_20_percent_and_peak_slower_on_freeways() {
    let model = Region::western_gta().road_model();
    println!("| trip | typical off-peak | model 10:30 | model 08:00 | model 17:00 |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let mut failures = Vec::new();
    for &(a, b, name, typical, freeway) in PAIRS {
        let min = |h, m| model.drive(a, b, Seconds::hm(h, m)).time.round_minutes();
        let (off, am, pm) = (min(10, 30), min(8, 0), min(17, 0));
        println!("| {name} | {typical} min | {off} min | {am} min | {pm} min |");
        if (off - typical).abs() * 5 > typical {
            failures.push(format!("{name}: {off} min off-peak, typical {typical}"));
        }
        if freeway && !(am > off && pm > off) {
            failures.push(format!(
                "{name}: peak {am}/{pm} not slower than off-peak {off}"
            ));
        }
        assert!(am >= off && pm >= off, "{name}: rush hour is never faster");
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
