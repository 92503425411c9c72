//! A shared reflection's anonymous post: what it looks like, posting it with its nonce, and
//! finding it again in the channel after an interrupted attempt (by its exact text, so the post
//! carries no marker that could tie it to anyone). Used by the share button's flow and, through
//! the scheduler's outbound, by recovery.

use poise::serenity_prelude as serenity;

use super::pacer::Pacer;
use super::posts::recent_messages;
use super::render;
use crate::scheduler::PostError;

pub const TITLE: &str = "A reflection from someone in the cohort";

pub fn embed(text: &str) -> serenity::CreateEmbed {
    serenity::CreateEmbed::new()
        .title(TITLE)
        .description(text)
        .colour(render::ACCENT)
        .footer(serenity::CreateEmbedFooter::new(
            "Shared anonymously. Respond to ideas, not to guesses about who wrote them.",
        ))
}

/// Posts `text` without any name; the nonce makes a repeat within Discord's window return the
/// first message instead of a second one.
pub async fn post(
    http: &serenity::Http,
    pacer: &Pacer,
    channel: u64,
    nonce: &str,
    text: &str,
) -> Result<u64, PostError> {
    let message = serenity::CreateMessage::new()
        .embed(embed(text))
        .allowed_mentions(serenity::CreateAllowedMentions::new())
        .nonce(serenity::Nonce::String(nonce.to_owned()))
        .enforce_nonce(true);
    let target = serenity::ChannelId::new(channel);
    let posted = pacer
        .call(Some(channel), || target.send_message(http, message.clone()))
        .await?;
    Ok(posted.id.get())
}

/// The anonymous post of `text` among the channel's recent messages.
pub async fn find(
    http: &serenity::Http,
    pacer: &Pacer,
    channel: u64,
    text: &str,
) -> Result<Option<u64>, PostError> {
    let recent = recent_messages(http, pacer, channel).await?;
    Ok(recent
        .iter()
        .find(|m| {
            m.embeds.iter().any(|e| {
                e.title.as_deref() == Some(TITLE) && e.description.as_deref() == Some(text)
            })
        })
        .map(|m| m.id.get()))
}
