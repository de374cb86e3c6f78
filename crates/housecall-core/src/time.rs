//! Integer units used everywhere inside the solver: seconds since local midnight for clock
//! times and durations, metres for distances. Floating point appears only at the edges
//! (coordinates, display).

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A duration or a clock time in whole seconds. As a clock time it counts seconds since local
/// midnight of the planned day (so 08:30 is `Seconds(30_600)`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Seconds(pub i64);

/// A distance in whole metres.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Metres(pub i64);

impl Seconds {
    /// `m` whole minutes.
    ///
    /// ```
    /// # use housecall_core::Seconds;
    /// assert_eq!(Seconds::from_minutes(90), Seconds(5_400));
    /// ```
    pub const fn from_minutes(m: i64) -> Self {
        Seconds(m * 60)
    }

    /// The clock time `h:m` as seconds since midnight.
    pub const fn hm(h: i64, m: i64) -> Self {
        Seconds(h * 3600 + m * 60)
    }

    /// Whole minutes, rounded to the nearest minute (half up), for display.
    pub fn round_minutes(self) -> i64 {
        (self.0 + 30).div_euclid(60)
    }

    /// Formats a clock time as `HH:MM` (seconds are truncated; times past midnight go on
    /// counting, `24:30`).
    pub fn clock(self) -> String {
        let m = self.0.div_euclid(60);
        format!("{:02}:{:02}", m / 60, m % 60)
    }

    /// Formats a duration for people: `1 h 05 min`, `45 min`.
    pub fn duration_text(self) -> String {
        let m = self.round_minutes();
        if m >= 60 {
            format!("{} h {:02} min", m / 60, m % 60)
        } else {
            format!("{m} min")
        }
    }
}

impl Metres {
    /// The distance in kilometres, for display only.
    pub fn km(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl fmt::Display for Seconds {
    /// Displays as a clock time, `HH:MM` (width and alignment apply).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.clock())
    }
}

macro_rules! int_ops {
    ($t:ident) => {
        impl Add for $t {
            type Output = $t;
            fn add(self, o: $t) -> $t {
                $t(self.0 + o.0)
            }
        }
        impl Sub for $t {
            type Output = $t;
            fn sub(self, o: $t) -> $t {
                $t(self.0 - o.0)
            }
        }
        impl AddAssign for $t {
            fn add_assign(&mut self, o: $t) {
                self.0 += o.0;
            }
        }
        impl std::iter::Sum for $t {
            fn sum<I: Iterator<Item = $t>>(iter: I) -> $t {
                $t(iter.map(|x| x.0).sum())
            }
        }
    };
}
int_ops!(Seconds);
int_ops!(Metres);

/// A closed interval of clock times `[start, end]`. For a booking it bounds when the session
/// may *start*; for a shift, when the day may start and must end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeWindow {
    /// Earliest time, seconds since midnight.
    pub start: Seconds,
    /// Latest time, seconds since midnight; never before `start`.
    pub end: Seconds,
}

impl TimeWindow {
    /// A window from `start` to `end`; `None` when `end` is before `start`.
    pub fn new(start: Seconds, end: Seconds) -> Option<Self> {
        (end >= start).then_some(TimeWindow { start, end })
    }

    /// Whether `t` lies inside the window (ends included).
    pub fn contains(&self, t: Seconds) -> bool {
        self.start <= t && t <= self.end
    }

    /// The window as `HH:MM-HH:MM`.
    pub fn text(&self) -> String {
        format!("{}-{}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_and_duration_text() {
        assert_eq!(Seconds::hm(8, 5).clock(), "08:05");
        assert_eq!(Seconds(30_659).clock(), "08:30");
        assert_eq!(Seconds::from_minutes(65).duration_text(), "1 h 05 min");
        assert_eq!(Seconds(29).duration_text(), "0 min");
        assert_eq!(Seconds(30).duration_text(), "1 min");
    }

    #[test]
    fn window_rejects_reversed_bounds() {
        assert!(TimeWindow::new(Seconds(10), Seconds(5)).is_none());
        let w = TimeWindow::new(Seconds(5), Seconds(10)).unwrap();
        assert!(w.contains(Seconds(5)) && w.contains(Seconds(10)) && !w.contains(Seconds(11)));
    }
}
