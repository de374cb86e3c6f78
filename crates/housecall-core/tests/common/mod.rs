//! Helpers shared by the integration tests: a rush-hour travel model and random days.

#![allow(dead_code)]

use housecall_core::*;

/// Straight-line drives with a morning and an evening rush hour, interpolated between hourly
/// knots as the matrix does (gentle enough to stay FIFO).
pub struct RushHour;

impl TravelModel for RushHour {
    fn drive(&self, from: Location, to: Location, depart: Seconds) -> Drive {
        let base = StraightLine::default().drive(from, to, depart);
        let factor = |h: usize| match h {
            7 | 8 => 16,
            16 | 17 => 15,
            _ => 10,
        };
        Drive {
            time: Seconds(interpolate(&self.time_bins(), depart, |k| {
                base.time.0 * factor(k) / 10
            })),
            distance: base.distance,
        }
    }
    fn time_bins(&self) -> Vec<Seconds> {
        (0..24).map(|h| Seconds(h * 3600)).collect()
    }
    fn name(&self) -> &str {
        "rush-hour"
    }
}

/// [`RushHour`] with a detour in the rush hours: a tenth longer from 07:00 to 09:00 and from
/// 16:00 to 18:00 (the way a driver takes at the knot they leave in), so that a day's
/// distance depends on its timetable.
pub struct Detours;

impl TravelModel for Detours {
    fn drive(&self, from: Location, to: Location, depart: Seconds) -> Drive {
        let d = RushHour.drive(from, to, depart);
        let hour = depart.0.div_euclid(3600);
        let detour = matches!(hour, 7 | 8 | 16 | 17);
        Drive {
            distance: Metres(d.distance.0 * if detour { 11 } else { 10 } / 10),
            ..d
        }
    }
    fn time_bins(&self) -> Vec<Seconds> {
        RushHour.time_bins()
    }
    fn name(&self) -> &str {
        "detours"
    }
}

pub fn tw(a: (i64, i64), b: (i64, i64)) -> TimeWindow {
    TimeWindow::new(Seconds::hm(a.0, a.1), Seconds::hm(b.0, b.1)).unwrap()
}

/// A small deterministic generator, so that the test needs no RNG crate.
pub struct Lcg(pub u64);
impl Lcg {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    pub fn unit(&mut self) -> f64 {
        self.below(1 << 20) as f64 / (1u64 << 20) as f64
    }
}

pub fn at(r: &mut Lcg) -> Location {
    Location {
        lat: 43.55 + r.unit() * 0.25,
        lon: -79.85 + r.unit() * 0.25,
    }
}

pub fn booking(r: &mut Lcg, id: String) -> Booking {
    let minutes = [45, 60, 90][r.below(3) as usize];
    let b = Booking::new(id, at(r), Seconds::from_minutes(minutes));
    match r.below(3) {
        0 => b,
        1 => {
            let s = 9 * 60 + 15 * r.below(24) as i64;
            b.with_window(tw((s / 60, s % 60), ((s + 90) / 60, (s + 90) % 60)))
        }
        _ => b
            .with_window(tw((9, 0), (10, 30)))
            .with_window(tw((14, 0), (16, 0))),
    }
}

/// A day of `n` bookings and two therapists, one with lunch; some bookings confirmed.
pub fn day(r: &mut Lcg, n: usize) -> Problem {
    let home = Location {
        lat: 43.70,
        lon: -79.75,
    };
    let lunch = Lunch {
        window: tw((11, 30), (14, 0)),
        duration: Seconds::from_minutes(30),
    };
    let therapists = vec![
        Therapist::new("ann", home, tw((8, 30), (18, 0)))
            .with_lunch(lunch)
            .with_max_visits(7),
        Therapist::new("ben", at(r), tw((9, 0), (17, 0))),
    ];
    let bookings = (0..n).map(|i| booking(r, format!("b{i}"))).collect();
    Problem::new(bookings, therapists, None)
}

pub fn opts() -> SolveOptions {
    SolveOptions {
        iterations: 50,
        threads: 1,
        ..SolveOptions::default()
    }
}
