//! The curriculum as the bot uses it: tracks of modules (seven in each program), each with
//! practice prompts, quiz items, reflection questions and commitment templates, and open-ended
//! programs (the Everyday program) made of the modules other tracks mark as everyday-interactions
//! modules.
//! Loaded once from `prompts/` (or the copy built into the binary) and never changed while the
//! bot runs (shared behind an `Arc`).

use serde::Deserialize;

use crate::domain::certification::{ModuleCriteria, TrackCriteria};
use crate::domain::{CohortPlan, FourA, OpenPlan, Pace, Plan};

/// A module's practice days when its manifest entry does not say (`days`).
pub const DEFAULT_MODULE_DAYS: u32 = 5;

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
    /// One line shown with the track when an admin picks it (`/cohort create`).
    pub summary: Option<String>,
    /// For an open-ended program: the tracks whose everyday modules it draws from, in order
    /// (its `modules` are copies of those). Empty for a track of its own modules.
    pub draws_from: Vec<String>,
    pub modules: Vec<Module>,
    /// What completing the track takes (`[certification]`); `None`: no certificate.
    pub certification: Option<TrackCriteria>,
}

#[derive(Debug, Clone)]
pub struct Module {
    pub number: u8,
    pub title: String,
    pub summary: String,
    pub outcomes: Vec<String>,
    /// `everyday = true` in the manifest: an everyday-interactions module, which open-ended
    /// programs draw from.
    pub everyday: bool,
    /// A new cohort's practice days for this module (`days` in the manifest).
    pub days: u32,
    /// What completing the module takes, on a track with a certification.
    pub criteria: Option<ModuleCriteria>,
    /// In an open-ended program: the track the module comes from.
    pub source: Option<Source>,
    pub prompts: Vec<Prompt>,
    pub quiz: Vec<QuizItem>,
    pub reflections: Vec<Reflection>,
    pub commitments: Vec<CommitmentTemplate>,
    /// The file the items came from, relative to the curriculum's top with `/` separators
    /// (`accomplice/01-….toml`), whether it was read from a folder or the built-in tree (for
    /// problem reports).
    pub file: String,
}

/// The track an open-ended program's module belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub track: String,
    pub title: String,
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

    /// An open-ended program (no module order, no end), as opposed to a certification track.
    pub fn is_open(&self) -> bool {
        !self.draws_from.is_empty()
    }

    /// Each module's prompts as (id, 4A tag), module 1 first: the input to a cohort's plan.
    pub fn plan_input(&self) -> Vec<Vec<(String, FourA)>> {
        self.modules
            .iter()
            .map(|m| m.prompts.iter().map(|p| (p.id.clone(), p.four_a)).collect())
            .collect()
    }

    /// Each module's default practice days, from the manifest.
    pub fn default_pace(&self) -> Pace {
        Pace::new(self.modules.iter().map(|m| m.days))
    }

    /// The plan and pace a new cohort on this track starts with, seeded by `seed`.
    pub fn new_cohort_plan(&self, seed: u64) -> (CohortPlan, Pace) {
        if self.is_open() {
            let prompts: Vec<(String, FourA)> = self.plan_input().into_iter().flatten().collect();
            (OpenPlan::build(&prompts, seed).into(), Pace::new([]))
        } else {
            (
                Plan::build(&self.plan_input(), seed).into(),
                self.default_pace(),
            )
        }
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
