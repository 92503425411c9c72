use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::*;

const ZONE: Tz = chrono_tz::America::New_York;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn at(day: &str, time: &str) -> DateTime<Utc> {
    resolve(date(day), SendTime::parse(time).unwrap(), ZONE)
}

fn rules<'a>(quiet: Option<&str>, sent: &'a [NaiveDate]) -> ReminderRules<'a> {
    ReminderRules {
        zone: ZONE,
        quiet: quiet.map(|q| QuietHours::parse(q).unwrap()),
        usual_time: SendTime::parse("09:00").unwrap(),
        sent,
    }
}

#[test]
fn a_reminder_with_nothing_in_the_way_goes_out_when_due() {
    let due = at("2026-11-23", "09:00");
    assert_eq!(rules(None, &[]).next_allowed(due), Some(due));
}

#[test]
fn inside_quiet_hours_it_waits_for_their_end_on_the_same_day() {
    let due = at("2026-11-23", "09:00");
    assert_eq!(
        rules(Some("07:00-10:30"), &[]).next_allowed(due),
        Some(at("2026-11-23", "10:30"))
    );
}

#[test]
fn quiet_hours_that_end_tomorrow_defer_to_tomorrow_morning() {
    let due = at("2026-11-23", "09:00");
    assert_eq!(
        rules(Some("08:00-06:00"), &[]).next_allowed(due),
        Some(at("2026-11-24", "06:00"))
    );
}

#[test]
fn a_second_reminder_on_the_same_day_waits_for_the_usual_time_tomorrow() {
    let sent = [date("2026-11-23")];
    let due = at("2026-11-23", "15:00");
    assert_eq!(
        rules(None, &sent).next_allowed(due),
        Some(at("2026-11-24", "09:00"))
    );
}

#[test]
fn a_fourth_reminder_in_seven_days_waits_until_the_window_frees() {
    let sent = [date("2026-11-23"), date("2026-11-24"), date("2026-11-25")];
    let due = at("2026-11-26", "09:00");
    assert_eq!(
        rules(None, &sent).next_allowed(due),
        Some(at("2026-11-30", "09:00")),
        "the window Nov 24-30 holds two"
    );
}

#[test]
fn a_deferred_day_still_respects_quiet_hours() {
    let sent = [date("2026-11-23")];
    let due = at("2026-11-23", "15:00");
    assert_eq!(
        rules(Some("08:00-09:45"), &sent).next_allowed(due),
        Some(at("2026-11-24", "09:45"))
    );
}

#[test]
fn the_verdict_sends_only_when_now_is_allowed() {
    let r = rules(Some("08:00-10:00"), &[]);
    let due = at("2026-11-23", "09:00");
    assert_eq!(
        r.verdict(due, at("2026-11-23", "09:00")),
        Verdict::WaitUntil(at("2026-11-23", "10:00"))
    );
    assert_eq!(r.verdict(due, at("2026-11-23", "10:00")), Verdict::SendNow);
    assert_eq!(
        r.verdict(at("2026-11-24", "09:00"), at("2026-11-23", "11:00")),
        Verdict::WaitUntil(at("2026-11-24", "10:00")),
        "nothing due yet: wait for the due time, then quiet hours"
    );
}

#[test]
fn a_round_at_midnight_does_not_bring_a_deferred_reminder_forward() {
    let sent = [date("2026-11-23"), date("2026-11-24"), date("2026-11-25")];
    let r = rules(None, &sent);
    let due = at("2026-11-26", "09:00");
    assert_eq!(
        r.verdict(due, at("2026-11-30", "00:00")),
        Verdict::WaitUntil(at("2026-11-30", "09:00"))
    );
    assert_eq!(r.verdict(due, at("2026-11-30", "09:00")), Verdict::SendNow);
}

#[test]
fn after_downtime_a_late_reminder_still_waits_out_quiet_hours() {
    let r = rules(Some("22:00-07:00"), &[]);
    let due = at("2026-11-23", "09:00");
    assert_eq!(
        r.verdict(due, at("2026-11-23", "23:00")),
        Verdict::WaitUntil(at("2026-11-24", "07:00"))
    );
    assert_eq!(r.verdict(due, at("2026-11-23", "15:00")), Verdict::SendNow);
}

#[test]
fn clocks_changing_inside_quiet_hours_do_not_trap_the_search() {
    // New York springs forward at 02:00 on 8 March 2026; quiet hours end inside the gap.
    let r = rules(Some("23:00-02:30"), &[]);
    let due = resolve(date("2026-03-07"), SendTime::parse("23:30").unwrap(), ZONE);
    let allowed = r.next_allowed(due).unwrap();
    assert_eq!(
        allowed.with_timezone(&ZONE).format("%F %H:%M").to_string(),
        "2026-03-08 03:00"
    );
}

