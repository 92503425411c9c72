//! The answer cue by length: a best answer much longer than the other options, or a module
//! where the best answer is usually the longest, can be picked without reading the scenario.

use super::thresholds::{BEST_ANSWER_LENGTH_RATIO_MAX, LONGEST_BEST_ANSWER_SHARE_MAX};
use super::Warning;
use crate::content::model::{Module, QuizItem};
use crate::content::problem::FILE_LEVEL;

/// How the best answer's length compares with the other options of one item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LengthCue {
    /// The best answer's length over the mean length of the others.
    pub ratio: f64,
    /// The best answer is strictly longer than every other option.
    pub longest: bool,
}

/// `None` for an item the loader already reports: not exactly one best answer, fewer than
/// two options, or only empty other options.
pub fn length_cue(item: &QuizItem) -> Option<LengthCue> {
    let mut best = item.options.iter().filter(|o| o.correct);
    let (Some(best), None) = (best.next(), best.next()) else {
        return None;
    };
    let best_length = length(&best.text);
    let others: Vec<usize> = item
        .options
        .iter()
        .filter(|o| !o.correct)
        .map(|o| length(&o.text))
        .collect();
    let total: usize = others.iter().sum();
    if total == 0 {
        return None;
    }
    let mean = total as f64 / others.len() as f64;
    Some(LengthCue {
        ratio: best_length as f64 / mean,
        longest: others.iter().all(|other| best_length > *other),
    })
}

/// Characters after trimming, as every length rule of the check counts them.
fn length(text: &str) -> usize {
    text.trim().chars().count()
}

pub fn module(module: &Module, file: &str) -> Vec<Warning> {
    let mut found = Vec::new();
    let mut longest = 0;
    for item in &module.quiz {
        let Some(cue) = length_cue(item) else {
            continue;
        };
        if cue.ratio > BEST_ANSWER_LENGTH_RATIO_MAX {
            found.push(Warning::new(
                file,
                &item.id,
                format!(
                    "the best answer is {:.2} times the mean length of the other options (at most \
                     {BEST_ANSWER_LENGTH_RATIO_MAX}); shorten it or lengthen the others",
                    cue.ratio
                ),
            ));
        }
        longest += usize::from(cue.longest);
    }
    let items = module.quiz.len();
    if items > 0 && longest as f64 / items as f64 > LONGEST_BEST_ANSWER_SHARE_MAX {
        found.insert(
            0,
            Warning::new(
                file,
                FILE_LEVEL,
                format!(
                    "the best answer is the longest option in {longest} of {items} quiz items \
                     ({:.0}%; at most {:.0}%)",
                    100.0 * longest as f64 / items as f64,
                    100.0 * LONGEST_BEST_ANSWER_SHARE_MAX
                ),
            ),
        );
    }
    found
}
