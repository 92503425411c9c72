//! Over two years and 24 IANA zones (the awkward ones included), a scheduler that wakes at each
//! due instant, and at arbitrary moments in between, posts exactly one nudge per practice day,
//! at the instant the DST rules give, never late, never twice, and skips nothing.

use std::collections::BTreeMap;

use chrono::{LocalResult, TimeZone};
use proptest::prelude::*;

use super::*;
use crate::domain::WorkWeek;

const ZONES: [Tz; 24] = [
    chrono_tz::America::New_York,
    chrono_tz::Europe::London,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Asia::Kathmandu,
    chrono_tz::America::Santiago,
    chrono_tz::Pacific::Chatham,
    chrono_tz::America::Los_Angeles,
    chrono_tz::America::Havana,
    chrono_tz::America::St_Johns,
    chrono_tz::America::Sao_Paulo,
    chrono_tz::America::Phoenix,
    chrono_tz::Europe::Berlin,
    chrono_tz::Europe::Dublin,
    chrono_tz::Atlantic::Azores,
    chrono_tz::Africa::Cairo,
    chrono_tz::Asia::Tehran,
    chrono_tz::Asia::Kolkata,
    chrono_tz::Asia::Tokyo,
    chrono_tz::Asia::Gaza,
    chrono_tz::Australia::Sydney,
    chrono_tz::Australia::Adelaide,
    chrono_tz::Pacific::Auckland,
    chrono_tz::Pacific::Kiritimati,
    chrono_tz::UTC,
];

const LATENESS: Lateness = Lateness {
    grace: Duration::from_secs(6 * 3600),
    late_after: Duration::from_secs(15 * 60),
};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The rule, stated independently of `resolve`: the nudge goes out at the earliest instant
/// whose local time is at or after the wanted wall-clock time that day.
fn assert_rule(day: NaiveDate, time: SendTime, zone: Tz, due: DateTime<Utc>) {
    let wanted = day.and_time(time.time());
    match zone.from_local_datetime(&wanted) {
        LocalResult::Single(instant) => assert_eq!(due, instant.to_utc(), "{zone} {day} {time}"),
        LocalResult::Ambiguous(first, second) => {
            assert_eq!(
                due,
                first.to_utc().min(second.to_utc()),
                "fold: earlier instant, {zone} {day}"
            )
        }
        LocalResult::None => {
            let local = due.with_timezone(&zone).naive_local();
            let just_before = (due - chrono::Duration::seconds(1))
                .with_timezone(&zone)
                .naive_local();
            assert!(
                local > wanted,
                "gap: after the wanted time, {zone} {day} {time}"
            );
            assert!(
                just_before < wanted,
                "gap: the first valid instant, {zone} {day} {time}"
            );
        }
    }
}

/// Runs a scheduler over [start, end]: it wakes at every next due instant, plus after each
/// wake at `extra_wake` (a fraction of the time to the next one), and records what it posts.
fn simulate(
    timing: &Timing<'_>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    extra_wake: f64,
) -> BTreeMap<NaiveDate, DateTime<Utc>> {
    let mut posted = BTreeMap::new();
    let mut handled = start;
    let mut now = start;
    while let Some((_, next)) = timing.next_due(handled) {
        if next > end {
            break;
        }
        // An early wake-up finds nothing to do.
        let early = now + (next - now) * ((extra_wake * 1000.0) as i32) / 1000;
        if early > now && early < next {
            assert!(
                decide(timing, handled, early, LATENESS).is_empty(),
                "nothing is due before {next}"
            );
        }
        now = next;
        for decision in decide(timing, handled, now, LATENESS) {
            match decision {
                Decision::Post { date, due, late } => {
                    assert!(!late, "woken on time, so never late");
                    assert!(posted.insert(date, due).is_none(), "{date} posted twice");
                    handled = handled.max(due);
                }
                Decision::Skip { date, .. } => {
                    panic!("{date} skipped although the scheduler was up")
                }
            }
        }
    }
    posted
}

