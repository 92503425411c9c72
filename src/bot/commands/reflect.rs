//! `/reflect`: a private note on the day's question.

use crate::bot::commands::support::respond;
use crate::bot::flows::reflect;
use crate::bot::{Context, Error};

/// Write a private reflection on today's question (only you can read it).
#[poise::command(slash_command, guild_only)]
pub async fn reflect(ctx: Context<'_>) -> Result<(), Error> {
    let guild = ctx.guild_id().map(|g| g.get());
    let outcome = reflect::open(ctx.data(), guild, ctx.author().id.get(), None).await?;
    respond(ctx, outcome).await
}
