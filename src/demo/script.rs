//! What happens in the demo: an admin sets a cohort up by commands on the Everyday program,
//! people join, and the cohort lives through its practice days; the admin also looks at the
//! module plan a certification cohort would follow.

use anyhow::Context as _;
use chrono::{Datelike, NaiveDate, Weekday};

use super::Stage;
use crate::domain::{resolve, SendTime};

const ZONE: chrono_tz::Tz = chrono_tz::Europe::London;
const COHORT: &str = "Northwind Allies";
/// A certification cohort the admin sets up to look at its module plan.
const CERTIFICATION: &str = "Northwind Accomplices";

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
    certification_plan(stage).await?;
    stage.transcript.heading("The admin checks on the cohort");
    let admin = stage.cast.admin;
    stage
        .command(admin, "cohort status", &[("cohort", COHORT)])
        .await?;
    summaries(stage, date).await?;
    super::plan_scene::play(stage).await
}

/// The organisation's view: a summary channel, the week so far, then the weekly summary on the
/// next summary day (Monday 09:00 in the cohort's zone). `after` is the day after the last
/// practice day.
async fn summaries(stage: &mut Stage, after: NaiveDate) -> anyhow::Result<()> {
    stage
        .transcript
        .heading("The organisation sees group figures, never people");
    let admin = stage.cast.admin;
    let channel = stage.cast.summaries.to_string();
    stage
        .command(admin, "org summary-channel", &[("channel", &channel)])
        .await?;
    stage
        .command(admin, "cohort report", &[("cohort", COHORT)])
        .await?;
    let mut monday = after;
    while monday.weekday() != Weekday::Mon {
        monday = monday.succ_opt().context("calendar")?;
    }
    let due = resolve(monday, SendTime::parse("09:00")?, ZONE);
    stage.transcript.heading(&format!(
        "{}, 09:00 in London: the weekly summary",
        monday.format("%A %-d %B %Y")
    ));
    stage.clock.set(due);
    stage.transcript.set_now(due);
    stage.bot.scheduler().settle().await;
    let posted = stage.sim.channel_messages(stage.cast.summaries);
    let summary = posted
        .iter()
        .find(|m| m.text().contains("Weekly summary"))
        .context("the weekly summary")?;
    stage.transcript.message("#org-summaries", summary);
    stage.transcript.note(
        "A — is a figure fewer than 5 people stand behind (k = 5): with five members, a tag tried \
         by four of them stays hidden. Nobody is named; reflections are only counted.",
    );
    if let Some((_, chart)) = summary.attachments.first() {
        stage
            .transcript
            .keep_file("weekly-summary-chart.png", chart);
    }
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
                ("track", "everyday"),
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

/// A certification track for comparison: its modules, their practice days and dates, and what
/// its sixteenth day (the first of the everyday-interactions module) brings.
async fn certification_plan(stage: &mut Stage) -> anyhow::Result<()> {
    stage
        .transcript
        .heading("The admin looks at a certification track's module plan");
    let admin = stage.cast.admin;
    stage
        .command(
            admin,
            "cohort create",
            &[
                ("name", CERTIFICATION),
                ("track", "accomplice"),
                ("start", "2027-01-04"),
            ],
        )
        .await?;
    stage
        .command(
            admin,
            "cohort preview",
            &[("cohort", CERTIFICATION), ("day", "16")],
        )
        .await?;
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
    for (name, user) in &members {
        match *name {
            "Chioma" => {
                stage.command(*user, "join", &[("cohort", COHORT)]).await?;
            }
            "Farid" => {}
            _ => {
                stage.click(*user, invite, "Join").await?;
            }
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
    stage.transcript.set_now(due);
    stage.bot.scheduler().settle().await;
    let posted = stage.sim.channel_messages(stage.cast.practice);
    let nudge = posted.get(before).context("the day's nudge")?.clone();
    stage.transcript.message("#allyship-practice", &nudge);
    answer_checkins(stage).await?;

    // Later in the day, a few people say they tried it (a different few each day).
    stage.clock.set(due + chrono::Duration::hours(6));
    stage.transcript.set_now(due + chrono::Duration::hours(6));
    let members = stage.cast.members.clone();
    for (index, (_, user)) in members
        .iter()
        .enumerate()
        .filter(|(_, (name, _))| *name != "Farid")
    {
        if !(index as u32 + number).is_multiple_of(3) {
            stage.click(*user, nudge.id, "I tried this").await?;
        }
    }
    match number {
        1 => {
            quiz_from_nudge(stage, members[0].1, nudge.id).await?;
            reflect_and_share(stage, members[1].1, nudge.id, false).await?;
            commit(stage, members[0].1).await?;
        }
        2 => {
            let elif = members[3].1;
            stage
                .transcript
                .note("Elif takes a quiz on her own, from the command.");
            let first = stage.command(elif, "quiz", &[]).await?;
            take_quiz(stage, elif, first.as_message().context("/quiz")?.id).await?;
            reflect_and_share(stage, members[2].1, nudge.id, true).await?;
        }
        _ => {}
    }
    Ok(())
}

/// Clicks Quiz me on the nudge and takes the quiz.
async fn quiz_from_nudge(stage: &mut Stage, user: u64, nudge: u64) -> anyhow::Result<()> {
    let first = stage.click(user, nudge, "Quiz me").await?;
    take_quiz(stage, user, first.as_message().context("Quiz me")?.id).await
}

/// Answers every question (the first option shown each time, so some are right and some not),
/// rates how sure they were, and moves on.
async fn take_quiz(stage: &mut Stage, user: u64, quiz: u64) -> anyhow::Result<()> {
    for round in 0..10 {
        let shown = stage.sim.message(quiz).context("the quiz message")?;
        let Some(letter) = shown
            .buttons()
            .into_iter()
            .find(|b| b.label == "A" || b.label == "B")
        else {
            break;
        };
        let letter = if round % 2 == 0 {
            "A"
        } else {
            letter.label.as_str()
        }
        .to_owned();
        stage.click(user, quiz, &letter).await?;
        let rating = if round % 2 == 0 {
            "2 · Unsure"
        } else {
            "4 · Certain"
        };
        stage.click(user, quiz, rating).await?;
        let after = stage.sim.message(quiz).context("the quiz message")?;
        let next = if after.button("Finish").is_some() {
            "Finish"
        } else {
            "Next question"
        };
        stage.click(user, quiz, next).await?;
        if next == "Finish" {
            break;
        }
    }
    Ok(())
}

/// Reflect on the nudge: consent the first time, write, and maybe share without a name.
async fn reflect_and_share(
    stage: &mut Stage,
    user: u64,
    nudge: u64,
    share: bool,
) -> anyhow::Result<()> {
    let notice = stage.click(user, nudge, "Reflect").await?;
    let notice = notice.as_message().context("the consent notice")?;
    let agree = notice.button("I understand, continue").context("consent")?;
    let who = stage.name(user).to_owned();
    stage
        .transcript
        .action(&who, "clicks [I understand, continue]");
    let form = stage.sim.click(user, notice.id, &agree.custom_id)?;
    let modal = form.reply().await?;
    stage.transcript.reply(&who, &modal);
    let text = if share {
        "In our planning meeting I noticed two people never got a word in. Next time I'll ask them first."
    } else {
        "I realised I usually speak first in stand-up. I tried waiting, and heard an idea I'd have missed."
    };
    stage
        .transcript
        .action(&who, format!("writes (privately): \"{text}\""));
    let saved = stage
        .sim
        .submit_modal(&form, &[("text", text)])?
        .reply()
        .await?;
    stage.transcript.reply(&who, &saved);
    if share {
        let offer = saved.as_message().context("the saved reflection")?.id;
        let preview = stage
            .click(user, offer, "Share anonymously with my cohort")
            .await?;
        stage
            .click(
                user,
                preview.as_message().context("the share preview")?.id,
                "Yes, share it without my name",
            )
            .await?;
        let posted = stage.sim.channel_messages(stage.cast.practice);
        let post = posted.last().context("the shared reflection")?;
        stage.transcript.message("#allyship-practice", post);
    }
    Ok(())
}

/// A "When…, I will…" commitment with a check-in two practice days on.
async fn commit(stage: &mut Stage, user: u64) -> anyhow::Result<()> {
    let who = stage.name(user).to_owned();
    stage.transcript.action(&who, "/commit");
    let form = stage.sim.slash(stage.actor(user), "commit", &[])?;
    let opened = form.reply().await?;
    stage.transcript.reply(&who, &opened);
    let (when, will) = (
        "When someone is talked over in stand-up,",
        "I will hand the floor back to them by name.",
    );
    stage.transcript.action(
        &who,
        format!("fills in: \"{when} {will}\" (check in after 2 days)"),
    );
    let saved = stage
        .sim
        .submit_modal(&form, &[("when", when), ("will", will), ("days", "2")])?
        .reply()
        .await?;
    stage.transcript.reply(&who, &saved);
    Ok(())
}

/// Any check-in DMs that arrived with this round: shown, and answered "Tried it".
async fn answer_checkins(stage: &mut Stage) -> anyhow::Result<()> {
    let members = stage.cast.members.clone();
    for (name, user) in members {
        let Some(dm) = stage.sim.dm_messages(user).into_iter().last() else {
            continue;
        };
        if stage.transcript.seen(dm.id) || dm.button("Tried it").is_none() {
            continue;
        }
        stage
            .transcript
            .message(&format!("a private message to {name}"), &dm);
        stage.click(user, dm.id, "Tried it").await?;
        stage.transcript.action(name, "/progress");
        let progress = stage
            .sim
            .slash(stage.actor(user), "progress", &[])?
            .reply()
            .await?;
        stage.transcript.reply(name, &progress);
    }
    Ok(())
}
