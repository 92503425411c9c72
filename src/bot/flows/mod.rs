//! Shared cores of participant actions, so a slash command and its button do exactly the same
//! thing. Each returns an [`Answer`], which either path sends as an ephemeral reply.

pub mod certificate;
pub mod checkin;
pub mod commitments;
pub mod membership;
pub mod nudge;
pub mod plan;
pub mod plan_admin;
pub mod plan_export;
pub mod privacy;
pub mod progress;
pub mod quiz;
pub mod reflect;

use std::future::Future;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use poise::CreateReply;

use crate::store::StoreError;

/// How long a write of what a person typed is tried again while the database is locked by
/// another writer. The interaction has been acknowledged by then (`reply::respond_in_time`), so
/// the text is saved late rather than handed back.
const TYPED_TEXT_PATIENCE: Duration = Duration::from_secs(15);
const TRY_AGAIN_AFTER: Duration = Duration::from_millis(250);

/// Runs `write` (storing something a person typed), trying again while the database is busy.
pub async fn persist<T, Fut>(mut write: impl FnMut() -> Fut) -> Result<T, StoreError>
where
    Fut: Future<Output = Result<T, StoreError>>,
{
    let deadline = tokio::time::Instant::now() + TYPED_TEXT_PATIENCE;
    loop {
        match write().await {
            Err(e) if e.is_busy() && tokio::time::Instant::now() < deadline => {
                tracing::warn!("the database is locked by another writer; saving what a person typed again shortly");
                tokio::time::sleep(TRY_AGAIN_AFTER).await;
            }
            other => return other,
        }
    }
}

/// What a person is shown: text, maybe an embed, maybe buttons. Always ephemeral.
#[derive(Default)]
pub struct Answer {
    pub text: String,
    pub embed: Option<serenity::CreateEmbed>,
    pub components: Vec<serenity::CreateActionRow>,
}

impl Answer {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// Hands the person's own text back whole, so a refusal loses nothing they typed. It goes
    /// in an embed: a description holds 4,096 characters, more than any of our form fields.
    pub fn with_text_back(mut self, text: &str) -> Self {
        if text.is_empty() {
            return self; // Nothing to hand back, and Discord refuses an empty embed.
        }
        let whole = crate::bot::render::clip(text, crate::discord_limits::EMBED_DESCRIPTION_MAX);
        self.embed = Some(serenity::CreateEmbed::new().description(whole));
        self
    }

    pub fn with_button(mut self, button: serenity::CreateButton) -> Self {
        self.components
            .push(serenity::CreateActionRow::Buttons(vec![button]));
        self
    }

    pub fn into_reply(self) -> CreateReply {
        let mut reply = CreateReply::default()
            .content(self.text)
            .components(self.components)
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new());
        if let Some(embed) = self.embed {
            reply = reply.embed(embed);
        }
        reply
    }

    pub fn into_response(self) -> serenity::CreateInteractionResponse {
        let mut message = serenity::CreateInteractionResponseMessage::new()
            .content(self.text)
            .components(self.components)
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new());
        if let Some(embed) = self.embed {
            message = message.embed(embed);
        }
        serenity::CreateInteractionResponse::Message(message)
    }
}

impl Answer {
    /// The answer as an edit of a deferred response ("thinking..." filled in).
    pub fn into_edit(self) -> serenity::EditInteractionResponse {
        let mut edit = serenity::EditInteractionResponse::new()
            .content(self.text)
            .components(self.components)
            .allowed_mentions(serenity::CreateAllowedMentions::new());
        if let Some(embed) = self.embed {
            edit = edit.embed(embed);
        }
        edit
    }

    /// The answer shown in place of the message whose button was clicked (UpdateMessage).
    /// Every part is set, so nothing of the previous message lingers.
    pub fn into_update(self) -> serenity::CreateInteractionResponse {
        serenity::CreateInteractionResponse::UpdateMessage(
            serenity::CreateInteractionResponseMessage::new()
                .content(self.text)
                .embeds(self.embed.into_iter().collect())
                .components(self.components)
                .allowed_mentions(serenity::CreateAllowedMentions::new()),
        )
    }
}

/// A reply, or a form to fill in. A form can only be the first response to an interaction.
pub enum Outcome {
    Say(Box<Answer>),
    Form(serenity::CreateModal),
}

impl From<Answer> for Outcome {
    fn from(answer: Answer) -> Self {
        Outcome::Say(Box::new(answer))
    }
}

impl Outcome {
    pub fn into_response(self) -> serenity::CreateInteractionResponse {
        match self {
            Outcome::Say(answer) => answer.into_response(),
            Outcome::Form(modal) => serenity::CreateInteractionResponse::Modal(modal),
        }
    }
}
