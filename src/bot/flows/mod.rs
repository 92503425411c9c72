//! Shared cores of participant actions, so a slash command and its button do exactly the same
//! thing. Each returns an [`Answer`], which either path sends as an ephemeral reply.

pub mod checkin;
pub mod commitments;
pub mod membership;
pub mod nudge;

use poise::serenity_prelude as serenity;
use poise::CreateReply;

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
