//! `/quiz`: a short private quiz with explanations and spaced re-asking.

use crate::bot::commands::support::guild_of;
use crate::bot::flows::quiz;
use crate::bot::{Context, Error};

/// A few quick questions, one at a time; missed ones come back for review.
#[poise::command(slash_command, guild_only)]
pub async fn quiz(
    ctx: Context<'_>,
    #[description = "Only ask from this module (1-7)"]
    #[min = 1]
    #[max = 7]
    module: Option<u8>,
) -> Result<(), Error> {
    let answer = quiz::start(ctx.data(), guild_of(ctx)?, ctx.author().id.get(), module).await?;
    ctx.send(answer.into_reply()).await?;
    Ok(())
}
