//! `/progress`: your own practice, privately.

use crate::bot::flows::progress;
use crate::bot::{Context, Error};

/// Your streak, consistency, quizzes and commitments (only you see it).
#[poise::command(slash_command, guild_only)]
pub async fn progress(ctx: Context<'_>) -> Result<(), Error> {
    let guild = ctx.guild_id().map(|g| g.get());
    let answer = progress::progress(ctx.data(), guild, ctx.author().id.get()).await?;
    ctx.send(answer.into_reply()).await?;
    Ok(())
}
