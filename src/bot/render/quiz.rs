//! Quiz questions and the feedback after an answer. Options are listed in the embed with letters
//! (so long options stay readable) and answered with lettered buttons.

use poise::serenity_prelude as serenity;

use super::{four_a_colour, ACCENT};
use crate::bot::components::ComponentAction;
use crate::content::model::{Module, QuizItem};

pub const LETTERS: [&str; 4] = ["A", "B", "C", "D"];

/// Labels of the 1-4 confidence buttons.
const CONFIDENCE: [&str; 4] = [
    "1 · Guessing",
    "2 · Unsure",
    "3 · Fairly sure",
    "4 · Certain",
];

pub struct QuestionView<'a> {
    pub item: &'a QuizItem,
    pub module: &'a Module,
    /// 1-based position in the quiz, and the quiz length.
    pub number: u8,
    pub total: u8,
    /// `order[displayed] = original option index`.
    pub order: &'a [usize],
    pub attempt: i64,
    /// The item is back for spaced review.
    pub review: bool,
}

pub fn question(
    view: &QuestionView<'_>,
) -> (serenity::CreateEmbed, Vec<serenity::CreateActionRow>) {
    let item = view.item;
    let mut description = String::new();
    if let Some(note) = &item.content_note {
        description.push_str(&format!("*Content note: {}*\n\n", note.trim()));
    }
    description.push_str(item.scenario.trim());
    description.push('\n');
    for (shown, original) in view.order.iter().enumerate() {
        description.push_str(&format!(
            "\n**{}.** {}",
            LETTERS[shown],
            item.options[*original].text.trim()
        ));
    }
    let review = if view.review {
        " · back for review"
    } else {
        ""
    };
    let embed = serenity::CreateEmbed::new()
        .author(serenity::CreateEmbedAuthor::new(format!(
            "Module {} · {}",
            view.module.number, view.module.title
        )))
        .title(format!(
            "Question {} of {}{review}",
            view.number, view.total
        ))
        .description(description)
        .colour(four_a_colour(item.four_a))
        .footer(serenity::CreateEmbedFooter::new(
            "Only you can see this quiz.",
        ));
    let buttons = (0..view.order.len())
        .map(|shown| {
            let action = ComponentAction::Answer {
                attempt: view.attempt,
                question: view.number - 1,
                choice: shown as u8,
            };
            serenity::CreateButton::new(action.to_string())
                .label(LETTERS[shown])
                .style(serenity::ButtonStyle::Primary)
        })
        .collect();
    (embed, vec![serenity::CreateActionRow::Buttons(buttons)])
}

pub struct FeedbackView<'a> {
    pub item: &'a QuizItem,
    pub number: u8,
    pub total: u8,
    pub order: &'a [usize],
    /// The displayed position the person chose.
    pub chosen: usize,
    pub attempt: i64,
    /// When the item comes back, if it does ("in 1 practice day").
    pub comes_back: Option<String>,
}

pub fn feedback(
    view: &FeedbackView<'_>,
) -> (serenity::CreateEmbed, Vec<serenity::CreateActionRow>) {
    let item = view.item;
    let chosen = &item.options[view.order[view.chosen]];
    let best_shown = view
        .order
        .iter()
        .position(|o| *o == item.correct_index())
        .unwrap_or(0);
    let best = &item.options[item.correct_index()];
    let right = chosen.correct;
    let mut description = format!(
        "**You chose {}.** {}",
        LETTERS[view.chosen],
        chosen.explanation.trim()
    );
    if !right {
        description.push_str(&format!(
            "\n\n**The best answer is {}:** {}\n{}",
            LETTERS[best_shown],
            best.text.trim(),
            best.explanation.trim()
        ));
    }
    if let Some(when) = &view.comes_back {
        description.push_str(&format!("\n\n*This one comes back {when}.*"));
    }
    description.push_str("\n\nHow sure were you? (It helps decide when this comes back.)");
    let title = if right {
        "That's the best answer"
    } else {
        "A common choice, and here is a better one"
    };
    let embed = serenity::CreateEmbed::new()
        .title(format!("{title} · {} of {}", view.number, view.total))
        .description(description)
        .colour(if right { ACCENT } else { 0x6C757D })
        .footer(serenity::CreateEmbedFooter::new(format!(
            "Source: {}",
            item.sources.join("; ")
        )));
    let confidence = CONFIDENCE
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let action = ComponentAction::Confidence {
                attempt: view.attempt,
                question: view.number - 1,
                level: i as u8 + 1,
            };
            serenity::CreateButton::new(action.to_string())
                .label(*label)
                .style(serenity::ButtonStyle::Secondary)
        })
        .collect();
    let next_label = if view.number >= view.total {
        "Finish"
    } else {
        "Next question"
    };
    let next = serenity::CreateButton::new(
        ComponentAction::NextQuestion {
            attempt: view.attempt,
        }
        .to_string(),
    )
    .label(next_label)
    .style(serenity::ButtonStyle::Primary);
    (
        embed,
        vec![
            serenity::CreateActionRow::Buttons(confidence),
            serenity::CreateActionRow::Buttons(vec![next]),
        ],
    )
}
