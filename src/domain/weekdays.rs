//! Which weekdays a cohort practises on: `mon-fri` (the default), `sun-thu`, `daily`, a range
//! like `tue-sat`, or a list like `mon,wed,fri`. Work weeks differ around the world.

use std::fmt;

use chrono::Weekday;

const NAMES: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

/// A non-empty set of weekdays, stored as a bit per day (Monday = bit 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WorkWeek(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a list of days; use mon-fri, sun-thu, daily, or days like mon,wed,fri")]
pub struct WorkWeekError(pub String);

impl WorkWeek {
    pub const MON_FRI: WorkWeek = WorkWeek(0b001_1111);

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    pub fn days(self) -> impl Iterator<Item = Weekday> {
        NAMES
            .iter()
            .map(|(_, d)| *d)
            .filter(move |d| self.contains(*d))
    }

    pub fn parse(text: &str) -> Result<Self, WorkWeekError> {
        let error = || WorkWeekError(text.to_owned());
        let cleaned = text.trim().to_ascii_lowercase().replace(' ', "");
        if cleaned == "daily" || cleaned == "every-day" {
            return Ok(WorkWeek(0b111_1111));
        }
        let mut bits = 0u8;
        for part in cleaned.split(',').filter(|p| !p.is_empty()) {
            match part.split_once('-') {
                Some((from, to)) => {
                    let (mut day, last) = (
                        day_named(from).ok_or_else(error)?,
                        day_named(to).ok_or_else(error)?,
                    );
                    loop {
                        bits |= 1 << day.num_days_from_monday();
                        if day == last {
                            break;
                        }
                        day = day.succ();
                    }
                }
                None => bits |= 1 << day_named(part).ok_or_else(error)?.num_days_from_monday(),
            }
        }
        if bits == 0 {
            return Err(error());
        }
        Ok(WorkWeek(bits))
    }
}

/// "mon", "monday", "tues", "thurs"...: a day's abbreviation or a prefix of its full name.
fn day_named(name: &str) -> Option<Weekday> {
    const FULL: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let short = name.get(..3)?;
    let (_, day) = NAMES.iter().find(|(n, _)| *n == short)?;
    FULL[day.num_days_from_monday() as usize]
        .starts_with(name)
        .then_some(*day)
}

impl Default for WorkWeek {
    fn default() -> Self {
        WorkWeek::MON_FRI
    }
}

/// The canonical spelling: `daily`, `mon-fri`, `sun-thu`, or a comma list.
impl fmt::Display for WorkWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0b111_1111 => f.write_str("daily"),
            0b001_1111 => f.write_str("mon-fri"),
            0b100_1111 => f.write_str("sun-thu"),
            _ => {
                let names: Vec<&str> = NAMES
                    .iter()
                    .filter(|(_, d)| self.contains(*d))
                    .map(|(n, _)| *n)
                    .collect();
                f.write_str(&names.join(","))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_spellings_parse() {
        assert_eq!(WorkWeek::parse("mon-fri").unwrap(), WorkWeek::MON_FRI);
        assert_eq!(WorkWeek::parse("sun-thu").unwrap().to_string(), "sun-thu");
        assert_eq!(WorkWeek::parse("Daily").unwrap().days().count(), 7);
        assert_eq!(
            WorkWeek::parse("mon, wed,fri").unwrap().to_string(),
            "mon,wed,fri"
        );
        assert_eq!(
            WorkWeek::parse("fri-mon").unwrap().to_string(),
            "mon,fri,sat,sun"
        );
        assert_eq!(
            WorkWeek::parse("monday,tuesday").unwrap().to_string(),
            "mon,tue"
        );
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in ["", "weekdays", "mon-xyz", ",", "m", "monkey", "fried"] {
            assert!(WorkWeek::parse(bad).is_err(), "{bad:?}");
        }
    }
}
