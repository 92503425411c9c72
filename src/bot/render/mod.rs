//! Domain -> Discord messages: embeds, buttons and modals. Pure functions; [`fit`] checks their
//! output against Discord's limits, so a message Discord would refuse fails a test here first.

mod about;
mod checkin;
mod fit;
mod modals;
mod nudge;
pub mod plan;
mod quiz;
mod quiz_summary;
mod summary;

pub use crate::report::position::{day_line, module_plan, open_program_line, started_day};
pub use about::about;
pub use checkin::{
    checkin_buttons, checkin_dm, checkin_embed, commitment_text, new_date_modal, note_modal,
    CheckinLine, NOTE_MAX,
};
pub use fit::DiscordFit;
pub use modals::{commitment_modal, reflection_modal, REFLECTION_MAX};
pub use nudge::{nudge_buttons, nudge_embed, nudge_message, NudgeView};
pub use quiz::{
    confidence_label, feedback, question, FeedbackView, QuestionView, Revisit, LETTERS,
};
pub use quiz_summary::{quiz_summary, SummaryView};
pub use summary::{
    summary_embed, summary_marker, summary_message, SummaryEmbed, SummaryKind, CHART_FILE,
};

use crate::domain::FourA;

/// Accent colour of allybot's general embeds (a calm teal).
pub const ACCENT: u32 = 0x2A9D8F;

/// One colour per A, so a week of nudges reads at a glance.
pub fn four_a_colour(tag: FourA) -> u32 {
    match tag {
        FourA::Awareness => 0x457B9D,
        FourA::Action => 0x2A9D8F,
        FourA::Advocacy => 0xE9A23B,
        FourA::Accountability => 0x8E5EC2,
    }
}

/// Cuts `text` to at most `max` characters, ending with an ellipsis when cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut clipped: String = text.chars().take(max.saturating_sub(1)).collect();
    clipped.push('…');
    clipped
}
