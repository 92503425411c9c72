//! A shared reflection's anonymous post: what it looks like, posting it with its nonce, and
//! finding it again in the channel after an interrupted attempt (by its exact text, author and
//! time, so the post carries no marker that could tie it to anyone). Used by the share button's
//! flow and, through the scheduler's outbound, by recovery.

use chrono::{DateTime, Utc};
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

/// How much earlier than its claim a share's post may be stamped: Discord's clock and this
/// machine's disagree a little. A post is always made after its claim.
const CLOCK_SLACK: chrono::Duration = chrono::Duration::minutes(1);

/// Among the channel's recent messages, those that could be the anonymous post of `text`
/// claimed at `claimed_at`: posted by this bot, no earlier than the claim (less a small slack),
/// with exactly that text; newest first. Two people can share the same few words, so the caller
/// also passes over posts already recorded for another share.
pub async fn find(
    http: &serenity::Http,
    pacer: &Pacer,
    channel: u64,
    text: &str,
    claimed_at: DateTime<Utc>,
) -> Result<Vec<u64>, PostError> {
    let recent = recent_messages(http, pacer, channel).await?;
    if recent.is_empty() {
        return Ok(Vec::new());
    }
    let me = pacer.call(None, || http.get_current_user()).await?.id;
    let not_before = (claimed_at - CLOCK_SLACK).timestamp();
    Ok(recent
        .iter()
        .filter(|m| m.author.id == me && m.timestamp.unix_timestamp() >= not_before)
        .filter(|m| {
            m.embeds.iter().any(|e| {
                e.title.as_deref() == Some(TITLE) && e.description.as_deref() == Some(text)
            })
        })
        .map(|m| m.id.get())
        .collect())
}
