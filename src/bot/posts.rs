//! The bot's own channel posts, paced like every other REST call: taking one down (a shared
//! reflection whose text is gone), and reading a channel's recent messages to find one after an
//! interrupted post. A leaf, used by the scheduler's outbound and the flows alike.

use poise::serenity_prelude as serenity;

use super::pacer::Pacer;
use super::permissions::bot_permissions;
use crate::scheduler::PostError;

/// How far back a channel is searched for a post made before a crash.
const RECENT_MESSAGES: u8 = 100;

/// The channel's most recent messages, newest first. An error, not an empty list, when the bot
/// may not read the history: Discord then answers an empty list, and "not found" would be a
/// guess (a wrong guess posts twice).
pub async fn recent_messages(
    http: &serenity::Http,
    pacer: &Pacer,
    channel: u64,
) -> Result<Vec<serenity::Message>, PostError> {
    let channel = serenity::ChannelId::new(channel);
    let recent = pacer
        .call(None, || {
            channel.messages(http, serenity::GetMessages::new().limit(RECENT_MESSAGES))
        })
        .await?;
    if recent.is_empty() {
        let me = pacer.call(None, || http.get_current_user()).await?;
        let permissions = bot_permissions(http, pacer, channel, me.id).await?;
        if !permissions.is_some_and(|p| p.read_message_history()) {
            return Err(PostError::Transient {
                code: None,
                detail: "the bot cannot read the channel's history to check for an earlier post"
                    .into(),
                retry_after: None,
            });
        }
    }
    Ok(recent)
}

/// Discord's "Unknown Message" and "Unknown Channel".
const UNKNOWN_MESSAGE: u32 = 10008;
const UNKNOWN_CHANNEL: u32 = 10003;

/// Takes down one of the bot's posts. A post that is already gone (deleted by a moderator, or
/// its channel with it) counts as taken down. Lost access (50001) does not: the post is still
/// there for everyone who can see the channel, so it is a refusal the caller reports.
pub async fn delete_post(
    pacer: &Pacer,
    http: &serenity::Http,
    channel: u64,
    message: u64,
) -> Result<(), PostError> {
    let channel = serenity::ChannelId::new(channel);
    let message = serenity::MessageId::new(message);
    match pacer
        .call(None, || channel.delete_message(http, message))
        .await
    {
        Ok(())
        | Err(PostError::DeadTarget {
            code: UNKNOWN_CHANNEL,
            ..
        })
        | Err(PostError::Rejected {
            code: UNKNOWN_MESSAGE,
            ..
        }) => Ok(()),
        Err(e) => Err(e),
    }
}
