//! The bot's own permissions in a channel, read fresh over REST: roles, overwrites and the bot's
//! own roles can change at any time, so a cached answer could be wrong exactly when it matters.

use poise::serenity_prelude as serenity;

use super::commands::support::guild_of;
use super::errors::user_error;
use super::pacer::Pacer;
use super::{Context, Error};
use crate::scheduler::PostError;

/// What the bot needs in a cohort channel, with the names Discord's settings use.
pub const NEEDED: [(serenity::Permissions, &str); 5] = [
    (serenity::Permissions::VIEW_CHANNEL, "View Channel"),
    (serenity::Permissions::SEND_MESSAGES, "Send Messages"),
    (serenity::Permissions::EMBED_LINKS, "Embed Links"),
    (serenity::Permissions::ATTACH_FILES, "Attach Files"),
    (
        serenity::Permissions::READ_MESSAGE_HISTORY,
        "Read Message History",
    ),
];

/// The bot's effective permissions in `channel` (which must be a guild channel).
pub async fn bot_permissions(
    http: &serenity::Http,
    pacer: &Pacer,
    channel: serenity::ChannelId,
    bot: serenity::UserId,
) -> Result<Option<serenity::Permissions>, PostError> {
    let found = pacer.call(None, || channel.to_channel(http)).await?;
    let Some(channel) = found.guild() else {
        return Ok(None);
    };
    let guild_id = channel.guild_id;
    let guild = pacer.call(None, || guild_id.to_partial_guild(http)).await?;
    let me = pacer.call(None, || guild_id.member(http, bot)).await?;
    Ok(Some(guild.user_permissions_in(&channel, &me)))
}

fn unreachable_channel(error: PostError) -> Error {
    match error {
        PostError::DeadTarget { .. } | PostError::MissingPermissions => user_error(
            "I can't see that channel. Check that it exists and that I have View Channel there.",
        ),
        other => other.into(),
    }
}

/// The permissions of [`NEEDED`] the bot lacks in `channel` (empty when it has them all).
pub async fn missing_in_channel(
    ctx: Context<'_>,
    channel: u64,
) -> Result<Vec<&'static str>, Error> {
    let guild = guild_of(ctx)?;
    let bot = ctx.serenity_context().cache.current_user().id;
    let channel_id = serenity::ChannelId::new(channel);
    let in_this_guild = ctx
        .data()
        .pacer
        .call(None, || channel_id.to_channel(ctx.http()))
        .await
        .map_err(unreachable_channel)?
        .guild()
        .is_some_and(|c| c.guild_id.get() == guild);
    if !in_this_guild {
        return Err(user_error("Pick a text channel in this server."));
    }
    let granted = bot_permissions(ctx.http(), &ctx.data().pacer, channel_id, bot)
        .await
        .map_err(unreachable_channel)?
        .unwrap_or_else(serenity::Permissions::empty);
    Ok(NEEDED
        .iter()
        .filter(|(p, _)| !granted.contains(*p))
        .map(|(_, name)| *name)
        .collect())
}

/// Refuses (naming what is missing) unless the bot has everything it needs in `channel`.
pub async fn require_channel_permissions(ctx: Context<'_>, channel: u64) -> Result<(), Error> {
    let missing = missing_in_channel(ctx, channel).await?;
    if missing.is_empty() {
        return Ok(());
    }
    Err(user_error(format!(
        "I can't use <#{channel}> yet: I'm missing **{}** there. Give me those (channel settings → Permissions), \
         then run this again. Nothing was changed.",
        missing.join("**, **")
    )))
}
