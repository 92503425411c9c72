//! The quality warnings of `allybot content check` (issue 13): what a program can measure
//! about whether the material teaches well. A best answer given away by its length, near-copies
//! of items, one source leaned on, a citation nobody can look up, UK English, a scenario that
//! names the author it asks about.
//!
//! Warnings advise; they never fail the check. Problems (the rules every item must follow)
//! do. This module only reads the loaded curriculum: it never changes a file, and it never
//! reports a problem. Its thresholds are in [`thresholds`].

mod answer_cue;
mod named_author;
mod near_duplicates;
mod sources;
mod spelling;
pub mod thresholds;

use std::collections::HashMap;
use std::fmt;

use super::load::{item_ids, relative_file};
use super::model::Curriculum;
use super::problem::{one_line, FILE_LEVEL};

/// One piece of advice, printed as one line `file: id: warning: what to look at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file, relative to the checked folder, with `/` separators.
    pub file: String,
    /// The item id, or [`FILE_LEVEL`] for a whole module or track.
    pub id: String,
    pub message: String,
}

impl Warning {
    pub fn new(file: impl Into<String>, id: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            file: file.into(),
            id: id.into(),
            message: one_line(&message.into()),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: warning: {}", self.file, self.id, self.message)
    }
}

/// Every warning about `curriculum`, sorted by file and, within a file, in item order.
/// `manifests` are the tracks' `track.toml` paths, parallel to `curriculum.tracks`: a warning
/// about a whole track (a source cited too often) is filed there.
pub fn warnings(curriculum: &Curriculum, manifests: &[String]) -> Vec<Warning> {
    let mut found = Vec::new();
    for (index, track) in curriculum.tracks.iter().enumerate() {
        let manifest = manifests.get(index).map_or("track.toml", String::as_str);
        found.extend(spelling::manifest(track, manifest));
        if track.is_open() {
            // Its modules are copies of other tracks' modules, which are checked there.
            continue;
        }
        found.extend(sources::cited_too_often(track, manifest));
        for module in &track.modules {
            let file = relative_file(module);
            found.extend(answer_cue::module(module, &file));
            found.extend(sources::not_findable(module, &file));
            found.extend(spelling::module(module, &file));
            found.extend(named_author::module(module, &file));
        }
    }
    found.extend(near_duplicates::warnings(curriculum));
    sort(&mut found, curriculum);
    found
}

/// By file, then whole-file warnings before item warnings, then items in file order; the
/// order of the rules is kept for one item.
fn sort(warnings: &mut [Warning], curriculum: &Curriculum) {
    let mut position: HashMap<&str, usize> = HashMap::new();
    let items = curriculum
        .tracks
        .iter()
        .flat_map(|t| &t.modules)
        .flat_map(item_ids);
    for (index, id) in items.enumerate() {
        position.entry(id).or_insert(index + 1);
    }
    position.insert(FILE_LEVEL, 0);
    warnings.sort_by(|a, b| {
        let at = |w: &Warning| position.get(w.id.as_str()).copied().unwrap_or(usize::MAX);
        a.file.cmp(&b.file).then_with(|| at(a).cmp(&at(b)))
    });
}

#[cfg(test)]
mod tests;
