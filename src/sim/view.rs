//! Read-only views of what the bot sent, shaped for assertions and transcripts.

use serde_json::Value;

use super::world::{StoredMessage, EPHEMERAL};

/// A message as a user sees it.
#[derive(Debug, Clone)]
pub struct SimMessage {
    pub id: u64,
    pub channel_id: u64,
    pub content: String,
    pub embeds: Vec<Value>,
    pub components: Vec<Value>,
    pub attachments: Vec<(String, Vec<u8>)>,
    pub ephemeral: bool,
    pub nonce: Option<String>,
}

/// A button on a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    pub custom_id: String,
    pub disabled: bool,
}

impl SimMessage {
    pub(crate) fn from_stored(message: &StoredMessage) -> Self {
        Self {
            id: message.id,
            channel_id: message.channel_id,
            content: message.content.clone(),
            embeds: message.embeds.clone(),
            components: message.components.clone(),
            attachments: message
                .attachments
                .iter()
                .map(|a| (a.filename.clone(), a.bytes.clone()))
                .collect(),
            ephemeral: message.visible_to.is_some() || message.flags & EPHEMERAL != 0,
            nonce: message.nonce.clone(),
        }
    }

    /// Everything a reader sees as text: content, then each embed's author, title,
    /// description, fields and footer, one per line.
    pub fn text(&self) -> String {
        let mut lines = Vec::new();
        if !self.content.is_empty() {
            lines.push(self.content.clone());
        }
        for embed in &self.embeds {
            let mut push = |value: Option<&Value>| {
                if let Some(text) = value.and_then(Value::as_str).filter(|t| !t.is_empty()) {
                    lines.push(text.to_owned());
                }
            };
            push(embed.pointer("/author/name"));
            push(embed.get("title"));
            push(embed.get("description"));
            for field in embed
                .get("fields")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                push(field.get("name"));
                push(field.get("value"));
            }
            push(embed.pointer("/footer/text"));
        }
        lines.join("\n")
    }

    pub fn buttons(&self) -> Vec<Button> {
        self.components
            .iter()
            .flat_map(|row| {
                row.get("components")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            })
            .filter(|c| c.get("type").and_then(Value::as_u64) == Some(2))
            .map(|c| Button {
                label: c
                    .get("label")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                custom_id: c
                    .get("custom_id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                disabled: c.get("disabled").and_then(Value::as_bool).unwrap_or(false),
            })
            .collect()
    }

    /// The button with this exact label.
    pub fn button(&self, label: &str) -> Option<Button> {
        self.buttons().into_iter().find(|b| b.label == label)
    }
}

/// A modal the bot opened.
#[derive(Debug, Clone)]
pub struct ModalView {
    pub custom_id: String,
    pub title: String,
    /// (custom_id, label, max_length, required) of each text input.
    pub inputs: Vec<ModalInput>,
}

#[derive(Debug, Clone)]
pub struct ModalInput {
    pub custom_id: String,
    pub label: String,
    pub placeholder: Option<String>,
    pub max_length: Option<u64>,
    pub min_length: Option<u64>,
    pub required: bool,
}

impl ModalView {
    pub(crate) fn from_data(data: &Value) -> Self {
        let text = |v: &Value, field: &str| {
            v.get(field)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let inputs = data
            .get("components")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|row| row.pointer("/components/0"))
            .map(|input| ModalInput {
                custom_id: text(input, "custom_id"),
                label: text(input, "label"),
                placeholder: input
                    .get("placeholder")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                max_length: input.get("max_length").and_then(Value::as_u64),
                min_length: input.get("min_length").and_then(Value::as_u64),
                required: input
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
            })
            .collect();
        Self {
            custom_id: text(data, "custom_id"),
            title: text(data, "title"),
            inputs,
        }
    }
}

/// An autocomplete suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub name: String,
    pub value: String,
}

/// What the bot answered an interaction with, once it is visible to the user.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A message (type 4, or a deferred type 5 once filled in).
    Message(SimMessage),
    /// The message the button was on, updated in place (type 7, or type 6 then an edit).
    Updated(SimMessage),
    Modal(ModalView),
    Choices(Vec<Choice>),
}

impl Reply {
    /// The message of a Message or Updated reply.
    pub fn as_message(&self) -> Option<&SimMessage> {
        match self {
            Reply::Message(m) | Reply::Updated(m) => Some(m),
            _ => None,
        }
    }

    /// The message of a Message or Updated reply; panics otherwise (for tests).
    pub fn message(&self) -> &SimMessage {
        self.as_message()
            .unwrap_or_else(|| panic!("expected a message reply, got {self:?}"))
    }

    pub fn modal(&self) -> &ModalView {
        match self {
            Reply::Modal(m) => m,
            other => panic!("expected a modal, got {other:?}"),
        }
    }

    pub fn text(&self) -> String {
        match self {
            Reply::Message(m) | Reply::Updated(m) => m.text(),
            Reply::Modal(m) => format!("[modal] {}", m.title),
            Reply::Choices(c) => c
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}
