//! "Does this item fit in the message the bot really posts?" The checker asks through this
//! trait; the bot's renderer answers it (`bot::render::DiscordFit`), so the check measures the
//! real embeds, buttons and modals rather than a copy of their layout.

use super::model::{CommitmentTemplate, Module, Prompt, QuizItem, Reflection, Track};

pub trait ItemFit {
    /// Problems with the daily nudge for `prompt` (e.g. "embed description: Must be 4096 or
    /// fewer in length."). Empty when it fits.
    fn prompt_problems(&self, track: &Track, module: &Module, prompt: &Prompt) -> Vec<String>;
    /// Problems with the quiz question and with the feedback for each possible answer.
    fn quiz_problems(&self, track: &Track, module: &Module, item: &QuizItem) -> Vec<String>;
    /// Problems with the reflection modal showing this question.
    fn reflection_problems(&self, reflection: &Reflection) -> Vec<String>;
    /// Problems with the commitment modal offering this template as its example.
    fn commitment_problems(&self, template: &CommitmentTemplate) -> Vec<String>;
}
