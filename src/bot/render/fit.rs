//! The renderer's answer to the content checker: each item is rendered exactly as the bot
//! would post it, in its longest form (largest ids and day numbers, late notice, review heading,
//! feedback for every possible answer), and the JSON is checked against Discord's limits.

use chrono::{DateTime, Utc};
use poise::serenity_prelude as serenity;
use serde::Serialize;

use super::{
    commitment_modal, feedback, nudge_message, question, reflection_modal, FeedbackView, NudgeView,
    QuestionView, Revisit,
};
use crate::content::fit::ItemFit;
use crate::content::model::{CommitmentTemplate, Module, Prompt, QuizItem, Reflection, Track};
use crate::discord_limits::{self, FormErrors};
use crate::domain::Stage;

/// The longest quiz the bot runs (the top of `quiz.questions`), for measuring "Question N of M".
pub const LONGEST_QUIZ: u8 = crate::config::MAX_QUIZ_QUESTIONS as u8;

pub struct DiscordFit;

fn message_problems(what: &str, message: &impl Serialize) -> Vec<String> {
    let mut errors = FormErrors::default();
    match serde_json::to_value(message) {
        Ok(json) => discord_limits::check_message(&json, "", &mut errors),
        Err(e) => return vec![format!("{what}: cannot be rendered: {e}")],
    }
    errors
        .describe()
        .into_iter()
        .map(|p| format!("{what}: {p}"))
        .collect()
}

fn modal_problems(what: &str, modal: &serenity::CreateModal) -> Vec<String> {
    let mut errors = FormErrors::default();
    match serde_json::to_value(modal) {
        Ok(json) => discord_limits::check_modal(&json, &mut errors),
        Err(e) => return vec![format!("{what}: cannot be rendered: {e}")],
    }
    errors
        .describe()
        .into_iter()
        .map(|p| format!("{what}: {p}"))
        .collect()
}

impl ItemFit for DiscordFit {
    fn prompt_problems(&self, track: &Track, module: &Module, prompt: &Prompt) -> Vec<String> {
        let late = DateTime::<Utc>::MAX_UTC;
        let stages = [
            Stage::Module(module.number),
            Stage::Module(u8::MAX),
            Stage::Review,
            Stage::Open,
        ];
        let mut problems: Vec<String> = stages
            .iter()
            .flat_map(|stage| {
                let view = NudgeView {
                    track,
                    stage: *stage,
                    prompt_module: module,
                    prompt,
                    day: 99_999,
                    delivery: i64::MAX,
                    late_due: Some(late),
                };
                message_problems("nudge", &nudge_message(&view))
            })
            .collect();
        problems.dedup();
        problems
    }

    fn quiz_problems(&self, _track: &Track, module: &Module, item: &QuizItem) -> Vec<String> {
        let order: Vec<usize> = (0..item.options.len()).collect();
        let asked = QuestionView {
            item,
            module,
            number: LONGEST_QUIZ,
            total: LONGEST_QUIZ,
            order: &order,
            attempt: i64::MAX,
            review: true,
        };
        let (embed, rows) = question(&asked);
        let mut problems = message_problems(
            "quiz question",
            &serenity::CreateInteractionResponseMessage::new()
                .embed(embed)
                .components(rows),
        );
        for chosen in 0..order.len() {
            let answered = FeedbackView {
                item,
                number: LONGEST_QUIZ,
                total: LONGEST_QUIZ,
                order: &order,
                chosen,
                attempt: i64::MAX,
                revisit: Revisit::Back("in 7 practice days, on Wed 30 Dec".into()),
                rated: None,
            };
            let (embed, rows) = feedback(&answered);
            problems.extend(message_problems(
                &format!("feedback for option {}", chosen + 1),
                &serenity::CreateInteractionResponseMessage::new()
                    .embed(embed)
                    .components(rows),
            ));
        }
        problems
    }

    fn reflection_problems(&self, reflection: &Reflection) -> Vec<String> {
        modal_problems(
            "reflection form",
            &reflection_modal(i64::MAX, &reflection.text),
        )
    }

    fn commitment_problems(&self, template: &CommitmentTemplate) -> Vec<String> {
        modal_problems(
            "commitment form",
            &commitment_modal(&template.when, &template.will),
        )
    }
}
