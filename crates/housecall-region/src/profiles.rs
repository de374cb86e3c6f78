//! Time-of-day speed profiles: for each road class and zone, a travel-time factor (1 = free
//! flow, 1.7 = 70 % longer) at given clock times, linear in between and constant outside.
//! Read from `profiles.csv`: `class,zone,time,factor`.

use crate::roads::read_csv;
use crate::RegionError;
use housecall_core::Seconds;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Row {
    class: String,
    zone: String,
    time: String,
    factor: f64,
}

/// The travel-time factors per `(class, zone)`.
#[derive(Clone, Debug, Default)]
pub struct SpeedProfiles {
    knots: BTreeMap<(String, String), Vec<(i64, f64)>>,
}

impl SpeedProfiles {
    /// Parses `profiles.csv` text.
    pub fn from_csv(name: &str, text: &str) -> Result<Self, RegionError> {
        let mut knots: BTreeMap<(String, String), Vec<(i64, f64)>> = BTreeMap::new();
        for r in read_csv::<Row>(name, text)? {
            let (h, m) = r
                .time
                .split_once(':')
                .and_then(|(h, m)| Some((h.parse::<i64>().ok()?, m.parse::<i64>().ok()?)))
                .filter(|(h, m)| (0..=24).contains(h) && (0..60).contains(m))
                .ok_or_else(|| {
                    RegionError::new(name, format!("time {:?}: expected HH:MM", r.time))
                })?;
            if !(r.factor.is_finite() && r.factor >= 1.0) {
                return Err(RegionError::new(
                    name,
                    format!("factor {}: expected 1 or more (1 = free flow)", r.factor),
                ));
            }
            knots
                .entry((r.class, r.zone))
                .or_default()
                .push((Seconds::hm(h, m).0, r.factor));
        }
        for v in knots.values_mut() {
            v.sort_by_key(|k| k.0);
        }
        Ok(SpeedProfiles { knots })
    }

    /// Whether any factor differs from free flow.
    pub fn is_time_dependent(&self) -> bool {
        self.knots.values().flatten().any(|k| k.1 != 1.0)
    }

    /// The travel-time factor for `class` in `zone` at clock time `t`.
    pub fn factor(&self, class: &str, zone: &str, t: Seconds) -> f64 {
        let Some(k) = self.knots.get(&(class.to_string(), zone.to_string())) else {
            return 1.0;
        };
        let i = k.partition_point(|x| x.0 <= t.0);
        match (i.checked_sub(1).map(|j| k[j]), k.get(i).copied()) {
            (None, Some(a)) | (Some(a), None) => a.1,
            (Some(a), Some(b)) => a.1 + (b.1 - a.1) * (t.0 - a.0) as f64 / (b.0 - a.0) as f64,
            (None, None) => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_interpolate_between_knots() {
        let p = SpeedProfiles::from_csv(
            "p.csv",
            "class,zone,time,factor\nfreeway,gta,07:00,1.0\nfreeway,gta,08:00,2.0\n",
        )
        .unwrap();
        assert_eq!(p.factor("freeway", "gta", Seconds::hm(6, 0)), 1.0);
        assert_eq!(p.factor("freeway", "gta", Seconds::hm(7, 30)), 1.5);
        assert_eq!(p.factor("freeway", "gta", Seconds::hm(12, 0)), 2.0);
        assert_eq!(p.factor("arterial", "gta", Seconds::hm(7, 30)), 1.0);
        assert!(
            SpeedProfiles::from_csv("p.csv", "class,zone,time,factor\nfreeway,gta,7am,1.0\n")
                .is_err()
        );
    }
}
