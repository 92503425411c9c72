//! Reminder rules over a simulated month (caps, quiet hours, reminders off) and `/settings`.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use crate::commit_support::{buttons, checkin_dms, cohort_with_member, commit, settle_at, WAIT};
use crate::harness::{monday_morning, Harness};

const TOKYO: chrono_tz::Tz = chrono_tz::Asia::Tokyo;

/// Answers "Not yet, in 1 day" to every commitment on a check-in DM.
async fn not_yet_to_all(harness: &Harness, user: u64, dm: &allybot::sim::SimMessage) {
    for button in buttons(dm, "Not yet") {
        let pressed = harness.sim.click(user, dm.id, &button.custom_id).unwrap();
        pressed.reply().await.unwrap().modal();
        let moved = harness
            .sim
            .submit_modal(&pressed, &[("days", "1")])
            .unwrap()
            .reply()
            .await
            .unwrap();
        assert!(moved.text().contains("check in again"), "{}", moved.text());
    }
}

fn assert_caps_and_quiet_hours(sent: &[DateTime<Utc>]) {
    let days: Vec<NaiveDate> = sent
        .iter()
        .map(|t| t.with_timezone(&TOKYO).date_naive())
        .collect();
    let quiet = (
        NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
    );
    for at in sent {
        let time = at.with_timezone(&TOKYO).time();
        assert!(
            !(time >= quiet.0 && time < quiet.1),
            "a DM at {time} Tokyo time, inside quiet hours"
        );
    }
    let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for day in &days {
        *per_day.entry(*day).or_default() += 1;
    }
    assert!(
        per_day.values().all(|n| *n == 1),
        "one a day at most: {per_day:?}"
    );
    for day in &days {
        let week = days
            .iter()
            .filter(|d| **d > *day - Duration::days(7) && *d <= day);
        assert!(
            week.count() <= 3,
            "at most three in the seven days to {day}: {days:?}"
        );
    }
}

#[tokio::test]
async fn over_a_month_the_caps_and_quiet_hours_hold_and_reminders_off_stops_the_dms() {
    let (harness, user, _) = cohort_with_member("Hiro").await;
    let saved = harness
        .command(
            user,
            "settings",
            &[("timezone", "Asia/Tokyo"), ("quiet_hours", "08:00-10:00")],
        )
        .await;
    assert!(saved.text().contains("08:00-10:00"), "{}", saved.text());
    for days in 1..=5 {
        let when = format!("situation {days}");
        commit(&harness, user, &when, "act on it", &days.to_string()).await;
    }

    let start = monday_morning();
    let off_at = start + Duration::days(20);
    let mut sent = Vec::new();
    let mut seen = 0;
    let mut turned_off = None;
    for hour in 1..=30 * 24 {
        let now = start + Duration::hours(hour);
        if now >= off_at && turned_off.is_none() {
            let off = harness
                .sim
                .slash(
                    harness.in_general(user),
                    "settings",
                    &[("reminders", "off")],
                )
                .unwrap();
            let text = off.reply().await.unwrap().text();
            assert!(text.contains("**off**"), "{text}");
            turned_off = Some(off);
        }
        settle_at(&harness, now).await;
        let dms = checkin_dms(&harness, user);
        for dm in &dms[seen..] {
            sent.push(now);
            not_yet_to_all(&harness, user, dm).await;
        }
        seen = dms.len();
    }

    assert!(sent.len() >= 8, "reminders went out while due: {sent:?}");
    assert!(sent.iter().all(|t| *t < off_at), "none after reminders:off");
    assert_caps_and_quiet_hours(&sent);
    let first = sent[0].with_timezone(&TOKYO);
    assert_eq!(
        first.format("%F %H:%M").to_string(),
        "2026-11-24 10:00",
        "09:00 Tokyo is quiet, so the first waits for 10:00"
    );
    for at in &sent {
        assert_eq!(
            at.with_timezone(&TOKYO).format("%H:%M").to_string(),
            "10:00",
            "deferred ones land at the usual time, after quiet hours, never at midnight"
        );
    }

    // With reminders off, what came due waits for the next command. The first command after
    // it was parked shows it: that can be the /settings command itself (its followup comes
    // after its reply, by which time the next round may have parked the check-ins), or the
    // next one.
    let off = turned_off.expect("reminders were turned off");
    let mut shown = off.followups();
    if shown.is_empty() {
        let next = harness
            .sim
            .slash(harness.in_general(user), "about", &[])
            .unwrap();
        next.reply().await.unwrap();
        shown = next.wait_for_followups(1, WAIT).await;
    }
    assert_eq!(shown.len(), 1, "the waiting check-ins are shown once");
    let stored = harness.bot().store().commitments_of(user).await.unwrap();
    assert!(stored.iter().all(|c| !c.waiting), "and no longer wait");
    assert!(shown[0].text().contains("situation"), "{}", shown[0].text());
}

#[tokio::test]
async fn settings_refuse_bad_values_kindly_and_change_nothing() {
    let (harness, user, _) = cohort_with_member("Ines").await;
    let before = harness.command(user, "settings", &[]).await;
    assert!(before.message().ephemeral);
    assert!(
        before.text().contains("America/New_York` (your cohort's)"),
        "{}",
        before.text()
    );
    assert!(
        before.text().contains("Quiet hours: none"),
        "{}",
        before.text()
    );

    let zone = harness
        .command(
            user,
            "settings",
            &[("timezone", "Europe/Londn"), ("reminders", "off")],
        )
        .await;
    assert!(zone.text().contains("isn't a time zone"), "{}", zone.text());
    assert!(
        zone.text().contains("`Europe/London`"),
        "closest names: {}",
        zone.text()
    );
    assert!(zone.text().contains("Nothing was changed"));

    for bad in ["25:00-07:00", "22:00", "08:00-08:00"] {
        let quiet = harness
            .command(
                user,
                "settings",
                &[("quiet_hours", bad), ("timezone", "Asia/Tokyo")],
            )
            .await;
        assert!(
            quiet.text().contains("Nothing was changed"),
            "{bad}: {}",
            quiet.text()
        );
        assert!(quiet.text().contains("HH:MM-HH:MM") || quiet.text().contains("different times"));
    }

    let after = harness.command(user, "settings", &[]).await;
    assert_eq!(after.text(), before.text(), "nothing changed");
    let stored = harness
        .bot()
        .store()
        .participant_settings(user)
        .await
        .unwrap();
    assert_eq!(stored, allybot::store::ParticipantSettings::default());

    let suggestions = harness
        .sim
        .autocomplete(
            harness.in_general(user),
            "settings",
            &[("timezone", "berl")],
            "timezone",
        )
        .await
        .unwrap();
    assert!(
        suggestions.iter().any(|c| c.value == "Europe/Berlin"),
        "{suggestions:?}"
    );

    let night = harness
        .command(user, "settings", &[("quiet_hours", "22:30-07:00")])
        .await;
    assert!(
        night.text().contains("**22:30-07:00** your time"),
        "{}",
        night.text()
    );
}
