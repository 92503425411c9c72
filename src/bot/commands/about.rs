//! `/about`: what the bot does and how to begin.

use poise::CreateReply;

use crate::bot::{render, Context, Error};

/// What allybot does and how to begin.
#[poise::command(slash_command)]
pub async fn about(ctx: Context<'_>) -> Result<(), Error> {
    ctx.send(
        CreateReply::default()
            .embed(render::about(
                ctx.data().settings.quiz.questions,
                ctx.data().settings.privacy.min_group_size,
            ))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}
