//! `/commit` and `/checkin`: making a "When…, I will…" commitment, and checking in on open ones.

use poise::serenity_prelude as serenity;

use crate::bot::commands::support::{guild_of, respond, NothingFollows};
use crate::bot::flows::checkin;
use crate::bot::flows::commitments;
use crate::bot::{Context, Error};

/// Make a "When…, I will…" commitment; the bot checks in with you privately later.
#[poise::command(slash_command, guild_only)]
pub async fn commit(ctx: Context<'_>) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let outcome = commitments::open_form(ctx.data(), guild, ctx.author().id.get()).await?;
    respond(ctx, outcome).await
}

/// Your open commitments, to check in on any time.
#[poise::command(slash_command)]
pub async fn checkin(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let user = ctx.author().id.get();
    let guild = ctx.guild_id().map(serenity::GuildId::get);
    let (answer, shown) = checkin::list(data, guild, user).await?;
    ctx.set_invocation_data(NothingFollows).await;
    ctx.send(answer.into_reply()).await?;
    if !shown.is_empty() {
        // Anything that was waiting for their next command has now been seen.
        data.store.clear_waiting(user, &shown).await?;
    }
    Ok(())
}