fn quiet_strategy() -> impl Strategy<Value = Option<QuietHours>> {
    prop::option::of((0u32..24, 0u32..4, 1u32..20)).prop_map(|q| {
        q.and_then(|(hour, quarter, length)| {
            let start = SendTime::from_hm(hour, quarter * 15)?;
            let end = SendTime::from_hm((hour + length) % 24, quarter * 15)?;
            QuietHours::new(start, end)
        })
    })
}

/// Zones with and without daylight saving, both hemispheres, half-hour offsets and
/// Lord Howe's half-hour shift.
const ZONES: [Tz; 10] = [
    chrono_tz::America::New_York,
    chrono_tz::Europe::London,
    chrono_tz::Europe::Berlin,
    chrono_tz::Australia::Sydney,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Pacific::Auckland,
    chrono_tz::America::Santiago,
    chrono_tz::America::St_Johns,
    chrono_tz::Asia::Kolkata,
    chrono_tz::UTC,
];

/// Local dates in 2026-2027 on which `zone`'s offset from UTC changes.
fn offset_changes(zone: Tz) -> Vec<NaiveDate> {
    use chrono::Offset;
    let offset_on = |day: NaiveDate| {
        let noon = day.and_hms_opt(12, 0, 0).unwrap().and_utc();
        noon.with_timezone(&zone).offset().fix()
    };
    let mut day = date("2026-01-01");
    let mut changes = Vec::new();
    while day < date("2028-01-01") {
        let next = day.succ_opt().unwrap();
        if offset_on(day) != offset_on(next) {
            changes.push(next);
        }
        day = next;
    }
    changes
}

/// A zone, and a start 1-45 days before one of its offset changes (or anywhere in 2026 for a
/// zone without them), so that the two months from it cross a DST change where there is one.
fn zone_and_start() -> impl Strategy<Value = (Tz, DateTime<Utc>)> {
    (0..ZONES.len(), 0usize..8, 1i64..45).prop_map(|(zone, change, before)| {
        let zone = ZONES[zone];
        let changes = offset_changes(zone);
        let start = match changes.get(change % changes.len().max(1)) {
            Some(day) => *day - Duration::days(before),
            None => date("2026-01-01") + Duration::days(before * 8),
        };
        (zone, resolve(start, SendTime::from_hm(0, 0).unwrap(), zone))
    })
}

#[test]
fn the_property_tests_zones_change_offset_where_they_keep_daylight_saving() {
    assert_eq!(offset_changes(chrono_tz::America::New_York).len(), 4);
    assert_eq!(
        offset_changes(chrono_tz::Australia::Lord_Howe)[0],
        date("2026-04-05")
    );
    assert!(offset_changes(chrono_tz::Asia::Kolkata).is_empty());
}

proptest! {
    /// Whatever falls due over two months, in any zone and across its DST changes, a person
    /// who is sent every reminder at its allowed moment never gets two in a local day, four in
    /// seven local days, or one in quiet hours.
    #[test]
    fn the_caps_and_quiet_hours_hold_for_any_due_pattern_across_dst_changes(
        quiet in quiet_strategy(),
        offsets in prop::collection::vec(0i64..60 * 24, 1..40),
        usual in 0u32..24,
        (zone, start) in zone_and_start(),
    ) {
        let mut dues: Vec<DateTime<Utc>> =
            offsets.iter().map(|m| start + Duration::minutes(m * 60)).collect();
        dues.sort();
        let usual_time = SendTime::from_hm(usual, 0).unwrap();
        let mut sent: Vec<NaiveDate> = Vec::new();
        let mut sent_at: Vec<DateTime<Utc>> = Vec::new();
        let mut pending = dues.into_iter().peekable();
        while let Some(first) = pending.next() {
            let r = ReminderRules { zone, quiet, usual_time, sent: &sent };
            let when = r.next_allowed(first).expect("an allowed moment exists");
            prop_assert!(when >= first);
            // Everything due by then goes in the same reminder.
            while pending.peek().is_some_and(|d| *d <= when) {
                pending.next();
            }
            sent.push(when.with_timezone(&zone).date_naive());
            sent_at.push(when);
        }
        for when in &sent_at {
            let local = when.with_timezone(&zone);
            prop_assert!(quiet.is_none_or(|q| !q.contains(local.time())), "{local} is quiet");
        }
        for day in &sent {
            prop_assert_eq!(sent.iter().filter(|d| *d == day).count(), 1, "one on {}", day);
            let window = sent.iter().filter(|d| **d > *day - Duration::days(7) && *d <= day);
            prop_assert!(window.count() <= 3, "at most three in the week to {}", day);
        }
    }
}
