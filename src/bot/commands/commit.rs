//! `/commit` and `/checkin`: making a "When…, I will…" commitment, and checking in on open ones.

use std::sync::atomic::Ordering;

use poise::serenity_prelude as serenity;

use crate::bot::commands::support::guild_of;
use crate::bot::errors::user_error;
use crate::bot::flows::checkin::{self, Reaction};
use crate::bot::flows::commitments;
use crate::bot::{Context, Error};

/// Make a "When…, I will…" commitment; the bot checks in with you privately later.
#[poise::command(slash_command, guild_only)]
pub async fn commit(ctx: Context<'_>) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    match commitments::open_form(ctx.data(), guild, ctx.author().id.get()).await? {
        Reaction::Modal(form) => open_form(ctx, form).await,
        Reaction::Answer(answer) => {
            ctx.send(answer.into_reply()).await?;
            Ok(())
        }
    }
}

/// Answers the command with a form. The submission arrives later as its own interaction,
/// routed by custom_id, so it survives a restart (no in-memory collector).
async fn open_form(ctx: Context<'_>, form: serenity::CreateModal) -> Result<(), Error> {
    let poise::Context::Application(app) = ctx else {
        return Err(user_error("`/commit` works as a slash command."));
    };
    app.interaction
        .create_response(ctx.http(), serenity::CreateInteractionResponse::Modal(form))
        .await?;
    app.has_sent_initial_response.store(true, Ordering::SeqCst);
    Ok(())
}

/// Your open commitments, to check in on any time.
#[poise::command(slash_command)]
pub async fn checkin(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let user = ctx.author().id.get();
    let guild = ctx.guild_id().map(serenity::GuildId::get);
    let (answer, shown) = checkin::list(data, guild, user).await?;
    ctx.send(answer.into_reply()).await?;
    if !shown.is_empty() {
        // Anything that was waiting for their next command has now been seen.
        data.store.clear_waiting(user, &shown).await?;
    }
    Ok(())
}
