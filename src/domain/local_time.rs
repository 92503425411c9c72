//! Wall-clock times in a cohort's IANA zone, and the rule for times that do not exist or exist
//! twice when clocks change: a time inside a spring-forward gap means the first valid instant
//! after the gap; a time inside a fall-back fold means the earlier of its two instants.

use std::fmt;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A time of day, `HH:MM` on a 24-hour clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SendTime(NaiveTime);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a time; use HH:MM on a 24-hour clock, like 09:00 or 17:30")]
pub struct SendTimeError(pub String);

impl SendTime {
    pub const MIDNIGHT: SendTime = SendTime(NaiveTime::MIN);

    pub fn parse(text: &str) -> Result<Self, SendTimeError> {
        let error = || SendTimeError(text.to_owned());
        let (hours, minutes) = text.trim().split_once(':').ok_or_else(error)?;
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(hours) || hours.len() > 2 || !digits(minutes) || minutes.len() != 2 {
            return Err(error());
        }
        let (h, m): (u32, u32) = (
            hours.parse().map_err(|_| error())?,
            minutes.parse().map_err(|_| error())?,
        );
        NaiveTime::from_hms_opt(h, m, 0)
            .map(SendTime)
            .ok_or_else(error)
    }

    pub fn from_hm(hours: u32, minutes: u32) -> Option<Self> {
        NaiveTime::from_hms_opt(hours, minutes, 0).map(SendTime)
    }

    pub fn time(self) -> NaiveTime {
        self.0
    }
}

impl fmt::Display for SendTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
    }
}

/// The instant at which `time` on `date` happens in `zone`, by the gap and fold rule above.
pub fn resolve(date: NaiveDate, time: SendTime, zone: Tz) -> DateTime<Utc> {
    let wanted = date.and_time(time.0);
    match zone.from_local_datetime(&wanted) {
        LocalResult::Single(instant) => instant.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        LocalResult::None => {
            // Clocks jump on minute boundaries, so the first existing minute after the wanted
            // time is the gap's end. Gaps are at most a few hours; 24 h bounds the search.
            for minutes in 1..=24 * 60 {
                let later = wanted + chrono::Duration::minutes(minutes);
                if let Some(instant) = zone.from_local_datetime(&later).earliest() {
                    return instant.with_timezone(&Utc);
                }
            }
            // Unreachable for real zone data; fall back to reading the time as UTC.
            Utc.from_utc_datetime(&wanted)
        }
    }
}

/// The zone's local calendar date at an instant.
pub fn local_date(instant: DateTime<Utc>, zone: Tz) -> NaiveDate {
    instant.with_timezone(&zone).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn times_parse_strictly() {
        assert_eq!(SendTime::parse("9:05").unwrap().to_string(), "09:05");
        assert_eq!(SendTime::parse(" 17:30 ").unwrap().to_string(), "17:30");
        for bad in [
            "25:00", "12:60", "1200", "12:5", "noon", "-1:00", "", "+9:00", "09:+5",
        ] {
            assert!(SendTime::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_time_in_a_spring_gap_goes_out_when_the_gap_ends() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        let instant = resolve(
            date,
            SendTime::parse("02:30").unwrap(),
            chrono_tz::America::New_York,
        );
        assert_eq!(instant, at("2026-03-08T07:00:00Z"), "03:00 EDT");
    }

    #[test]
    fn a_time_in_an_autumn_fold_goes_out_at_the_earlier_instant() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let instant = resolve(
            date,
            SendTime::parse("01:30").unwrap(),
            chrono_tz::America::New_York,
        );
        assert_eq!(instant, at("2026-11-01T05:30:00Z"), "01:30 EDT, not EST");
    }

    #[test]
    fn lord_howe_has_a_half_hour_gap() {
        // Lord Howe moves from +10:30 to +11:00 at 02:00 on the first Sunday of October.
        let date = NaiveDate::from_ymd_opt(2026, 10, 4).unwrap();
        let instant = resolve(
            date,
            SendTime::parse("02:15").unwrap(),
            chrono_tz::Australia::Lord_Howe,
        );
        assert_eq!(
            instant
                .with_timezone(&chrono_tz::Australia::Lord_Howe)
                .format("%H:%M")
                .to_string(),
            "02:30"
        );
    }
}
