//! `/privacy info | export | delete`: each person's control over their own data.

use poise::serenity_prelude as serenity;
use poise::CreateReply;

use crate::bot::flows::privacy;
use crate::bot::{Context, Error};

/// What allybot keeps about you; export or delete it.
#[poise::command(
    slash_command,
    subcommands("info", "export", "delete"),
    subcommand_required
)]
pub async fn privacy(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Exactly what allybot keeps about you, who can see it, and for how long.
#[poise::command(slash_command)]
pub async fn info(ctx: Context<'_>) -> Result<(), Error> {
    let guild = ctx.guild_id().map(|g| g.get());
    ctx.send(privacy::info(ctx.data(), guild).await.into_reply())
        .await?;
    Ok(())
}

/// Everything allybot keeps about you, as a JSON file only you receive.
#[poise::command(slash_command)]
pub async fn export(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let document = privacy::export(ctx.data(), ctx.author().id.get()).await?;
    let reply = CreateReply::default()
        .content("Here is everything allybot keeps about you (format: docs/PRIVACY.md).")
        .attachment(serenity::CreateAttachment::bytes(
            document,
            "allybot-export.json",
        ))
        .ephemeral(true);
    ctx.send(reply).await?;
    Ok(())
}

/// Delete everything allybot keeps about you (asks first).
#[poise::command(slash_command)]
pub async fn delete(ctx: Context<'_>) -> Result<(), Error> {
    ctx.send(privacy::confirm_delete().into_reply()).await?;
    Ok(())
}
