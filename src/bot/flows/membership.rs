//! Joining, switching and leaving cohorts.

use poise::serenity_prelude as serenity;

use super::Answer;
use crate::bot::components::ComponentAction;
use crate::bot::{Data, Error};
use crate::store::{Cohort, JoinOutcome};

fn welcome(cohort: &Cohort, k: u32) -> String {
    let channel = cohort
        .channel_id
        .map_or("your cohort's channel".to_owned(), |c| format!("<#{c}>"));
    format!(
        "Welcome to **{}**! Each practice day a short prompt appears in {channel} at {} ({}).\n\n\
         **What allybot keeps:** that you joined, what you click, your quiz answers, and any reflections or \
         commitments you write. Reflections and notes are encrypted and only you can read them; admins only \
         ever see group totals from at least {} people.\n\
         `/leave` leaves the cohort · `/privacy export` gives you all of it · `/privacy delete` removes it.",
        cohort.name,
        cohort.send_time,
        cohort.timezone.name(),
        k
    )
}

/// Joins `cohort`, or offers to switch when the person is in another one.
pub async fn join(data: &Data, guild: u64, user: u64, cohort: &Cohort) -> Result<Answer, Error> {
    match data
        .store
        .join_cohort(guild, cohort.id, user, data.clock.now())
        .await?
    {
        JoinOutcome::Joined => {
            tracing::info!(cohort_id = cohort.id, user_id = user, "joined cohort");
            let k = data.group_minimum(Some(guild)).await;
            Ok(Answer::text(welcome(cohort, k)))
        }
        JoinOutcome::AlreadyIn => Ok(Answer::text(format!(
            "You're already in **{}**. See you at the next nudge!",
            cohort.name
        ))),
        JoinOutcome::InOther { cohort_id } => {
            let current = data
                .store
                .cohort(cohort_id)
                .await?
                .map_or("another cohort".to_owned(), |c| format!("**{}**", c.name));
            let switch = serenity::CreateButton::new(
                ComponentAction::SwitchCohort { cohort: cohort.id }.to_string(),
            )
            .label(crate::bot::render::clip(
                &format!("Switch to {}", cohort.name),
                80,
            ))
            .style(serenity::ButtonStyle::Primary);
            Ok(Answer::text(format!(
                "You're in {current} already, and people take part in one cohort per server at a time. \
                 Switch to **{}**? Your own history stays with you.",
                cohort.name
            ))
            .with_button(switch))
        }
    }
}

/// Moves the person into `cohort`, leaving their current one.
pub async fn switch(data: &Data, guild: u64, user: u64, cohort: &Cohort) -> Result<Answer, Error> {
    data.store
        .switch_cohort(guild, cohort.id, user, data.clock.now())
        .await?;
    tracing::info!(cohort_id = cohort.id, user_id = user, "switched cohort");
    let k = data.group_minimum(Some(guild)).await;
    Ok(Answer::text(welcome(cohort, k)))
}

pub async fn leave(data: &Data, guild: u64, user: u64) -> Result<Answer, Error> {
    match data
        .store
        .leave_cohort(guild, user, data.clock.now())
        .await?
    {
        Some(cohort_id) => {
            let name = data
                .store
                .cohort(cohort_id)
                .await?
                .map_or("your cohort".to_owned(), |c| format!("**{}**", c.name));
            tracing::info!(cohort_id, user_id = user, "left cohort");
            Ok(Answer::text(format!(
                "You've left {name}. Your own data stays until you delete it with `/privacy delete`; \
                 `/join` brings you back any time."
            )))
        }
        None => Ok(Answer::text(
            "You're not in a cohort in this server. `/join` shows the ones you can join.",
        )),
    }
}

/// The reply to a participant command from someone in no cohort.
pub fn not_in_a_cohort() -> Answer {
    Answer::text("You're not in a cohort yet. Run `/join` and pick one, or click **Join** on your cohort's invite.")
}
