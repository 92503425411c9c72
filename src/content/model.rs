//! The curriculum as the bot uses it: tracks of seven modules, each with practice prompts,
//! quiz items, reflection questions and commitment templates. Loaded once from `prompts/` and
//! never changed while the bot runs (shared behind an `Arc`).

use std::path::PathBuf;

use serde::Deserialize;

use crate::domain::FourA;

#[derive(Debug, Clone, Default)]
pub struct Curriculum {
    pub tracks: Vec<Track>,
}

#[derive(Debug, Clone)]
pub struct Track {
    pub id: String,
    pub title: String,
    pub version: String,
    pub description: String,
    pub modules: Vec<Module>,
}

#[derive(Debug, Clone)]
pub struct Module {
    pub number: u8,
    pub title: String,
    pub summary: String,
    pub outcomes: Vec<String>,
    pub prompts: Vec<Prompt>,
    pub quiz: Vec<QuizItem>,
    pub reflections: Vec<Reflection>,
    pub commitments: Vec<CommitmentTemplate>,
    /// The file the items came from (for problem reports).
    pub file: PathBuf,
}

/// A daily practice prompt: one concrete thing to notice or do today.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prompt {
    pub id: String,
    pub four_a: FourA,
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub reflection: Option<String>,
    #[serde(default)]
    pub content_note: Option<String>,
    pub sources: Vec<String>,
    #[serde(default)]
    pub lint_allow: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

/// A scenario question with one best answer and an explanation for every option.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizItem {
    pub id: String,
    pub four_a: FourA,
    pub difficulty: Difficulty,
    pub scenario: String,
    #[serde(default)]
    pub content_note: Option<String>,
    pub options: Vec<QuizOption>,
    pub sources: Vec<String>,
    #[serde(default)]
    pub lint_allow: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizOption {
    pub text: String,
    #[serde(default)]
    pub correct: bool,
    pub explanation: String,
}

/// A private reflection question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reflection {
    pub id: String,
    pub four_a: FourA,
    pub text: String,
    pub sources: Vec<String>,
    #[serde(default)]
    pub lint_allow: Vec<String>,
}

/// An if-then commitment template ("When …, I will …").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentTemplate {
    pub id: String,
    pub four_a: FourA,
    pub when: String,
    pub will: String,
    pub sources: Vec<String>,
    #[serde(default)]
    pub lint_allow: Vec<String>,
}

impl QuizItem {
    /// The index of the best answer (validated to be exactly one when loaded).
    pub fn correct_index(&self) -> usize {
        self.options.iter().position(|o| o.correct).unwrap_or(0)
    }
}

impl Curriculum {
    pub fn track(&self, id: &str) -> Option<&Track> {
        self.tracks.iter().find(|t| t.id == id)
    }
}

impl Track {
    pub fn module(&self, number: u8) -> Option<&Module> {
        self.modules.iter().find(|m| m.number == number)
    }

    /// Each module's prompts as (id, 4A tag), module 1 first: the input to a cohort's plan.
    pub fn plan_input(&self) -> Vec<Vec<(String, FourA)>> {
        self.modules
            .iter()
            .map(|m| m.prompts.iter().map(|p| (p.id.clone(), p.four_a)).collect())
            .collect()
    }

    pub fn prompt(&self, id: &str) -> Option<(&Module, &Prompt)> {
        self.modules
            .iter()
            .find_map(|m| m.prompts.iter().find(|p| p.id == id).map(|p| (m, p)))
    }

    pub fn quiz_item(&self, id: &str) -> Option<(&Module, &QuizItem)> {
        self.modules
            .iter()
            .find_map(|m| m.quiz.iter().find(|q| q.id == id).map(|q| (m, q)))
    }

    pub fn reflection(&self, id: &str) -> Option<&Reflection> {
        self.modules
            .iter()
            .flat_map(|m| &m.reflections)
            .find(|r| r.id == id)
    }
}
