//! `/certificate verify code`: anyone can check a certificate's code.

use crate::bot::flows::certificate;
use crate::bot::{Context, Error};

/// Certificates of completion.
#[poise::command(slash_command, subcommands("verify"), subcommand_required)]
pub async fn certificate(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Check a certificate's verification code: genuine or not, its track and date.
#[poise::command(slash_command)]
pub async fn verify(
    ctx: Context<'_>,
    #[description = "The code on the certificate, like K7QM-3XZ9-P2TA-H4WC"]
    #[max_length = 40]
    code: String,
) -> Result<(), Error> {
    let answer = certificate::verify(ctx.data(), &code).await?;
    ctx.send(answer.into_reply()).await?;
    Ok(())
}
