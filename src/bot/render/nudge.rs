//! The daily nudge: module, 4A tag, the prompt, and its three buttons. No mentions, ever. The
//! footer says where the cohort is: "Day 23 · Advocacy · Everyday Allyship Practice".

use chrono::{DateTime, Utc};
use poise::serenity_prelude as serenity;

use super::four_a_colour;
use crate::bot::components::ComponentAction;
use crate::content::model::{Module, Prompt, Track};
use crate::domain::Stage;

pub struct NudgeView<'a> {
    pub track: &'a Track,
    pub stage: Stage,
    /// The module the prompt belongs to (differs from the stage on borrowed and review days).
    pub prompt_module: &'a Module,
    pub prompt: &'a Prompt,
    pub day: u32,
    pub delivery: i64,
    /// Set when the nudge goes out late: when it was due.
    pub late_due: Option<DateTime<Utc>>,
}

fn heading(view: &NudgeView<'_>) -> String {
    let module = view.prompt_module;
    match view.stage {
        Stage::Module(number) if number == module.number => {
            format!("Module {number} · {}", module.title)
        }
        Stage::Module(number) => format!(
            "Module {number} · a prompt from Module {}: {}",
            module.number, module.title
        ),
        Stage::Review => format!("Review · Module {} · {}", module.number, module.title),
        // An open-ended program's prompts come from other tracks' modules: name the track.
        Stage::Open => {
            let track = module
                .source
                .as_ref()
                .map_or(view.track.title.as_str(), |s| s.title.as_str());
            format!("Module {} · {} · {track}", module.number, module.title)
        }
    }
}

pub fn nudge_embed(view: &NudgeView<'_>) -> serenity::CreateEmbed {
    let prompt = view.prompt;
    let mut description = String::new();
    if let Some(note) = &prompt.content_note {
        description.push_str(&format!("*Content note: {}*\n\n", note.trim()));
    }
    description.push_str(prompt.text.trim());
    if let Some(question) = &prompt.reflection {
        description.push_str(&format!("\n\n**Reflect:** {}", question.trim()));
    }
    if let Some(due) = view.late_due {
        description.push_str(&format!(
            "\n\n*This nudge is running late: it was due <t:{}:f>.*",
            due.timestamp()
        ));
    }
    serenity::CreateEmbed::new()
        .author(serenity::CreateEmbedAuthor::new(heading(view)))
        .title(prompt.title.trim())
        .description(description)
        .colour(four_a_colour(prompt.four_a))
        .footer(serenity::CreateEmbedFooter::new(format!(
            "Day {} · {} · {}",
            view.day,
            prompt.four_a.name(),
            view.track.title
        )))
}

pub fn nudge_buttons(delivery: i64) -> serenity::CreateActionRow {
    serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(ComponentAction::TriedIt { delivery }.to_string())
            .label("I tried this")
            .style(serenity::ButtonStyle::Success),
        serenity::CreateButton::new(ComponentAction::ReflectOnNudge { delivery }.to_string())
            .label("Reflect")
            .style(serenity::ButtonStyle::Primary),
        serenity::CreateButton::new(ComponentAction::QuizFromNudge { delivery }.to_string())
            .label("Quiz me")
            .style(serenity::ButtonStyle::Secondary),
    ])
}

/// The channel post. `allowed_mentions` is empty, so even text that looked like a mention
/// could never ping anyone.
pub fn nudge_message(view: &NudgeView<'_>) -> serenity::CreateMessage {
    serenity::CreateMessage::new()
        .embed(nudge_embed(view))
        .components(vec![nudge_buttons(view.delivery)])
        .allowed_mentions(serenity::CreateAllowedMentions::new())
}
