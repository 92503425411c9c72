//! `/cohort pause | resume | holiday`: days without a nudge. Content shifts to the next practice
//! day; nothing is skipped.

use chrono::{DateTime, NaiveDate, Utc};

use super::setup::next_nudges_line;
use crate::bot::commands::support::{admin_reply, autocomplete_cohort, cohort_named, parse_date};
use crate::bot::errors::user_error;
use crate::bot::{Context, Error};
use crate::domain::local_time::{local_date, resolve};
use crate::store::Cohort;

/// The first local date whose send time is still ahead: a pause or resume takes effect from
/// the next nudge not yet due, never from one already sent today.
fn first_date_not_yet_due(cohort: &Cohort, now: DateTime<Utc>) -> NaiveDate {
    let today = local_date(now, cohort.timezone);
    if resolve(today, cohort.send_time, cohort.timezone) > now {
        today
    } else {
        today.succ_opt().unwrap_or(today)
    }
}

/// Pause a cohort's nudges until you resume them.
#[poise::command(slash_command, ephemeral)]
pub async fn pause(
    ctx: Context<'_>,
    #[description = "The cohort"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
) -> Result<(), Error> {
    let found = cohort_named(ctx, &cohort).await?;
    let data = ctx.data();
    let from = first_date_not_yet_due(&found, data.clock.now());
    if !data.store.pause_cohort(found.id, from).await? {
        return admin_reply(
            ctx,
            format!(
                "**{}** is already paused. `/cohort resume` starts it again.",
                found.name
            ),
        )
        .await;
    }
    data.scheduler_wake.notify_one();
    admin_reply(
        ctx,
        format!(
            "Paused **{}** from {}. No nudges until you resume; the track picks up where it left off.",
            found.name,
            from.format("%a %-d %b")
        ),
    )
    .await
}

/// Resume a paused cohort's nudges.
#[poise::command(slash_command, ephemeral)]
pub async fn resume(
    ctx: Context<'_>,
    #[description = "The cohort"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
) -> Result<(), Error> {
    let found = cohort_named(ctx, &cohort).await?;
    let data = ctx.data();
    let until = first_date_not_yet_due(&found, data.clock.now());
    if !data.store.resume_cohort(found.id, until).await? {
        return admin_reply(ctx, format!("**{}** isn't paused.", found.name)).await;
    }
    data.scheduler_wake.notify_one();
    let next = next_nudges_line(ctx, found.id).await?;
    admin_reply(ctx, format!("Resumed **{}**.\n{next}", found.name)).await
}

/// Mark a day as a holiday for a cohort (or remove one): no nudge, content moves on a day.
#[poise::command(slash_command, ephemeral)]
pub async fn holiday(
    ctx: Context<'_>,
    #[description = "The cohort"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
    #[description = "The date, YYYY-MM-DD"]
    #[max_length = 20]
    date: String,
    #[description = "Remove this holiday instead"] remove: Option<bool>,
) -> Result<(), Error> {
    let found = cohort_named(ctx, &cohort).await?;
    let date = parse_date(&date)?;
    let data = ctx.data();
    let day = date.format("%a %-d %b %Y");
    // Changing a day that already had its nudge would renumber the days since, and repeat or
    // skip prompts people have seen.
    let latest = data
        .store
        .recent_deliveries(found.id, 1)
        .await?
        .first()
        .map(|d| d.practice_date);
    if latest.is_some_and(|latest| date <= latest) {
        return Err(user_error(format!(
            "{day} is on or before **{}**'s latest nudge, so it can't change any more. Pick a later date.",
            found.name
        )));
    }
    let text = if remove.unwrap_or(false) {
        if data.store.remove_holiday(found.id, date).await? {
            format!("{day} is a practice day again for **{}**.", found.name)
        } else {
            format!(
                "{day} wasn't a holiday for **{}**; nothing changed.",
                found.name
            )
        }
    } else if data.store.add_holiday(found.id, date).await? {
        format!("{day} is a holiday for **{}**: no nudge, and that day's prompt moves to the next practice day.", found.name)
    } else {
        format!("{day} was already a holiday for **{}**.", found.name)
    };
    data.scheduler_wake.notify_one();
    let next = next_nudges_line(ctx, found.id).await?;
    admin_reply(ctx, format!("{text}\n{next}")).await
}
