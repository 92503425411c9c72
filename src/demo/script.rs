//! What happens in the demo: an admin sets a cohort up by commands, people join, and the cohort
//! lives through its practice days.

use anyhow::Context as _;
use chrono::{Datelike, NaiveDate, Weekday};

use super::Stage;
use crate::domain::{resolve, SendTime};

const ZONE: chrono_tz::Tz = chrono_tz::Europe::London;
const COHORT: &str = "Northwind Allies";

pub async fn play(stage: &mut Stage, days: u32) -> anyhow::Result<()> {
    set_up(stage).await?;
    join(stage).await?;
    let mut date = NaiveDate::from_ymd_opt(2026, 11, 23).context("start date")?;
    let mut played = 0;
    while played < days {
        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            played += 1;
            practice_day(stage, date, played).await?;
        }
        date = date.succ_opt().context("calendar")?;
    }
    stage.transcript.heading("The admin checks on the cohort");
    let admin = stage.cast.admin;
    stage
        .command(admin, "cohort status", &[("cohort", COHORT)])
        .await?;
    Ok(())
}

async fn set_up(stage: &mut Stage) -> anyhow::Result<()> {
    stage
        .transcript
        .heading("An admin sets up a cohort, by commands alone");
    let admin = stage.cast.admin;
    let practice = stage.cast.practice.to_string();
    stage
        .command(
            admin,
            "cohort create",
            &[
                ("name", COHORT),
                ("track", "accomplice"),
                ("start", "2026-11-23"),
            ],
        )
        .await?;
    stage
        .command(
            admin,
            "cohort channel",
            &[("cohort", COHORT), ("channel", &practice)],
        )
        .await?;
    stage
        .command(
            admin,
            "cohort schedule",
            &[
                ("cohort", COHORT),
                ("time", "09:00"),
                ("timezone", "Europe/London"),
                ("days", "mon-fri"),
            ],
        )
        .await?;
    stage
        .command(admin, "cohort invite", &[("cohort", COHORT)])
        .await?;
    let invite = stage.sim.channel_messages(stage.cast.practice);
    let invite = invite.last().context("the invite message")?;
    stage.transcript.message("#allyship-practice", invite);
    Ok(())
}

async fn join(stage: &mut Stage) -> anyhow::Result<()> {
    stage.transcript.heading("People join");
    let invite = stage
        .sim
        .channel_messages(stage.cast.practice)
        .last()
        .map(|m| m.id)
        .context("invite")?;
    let members = stage.cast.members.clone();
    for (index, (name, user)) in members.iter().enumerate() {
        if *name == "Chioma" {
            stage.command(*user, "join", &[("cohort", COHORT)]).await?;
        } else if index < 4 {
            stage.click(*user, invite, "Join").await?;
        }
    }
    stage
        .transcript
        .note("Farid hasn't joined: he gets nothing, and nobody is told.");
    Ok(())
}

async fn practice_day(stage: &mut Stage, date: NaiveDate, number: u32) -> anyhow::Result<()> {
    let due = resolve(date, SendTime::parse("09:00")?, ZONE);
    stage.transcript.heading(&format!(
        "Practice day {number}: {}, 09:00 in London",
        date.format("%A %-d %B %Y")
    ));
    let before = stage.sim.channel_messages(stage.cast.practice).len();
    stage.clock.set(due);
    stage.bot.scheduler().settle().await;
    let posted = stage.sim.channel_messages(stage.cast.practice);
    let nudge = posted.get(before).context("the day's nudge")?.clone();
    stage.transcript.message("#allyship-practice", &nudge);

    // Later in the day, a few people say they tried it (a different few each day).
    stage.clock.set(due + chrono::Duration::hours(6));
    let members = stage.cast.members.clone();
    for (index, (_, user)) in members.iter().enumerate().take(4) {
        if !(index as u32 + number).is_multiple_of(3) {
            stage.click(*user, nudge.id, "I tried this").await?;
        }
    }
    Ok(())
}
