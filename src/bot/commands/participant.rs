//! `/join`, `/leave`, `/today`: the participant's side of cohorts.

use crate::bot::commands::support::{autocomplete_cohort, guild_of};
use crate::bot::errors::user_error;
use crate::bot::flows::{membership, nudge};
use crate::bot::{Context, Error};

/// Join a cohort to get its daily practice prompt.
#[poise::command(slash_command, guild_only)]
pub async fn join(
    ctx: Context<'_>,
    #[description = "The cohort to join"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let found = ctx
        .data()
        .store
        .cohort_named(guild, &cohort)
        .await?
        .ok_or_else(|| {
            user_error(format!(
                "There's no cohort called **{}** here. Start typing to see the ones you can join.",
                crate::bot::render::clip(cohort.trim(), 60)
            ))
        })?;
    let answer = membership::join(ctx.data(), guild, ctx.author().id.get(), &found).await?;
    ctx.send(answer.into_reply()).await?;
    Ok(())
}

/// Leave your cohort (your own data stays until you delete it).
#[poise::command(slash_command, guild_only)]
pub async fn leave(ctx: Context<'_>) -> Result<(), Error> {
    let answer = membership::leave(ctx.data(), guild_of(ctx)?, ctx.author().id.get()).await?;
    ctx.send(answer.into_reply()).await?;
    Ok(())
}

/// Today's practice prompt, with its buttons.
#[poise::command(slash_command, guild_only)]
pub async fn today(ctx: Context<'_>) -> Result<(), Error> {
    let answer = nudge::today(ctx.data(), guild_of(ctx)?, ctx.author().id.get()).await?;
    ctx.send(answer.into_reply()).await?;
    Ok(())
}
