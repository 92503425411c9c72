//! What the commitment and reminder tests share: a cohort with a member, making commitments
//! through the form, reading check-in DMs and pressing their buttons, moving the clock.

use std::time::Duration;

use allybot::domain::{resolve, SendTime};
use allybot::sim::{Button, InteractionHandle, Reply, SimMessage};
use chrono::{DateTime, NaiveDate, Utc};

use crate::cohorts::with_cohort;
use crate::harness::Harness;

pub const WAIT: Duration = Duration::from_secs(10);

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub fn local(day: &str, time: &str, zone: chrono_tz::Tz) -> DateTime<Utc> {
    resolve(date(day), SendTime::parse(time).unwrap(), zone)
}

/// A cohort "Blue" practising at 09:00 New York time, and a member who joined it.
pub async fn cohort_with_member(name: &str) -> (Harness, u64, u64) {
    let (harness, nudges) =
        with_cohort(&[("time", "09:00"), ("timezone", "America/New_York")]).await;
    let user = join(&harness, name).await;
    (harness, user, nudges)
}

pub async fn join(harness: &Harness, name: &str) -> u64 {
    let user = harness.add_member(name);
    let joined = harness.command(user, "join", &[("cohort", "Blue")]).await;
    assert!(joined.text().contains("Welcome"), "{}", joined.text());
    user
}

/// Opens `/commit` as `user`; returns the interaction that opened the form.
pub async fn open_commit_form(harness: &Harness, user: u64) -> InteractionHandle {
    let opened = harness
        .sim
        .slash(harness.in_general(user), "commit", &[])
        .unwrap();
    let form = opened.reply().await.unwrap();
    assert!(matches!(form, Reply::Modal(_)), "{form:?}");
    opened
}

pub async fn submit_commitment(
    harness: &Harness,
    opened: &InteractionHandle,
    when: &str,
    will: &str,
    days: &str,
) -> Reply {
    harness
        .sim
        .submit_modal(opened, &[("when", when), ("will", will), ("days", days)])
        .unwrap()
        .reply()
        .await
        .unwrap()
}

pub async fn commit(harness: &Harness, user: u64, when: &str, will: &str, days: &str) -> Reply {
    let opened = open_commit_form(harness, user).await;
    submit_commitment(harness, &opened, when, will, days).await
}

/// The check-in DMs `user` received.
pub fn checkin_dms(harness: &Harness, user: u64) -> Vec<SimMessage> {
    harness
        .sim
        .dm_messages(user)
        .into_iter()
        .filter(|m| !buttons(m, "Tried it").is_empty())
        .collect()
}

/// The buttons on `message` whose label is `label`, or ends with it ("2 · Not yet").
pub fn buttons(message: &SimMessage, label: &str) -> Vec<Button> {
    message
        .buttons()
        .into_iter()
        .filter(|b| b.label == label || b.label.ends_with(&format!(" · {label}")))
        .collect()
}

pub async fn click(harness: &Harness, user: u64, message: &SimMessage, label: &str) -> Reply {
    let button = buttons(message, label).into_iter().next().expect(label);
    harness.press(user, message.id, &button.custom_id).await
}

pub async fn settle_at(harness: &Harness, at: DateTime<Utc>) {
    harness.clock.set(at);
    harness.bot().scheduler().settle().await;
}
