//! Clock times and windows as people write them: `08:30`, `09:00-11:00`, `09:00-11:00;15:00-18:00`.

use housecall_core::{Seconds, TimeWindow};

/// Parses `HH:MM` (24-hour, `H:MM` accepted, `24:00` allowed as an end of day) to seconds
/// since midnight.
pub fn parse_clock(s: &str) -> Result<Seconds, String> {
    let s = s.trim();
    let (h, m) = s
        .split_once(':')
        .ok_or_else(|| format!("expected a time HH:MM, got {s:?}"))?;
    let h: i64 = h
        .trim()
        .parse()
        .map_err(|_| format!("hour {h:?} is not a number; expected HH:MM"))?;
    let m: i64 = m
        .trim()
        .parse()
        .map_err(|_| format!("minutes {m:?} are not a number; expected HH:MM"))?;
    if !(0..=24).contains(&h) || !(0..60).contains(&m) || (h == 24 && m > 0) {
        return Err(format!(
            "{s} is not a time of day; expected HH:MM from 00:00 to 24:00"
        ));
    }
    Ok(Seconds::hm(h, m))
}

/// Parses one window `HH:MM-HH:MM`; the end may not be before the start.
pub fn parse_window(s: &str) -> Result<TimeWindow, String> {
    let (a, b) = s
        .trim()
        .split_once('-')
        .ok_or_else(|| format!("expected a window HH:MM-HH:MM, got {:?}", s.trim()))?;
    let (a, b) = (parse_clock(a)?, parse_clock(b)?);
    TimeWindow::new(a, b).ok_or_else(|| format!("window ends at {b} before it starts at {a}"))
}

/// Parses `;`-separated windows; an empty string gives no windows.
pub fn parse_windows(s: &str) -> Result<Vec<TimeWindow>, String> {
    s.split(';')
        .filter(|w| !w.trim().is_empty())
        .map(parse_window)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_clock_times_and_windows() {
        assert_eq!(parse_clock("8:05"), Ok(Seconds::hm(8, 5)));
        assert_eq!(parse_clock("24:00"), Ok(Seconds::hm(24, 0)));
        assert!(parse_clock("25:00").is_err());
        assert!(parse_clock("12:60").is_err());
        assert!(parse_clock("noon").is_err());
        let ws = parse_windows("09:00-11:00; 15:00-18:00").unwrap();
        assert_eq!(ws.len(), 2);
        assert_eq!(ws[1].start, Seconds::hm(15, 0));
        assert!(parse_window("11:00-09:00")
            .unwrap_err()
            .contains("before it starts"));
        assert_eq!(parse_windows(" "), Ok(vec![]));
    }
}
