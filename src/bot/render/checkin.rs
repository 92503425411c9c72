//! Commitments and check-ins as people see them: the "When…, I will…" line, the check-in
//! card with its Tried it / Not yet / Didn't apply / Add a note buttons (in a DM, in
//! `/checkin`, or after a command), and the note and new-date forms.

use poise::serenity_prelude as serenity;

use super::{clip, ACCENT};
use crate::bot::components::{CheckinOutcome, ComponentAction, ModalKind};

/// The longest note the bot stores; the form allows more, so a longer one reaches the bot and
/// is handed back instead of being cut off unseen.
pub const NOTE_MAX: usize = 1000;
const NOTE_FORM_MAX: u16 = 2000;

/// One commitment on a card: its id, its text, and an optional line under it.
pub struct CheckinLine {
    pub commitment: i64,
    pub text: String,
    pub detail: Option<String>,
}

fn starts_with_word(text: &str, words: &[&str]) -> bool {
    let lower = text.to_lowercase();
    words.iter().any(|w| {
        lower
            .strip_prefix(w)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', ',']))
    })
}

/// "When …, I will …", however the two halves were typed.
pub fn commitment_text(when: &str, will: &str) -> String {
    let when = when.trim().trim_end_matches([',', '…', '.', ' ']);
    let will = will.trim();
    let when = if starts_with_word(when, &["when", "if", "whenever", "after", "before"]) {
        when.to_owned()
    } else {
        format!("When {when}")
    };
    let will = if starts_with_word(will, &["i will", "i'll", "i’ll"]) {
        will.to_owned()
    } else {
        format!("I will {will}")
    };
    format!("{when}, {will}")
}

fn label(lines: usize, index: usize, text: &str) -> String {
    if lines > 1 {
        format!("{} · {text}", index + 1)
    } else {
        text.to_owned()
    }
}

/// One row of answer buttons per commitment (at most five rows, like the open-commitment cap).
pub fn checkin_buttons(lines: &[CheckinLine]) -> Vec<serenity::CreateActionRow> {
    let count = lines.len();
    lines
        .iter()
        .take(5)
        .enumerate()
        .map(|(i, line)| {
            let answer = |outcome, text: &str, style| {
                let action = ComponentAction::Checkin {
                    commitment: line.commitment,
                    outcome,
                };
                serenity::CreateButton::new(action.to_string())
                    .label(label(count, i, text))
                    .style(style)
            };
            let note = ComponentAction::CheckinNote {
                commitment: line.commitment,
            };
            serenity::CreateActionRow::Buttons(vec![
                answer(
                    CheckinOutcome::TriedIt,
                    "Tried it",
                    serenity::ButtonStyle::Success,
                ),
                answer(
                    CheckinOutcome::NotYet,
                    "Not yet",
                    serenity::ButtonStyle::Primary,
                ),
                answer(
                    CheckinOutcome::DidNotApply,
                    "Didn't apply",
                    serenity::ButtonStyle::Secondary,
                ),
                serenity::CreateButton::new(note.to_string())
                    .label(label(count, i, "Add a note"))
                    .style(serenity::ButtonStyle::Secondary),
            ])
        })
        .collect()
}

/// The card listing `lines` under `title`, with `intro` above them.
pub fn checkin_embed(title: &str, intro: &str, lines: &[CheckinLine]) -> serenity::CreateEmbed {
    let numbered = lines.len() > 1;
    let mut description = intro.to_owned();
    for (i, line) in lines.iter().enumerate() {
        description.push_str("\n\n");
        if numbered {
            description.push_str(&format!("**{}.** ", i + 1));
        }
        description.push_str(&format!("> {}", clip(&line.text, 600)));
        if let Some(detail) = &line.detail {
            description.push_str(&format!("\n*{detail}*"));
        }
    }
    serenity::CreateEmbed::new()
        .title(title)
        .description(description)
        .colour(ACCENT)
        .footer(serenity::CreateEmbedFooter::new(
            "Only you can see this. \"Not yet\" and \"Didn't apply\" are fine answers too.",
        ))
}

/// The check-in DM.
pub fn checkin_dm(lines: &[CheckinLine]) -> serenity::CreateMessage {
    let (title, intro) = if lines.len() > 1 {
        (
            "Time for a check-in",
            "You made these plans a little while ago. How did they go?",
        )
    } else {
        (
            "Time for a check-in",
            "You made this plan a little while ago. How did it go?",
        )
    };
    serenity::CreateMessage::new()
        .embed(checkin_embed(title, intro, lines))
        .components(checkin_buttons(lines))
        .allowed_mentions(serenity::CreateAllowedMentions::new())
}

pub fn note_modal(commitment: i64) -> serenity::CreateModal {
    let input = serenity::CreateInputText::new(
        serenity::InputTextStyle::Paragraph,
        "Your note (only you can read it)",
        "note",
    )
    .placeholder("What happened, what you'd keep or change next time.")
    .max_length(NOTE_FORM_MAX)
    .required(true);
    serenity::CreateModal::new(
        ModalKind::CheckinNote { commitment }.to_string(),
        "A note on your commitment",
    )
    .components(vec![serenity::CreateActionRow::InputText(input)])
}

pub fn new_date_modal(commitment: i64) -> serenity::CreateModal {
    let days = serenity::CreateInputText::new(
        serenity::InputTextStyle::Short,
        "Check in again in how many days? (1-60)",
        "days",
    )
    .value("3")
    .max_length(2)
    .required(true);
    serenity::CreateModal::new(
        ModalKind::NewDate { commitment }.to_string(),
        "Not yet: pick a new day",
    )
    .components(vec![serenity::CreateActionRow::InputText(days)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord_limits::{check_message, check_modal, FormErrors};

    #[test]
    fn both_halves_read_naturally_however_they_were_typed() {
        assert_eq!(
            commitment_text("someone is talked over", "say I'd like to hear them finish"),
            "When someone is talked over, I will say I'd like to hear them finish"
        );
        assert_eq!(
            commitment_text("If I set up a meeting,", "I'll rotate the note-taker."),
            "If I set up a meeting, I'll rotate the note-taker."
        );
        assert_eq!(
            commitment_text("When the rota changes…", "I will check it"),
            "When the rota changes, I will check it"
        );
    }

    #[test]
    fn five_longest_commitments_fit_in_a_dm_and_the_forms_fit_discords_limits() {
        let lines: Vec<CheckinLine> = (0..5)
            .map(|i| CheckinLine {
                commitment: i64::MAX - i,
                text: commitment_text(&"w".repeat(200), &"x".repeat(200)),
                detail: Some("Check-in <t:4102444800:D> · waiting since <t:4102444800:R>".into()),
            })
            .collect();
        let mut errors = FormErrors::default();
        check_message(
            &serde_json::to_value(checkin_dm(&lines)).unwrap(),
            "",
            &mut errors,
        );
        for modal in [note_modal(i64::MAX), new_date_modal(i64::MAX)] {
            check_modal(&serde_json::to_value(modal).unwrap(), &mut errors);
        }
        assert!(errors.is_empty(), "{:?}", errors.describe());
    }
}
