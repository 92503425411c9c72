//! `/commit`: the form (with an example from the cohort's current module) and what happens
//! when it is sent: the text is sealed, the check-in day is set in the person's own zone,
//! and anything refused is handed back so nothing typed is lost.

use chrono::{DateTime, Duration, Utc};

use super::membership::not_in_a_cohort;
use super::Answer;
use super::Outcome;
use crate::bot::commands::support::timestamp;
use crate::bot::render::{commitment_modal, commitment_text};
use crate::bot::sealed;
use crate::bot::{Data, Error};
use crate::content::model::{CommitmentTemplate, Module};
use crate::domain::local_time::local_date;
use crate::domain::{resolve, Stage};
use crate::store::{Cohort, CommitOutcome, NewCommitment};

/// Open commitments a person may have at once.
pub const MAX_OPEN: u32 = 5;
pub const DEFAULT_DAYS: u32 = 7;
pub const MAX_DAYS: u32 = 60;
/// The longest half ("When…" or "I will…") the bot stores; the form allows the same.
pub const HALF_MAX: usize = 200;

fn too_many() -> String {
    format!(
        "You have {MAX_OPEN} open commitments, which is the most at once, so each one gets real attention. \
         Check in on one with `/checkin` (\"Didn't apply\" is a fine answer), then make a new one."
    )
}

/// Text someone typed, handed back in a code block so it can be copied.
fn echo(text: &str) -> String {
    let safe = crate::bot::render::clip(text, 1500).replace("```", "`\u{200b}``");
    format!("Here's what you wrote, so you can copy it:\n```\n{safe}\n```")
}

fn echo_halves(when: &str, will: &str) -> String {
    echo(&format!("When: {when}\nI will: {will}"))
}

/// `/commit`: the form, or why not.
pub async fn open_form(data: &Data, guild: u64, user: u64) -> Result<Outcome, Error> {
    let Some(cohort) = data.store.current_cohort(guild, user).await? else {
        return Ok(not_in_a_cohort().into());
    };
    if data.store.open_commitments(user).await?.len() >= MAX_OPEN as usize {
        return Ok(Answer::text(too_many()).into());
    }
    let example = example(data, &cohort).await?;
    let (when, will) = example.map_or(
        (
            "When someone is talked over in a meeting,",
            "I will say I'd like to hear them finish.",
        ),
        |t| (t.when.as_str(), t.will.as_str()),
    );
    Ok(Outcome::Form(commitment_modal(when, will)))
}

/// One of the current module's commitment templates (of every module, on an open-ended
/// program), rotating by practice day.
async fn example<'a>(
    data: &'a Data,
    cohort: &Cohort,
) -> Result<Option<&'a CommitmentTemplate>, Error> {
    let Some(track) = data.curriculum.track(&cohort.track) else {
        return Ok(None);
    };
    let calendar = data.store.calendar(cohort).await?;
    let today = local_date(data.clock.now(), cohort.timezone);
    let day = (0..14)
        .filter_map(|back| calendar.day_number(today - Duration::days(back)))
        .next()
        .unwrap_or(1);
    // An open-ended program's templates come from every module it draws from.
    let modules: Vec<&Module> = match cohort.plan.stage(day, &cohort.pace) {
        Stage::Module(number) => track.module(number).into_iter().collect(),
        Stage::Review => track.modules.last().into_iter().collect(),
        Stage::Open => track.modules.iter().collect(),
    };
    let templates: Vec<&CommitmentTemplate> = modules.iter().flat_map(|m| &m.commitments).collect();
    Ok((!templates.is_empty()).then(|| templates[day as usize % templates.len()]))
}

fn parse_days(text: &str) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return Some(DEFAULT_DAYS);
    }
    text.parse::<u32>()
        .ok()
        .filter(|d| (1..=MAX_DAYS).contains(d))
}

/// The form was sent.
pub async fn submit(
    data: &Data,
    guild: Option<u64>,
    user: u64,
    when: &str,
    will: &str,
    days: &str,
) -> Result<Answer, Error> {
    let (when, will) = (when.trim(), will.trim());
    let refuse = |why: &str| {
        Ok(Answer::text(format!(
            "{why}\n\n{}",
            echo_halves(when, will)
        )))
    };
    if when.is_empty() || will.is_empty() {
        return refuse("A commitment needs both halves: when it applies, and what you'll do.");
    }
    if when.chars().count() > HALF_MAX || will.chars().count() > HALF_MAX {
        return refuse(&format!(
            "Each half can be up to {HALF_MAX} characters. A shorter plan is easier to remember, too."
        ));
    }
    let Some(days) = parse_days(days) else {
        return refuse(&format!(
            "The check-in needs a number of days from 1 to {MAX_DAYS}. Run `/commit` again and paste your plan back in."
        ));
    };
    let cohort = match guild {
        Some(guild) => data.store.current_cohort(guild, user).await?,
        None => None,
    };
    let (Some(guild), Some(cohort)) = (guild, cohort) else {
        let join = not_in_a_cohort().text;
        return refuse(&join);
    };
    let now = data.clock.now();
    let settings = data.store.participant_settings(user).await?;
    let zone = settings.zone_or(cohort.timezone);
    let due_date = local_date(now, zone) + Duration::days(i64::from(days));
    let new = NewCommitment {
        user_id: user,
        guild_id: guild,
        cohort_id: cohort.id,
        follow_up_days: days,
        due_date,
    };
    let created = super::persist(|| {
        let seal = sealed::sealing_commitment(&data.cipher, when, will);
        data.store.create_commitment(new, seal, MAX_OPEN, now)
    })
    .await?;
    match created {
        CommitOutcome::TooMany => refuse(&too_many()),
        CommitOutcome::Created(id) => {
            tracing::info!(user_id = user, commitment_id = id, days, "commitment made");
            data.scheduler_wake.notify_one();
            let due = resolve(due_date, cohort.send_time, zone);
            Ok(Answer::text(saved(
                &commitment_text(when, will),
                due,
                settings.reminders_on,
            )))
        }
    }
}

fn saved(text: &str, due: DateTime<Utc>, reminders_on: bool) -> String {
    let how = if reminders_on {
        "I'll check in with you privately by DM on that day (if your DMs are closed, it shows up the \
         next time you use a command here)."
    } else {
        "Your reminders are off, so the check-in waits for you in `/checkin` and on your next command."
    };
    format!(
        "Saved, and only you can read it:\n> {text}\n\n**Check-in:** {} ({}). {how}\n\
         `/checkin` shows your open commitments any time.",
        timestamp(due, 'F'),
        timestamp(due, 'R')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_default_to_seven_and_stay_within_two_months() {
        assert_eq!(parse_days(""), Some(7));
        assert_eq!(parse_days(" 14 "), Some(14));
        for bad in ["0", "61", "-3", "two", "1.5"] {
            assert_eq!(parse_days(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_echo_cannot_break_out_of_its_code_block() {
        let echoed = echo("I will ``` not break this");
        assert_eq!(echoed.matches("```").count(), 2, "{echoed}");
    }
}
