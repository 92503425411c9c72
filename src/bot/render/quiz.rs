//! Quiz questions and the feedback after an answer. Options are listed in the embed with letters
//! (so long options stay readable) and answered with lettered buttons.

use poise::serenity_prelude as serenity;

use super::{four_a_colour, ACCENT};
use crate::bot::components::ComponentAction;
use crate::content::load::MAX_OPTIONS;
use crate::content::model::{Module, QuizItem};

/// One letter per option: the array's length is the loader's limit, so the two cannot drift.
pub const LETTERS: [&str; MAX_OPTIONS] = ["A", "B", "C", "D"];

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

/// What happens to an item next, as the feedback tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revisit {
    /// It comes back `when` ("in 3 practice days, on Wed 2 Dec").
    Back(String),
    /// Right and sure: it will not come back.
    Retired,
    /// Right, not rated yet: the rating decides.
    AskRating,
}

pub struct FeedbackView<'a> {
    pub item: &'a QuizItem,
    pub number: u8,
    pub total: u8,
    pub order: &'a [usize],
    /// The displayed position the person chose.
    pub chosen: usize,
    pub attempt: i64,
    pub revisit: Revisit,
    /// The 1-4 rating, once given: it is acknowledged and the rating buttons go away.
    pub rated: Option<u8>,
}

fn feedback_text(view: &FeedbackView<'_>) -> String {
    let item = view.item;
    let chosen = &item.options[view.order[view.chosen]];
    let mut text = format!(
        "**You chose {}.** {}",
        LETTERS[view.chosen],
        chosen.explanation.trim()
    );
    if !chosen.correct {
        let best = &item.options[item.correct_index()];
        let best_shown = view
            .order
            .iter()
            .position(|o| *o == item.correct_index())
            .unwrap_or(0);
        text.push_str(&format!(
            "\n\n**The best answer is {}:** {}\n{}",
            LETTERS[best_shown],
            best.text.trim(),
            best.explanation.trim()
        ));
    }
    match &view.revisit {
        Revisit::Back(when) => text.push_str(&format!("\n\n*This one comes back {when}.*")),
        Revisit::Retired => {
            text.push_str("\n\n*Right, and you were sure: this one is retired from review.*")
        }
        Revisit::AskRating => {}
    }
    match view.rated {
        Some(level) => text.push_str(&format!(
            "\n\nYou rated this **{}**. Thanks!",
            confidence_label(level)
        )),
        None if chosen.correct => text.push_str(
            "\n\nHow sure were you? 3 or 4 retires this one; 1 or 2 brings it back for practice.",
        ),
        None => text.push_str(
            "\n\nHow sure were you? Noticing when you felt sure and missed shows where practice helps most.",
        ),
    }
    text
}

/// The label of confidence `level` (1-4).
pub fn confidence_label(level: u8) -> &'static str {
    CONFIDENCE[usize::from(level.clamp(1, 4)) - 1]
}

fn confidence_row(view: &FeedbackView<'_>) -> serenity::CreateActionRow {
    let buttons = CONFIDENCE
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
    serenity::CreateActionRow::Buttons(buttons)
}

pub fn feedback(
    view: &FeedbackView<'_>,
) -> (serenity::CreateEmbed, Vec<serenity::CreateActionRow>) {
    let item = view.item;
    let right = item.options[view.order[view.chosen]].correct;
    let title = if right {
        "That's the best answer"
    } else {
        "A common choice, and here is a better one"
    };
    let embed = serenity::CreateEmbed::new()
        .title(format!("{title} · {} of {}", view.number, view.total))
        .description(feedback_text(view))
        .colour(if right { ACCENT } else { 0x6C757D })
        .footer(serenity::CreateEmbedFooter::new(format!(
            "Source: {}",
            item.sources.join("; ")
        )));
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
    let mut rows = Vec::new();
    if view.rated.is_none() {
        rows.push(confidence_row(view));
    }
    rows.push(serenity::CreateActionRow::Buttons(vec![next]));
    (embed, rows)
}
