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
const ERIN: Location = at(43.7729, -80.0644);
const CALEDON_EAST: Location = at(43.8727, -79.8603);

/// (from, to, names, typical off-peak minutes, whether the route is on the GTA freeways).
/// The minutes are the usual off-peak drive between those centres as commonly quoted by
/// route planners, rounded, from general knowledge (this machine has no internet).
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
    (
        GEORGETOWN,
        ORANGEVILLE,
        "Georgetown - Orangeville",
        38,
        false,
    ),
    (GEORGETOWN, BOLTON, "Georgetown - Bolton", 38, false),
    (GEORGETOWN, MILTON, "Georgetown - Milton", 22, false),
    (GEORGETOWN, ACTON, "Georgetown - Acton", 15, false),
    (GEORGETOWN, GUELPH, "Georgetown - Guelph", 35, false),
    (GEORGETOWN, ERIN, "Georgetown - Erin", 25, false),
    (ERIN, ORANGEVILLE, "Erin - Orangeville", 27, false),
    (ERIN, GUELPH, "Erin - Guelph", 32, false),
    (ERIN, ACTON, "Erin - Acton", 20, false),
    (ERIN, BRAMPTON, "Erin - Brampton", 45, false),
    (CALEDON_EAST, BRAMPTON, "Caledon East - Brampton", 25, false),
    (CALEDON_EAST, BOLTON, "Caledon East - Bolton", 15, false),
    (
        CALEDON_EAST,
        ORANGEVILLE,
        "Caledon East - Orangeville",
        30,
        false,
    ),
    (BOLTON, ORANGEVILLE, "Bolton - Orangeville", 40, false),
    (BOLTON, ETOBICOKE, "Bolton - Etobicoke", 38, false),
    (ACTON, MILTON, "Acton - Milton", 25, false),
    (ACTON, BRAMPTON, "Acton - Brampton", 35, false),
    (
        MILTON,
        MISS_CC,
        "Milton - Mississauga City Centre",
        25,
        true,
    ),
    (MILTON, BRAMPTON, "Milton - Brampton", 30, false),
    (OAKVILLE, GUELPH, "Oakville - Guelph", 50, false),
    (OAKVILLE, TORONTO, "Oakville - downtown Toronto", 35, true),
    (OAKVILLE, ETOBICOKE, "Oakville - Etobicoke", 25, true),
    (ETOBICOKE, TORONTO, "Etobicoke - downtown Toronto", 22, true),
    (
        ETOBICOKE,
        MISS_CC,
        "Etobicoke - Mississauga City Centre",
        18,
        true,
    ),
    (BRAMPTON, TORONTO, "Brampton - downtown Toronto", 45, true),
    (
        GUELPH,
        MISS_CC,
        "Guelph - Mississauga City Centre",
        50,
        true,
    ),
];

#[test]
fn off_peak_within_15_percent_and_peak_slower_on_freeways() {
    let model = Region::western_gta().road_model();
    println!("| trip | typical off-peak | model 10:30 | model 08:00 | model 17:00 |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let mut failures = Vec::new();
    for &(a, b, name, typical, freeway) in PAIRS {
        let min = |h, m| model.drive(a, b, Seconds::hm(h, m)).time.round_minutes();
        let (off, am, pm) = (min(10, 30), min(8, 0), min(17, 0));
        println!("| {name} | {typical} min | {off} min | {am} min | {pm} min |");
        if (off - typical).abs() * 100 > 15 * typical {
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