fn check_two_years(
    zone: Tz,
    time: SendTime,
    week: WorkWeek,
    holidays: &[NaiveDate],
    extra_wake: f64,
) {
    let mut calendar = PracticeCalendar::new(date(2026, 1, 1), week);
    calendar.holidays.extend(holidays.iter().copied());
    let timing = Timing {
        calendar: &calendar,
        time,
        zone,
    };
    let start = Utc.with_ymd_and_hms(2025, 12, 30, 0, 0, 0).unwrap();
    let end = Utc.with_ymd_and_hms(2028, 1, 2, 0, 0, 0).unwrap();

    let posted = simulate(&timing, start, end, extra_wake);

    let mut day = date(2026, 1, 1);
    let mut expected = 0;
    while day <= date(2027, 12, 31) {
        if calendar.is_practice_day(day) {
            expected += 1;
            let due = posted
                .get(&day)
                .unwrap_or_else(|| panic!("{zone}: {day} was never posted"));
            assert_rule(day, time, zone, *due);
        } else {
            assert!(
                !posted.contains_key(&day),
                "{zone}: {day} is not a practice day"
            );
        }
        day = day.succ_opt().unwrap();
    }
    assert!(expected > 100, "two years of at least weekly practice");
    let in_range = posted.range(date(2026, 1, 1)..=date(2027, 12, 31)).count();
    assert_eq!(
        in_range, expected,
        "{zone}: exactly one nudge per practice day"
    );
    assert!(
        posted.keys().all(|d| calendar.is_practice_day(*d)),
        "{zone}: only practice days"
    );
}

#[test]
fn exactly_one_nudge_per_practice_day_in_every_zone_across_two_years() {
    // 02:30 falls in most spring gaps, 01:30 in most autumn folds, 00:30 in the midnight
    // changes of Havana and Santiago; 09:00 is an ordinary morning.
    for zone in ZONES {
        for time in ["02:30", "01:30", "00:30", "09:00"] {
            check_two_years(
                zone,
                SendTime::parse(time).unwrap(),
                WorkWeek::MON_FRI,
                &[],
                0.5,
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_schedule_in_any_zone_posts_each_practice_day_once(
        zone in 0..ZONES.len(),
        hour in 0u32..24,
        minute in prop::sample::select(vec![0u32, 15, 30, 45, 59]),
        week in prop::sample::select(vec!["mon-fri", "sun-thu", "daily", "mon,wed,fri", "sat"]),
        holiday_offsets in prop::collection::vec(0i64..730, 0..6),
        extra_wake in 0.0f64..1.0,
    ) {
        let holidays: Vec<NaiveDate> = holiday_offsets.iter().map(|d| date(2026, 1, 1) + chrono::Duration::days(*d)).collect();
        check_two_years(
            ZONES[zone],
            SendTime::from_hm(hour, minute).unwrap(),
            WorkWeek::parse(week).unwrap(),
            &holidays,
            extra_wake,
        );
    }
}

#[test]
fn after_downtime_only_the_latest_day_goes_out_late_and_older_ones_are_skipped() {
    let calendar = PracticeCalendar::new(date(2026, 11, 23), WorkWeek::MON_FRI);
    let timing = Timing {
        calendar: &calendar,
        time: SendTime::parse("09:00").unwrap(),
        zone: chrono_tz::UTC,
    };
    let handled = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    // Down from Monday after the nudge until Wednesday 11:00.
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 11, 0, 0).unwrap();

    let decisions = decide(&timing, handled, now, LATENESS);

    assert_eq!(decisions.len(), 2);
    assert!(matches!(
        decisions[0],
        Decision::Skip {
            why: SkipReason::Superseded,
            ..
        }
    ));
    assert!(matches!(decisions[1], Decision::Post { late: true, .. }));
}

#[test]
fn a_day_more_than_the_grace_period_late_is_skipped() {
    let calendar = PracticeCalendar::new(date(2026, 11, 23), WorkWeek::MON_FRI);
    let timing = Timing {
        calendar: &calendar,
        time: SendTime::parse("09:00").unwrap(),
        zone: chrono_tz::UTC,
    };
    let handled = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 15, 1, 0).unwrap();

    let decisions = decide(&timing, handled, now, LATENESS);

    assert!(matches!(
        decisions.as_slice(),
        [Decision::Skip {
            why: SkipReason::TooLate,
            ..
        }]
    ));
}
