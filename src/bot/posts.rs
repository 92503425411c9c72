//! The bot's own channel posts, paced like every other REST call: taking one down (a shared
//! reflection whose text is gone). A leaf, used by the scheduler's outbound and the flows alike.

use poise::serenity_prelude as serenity;

use super::pacer::Pacer;
use crate::scheduler::PostError;

/// Takes down one of the bot's posts. A post that is already gone (deleted by a moderator, or
/// its channel with it) counts as taken down.
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
        Err(PostError::DeadTarget { .. }) | Ok(()) => Ok(()),
        Err(PostError::Rejected { code: 10008, .. }) => Ok(()),
        Err(e) => Err(e),
    }
}
