//! `/about`: what the bot does and how to begin.

use poise::CreateReply;

use crate::bot::{render, Context, Error};

/// What allybot does and how to begin.
#[poise::command(slash_command)]
pub async fn about(ctx: Context<'_>) -> Result<(), Error> {
    let k = ctx
        .data()
        .group_minimum(ctx.guild_id().map(|g| g.get()))
        .await;
    ctx.send(
        CreateReply::default()
            .embed(render::about(ctx.data().settings.quiz.questions, k))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}
