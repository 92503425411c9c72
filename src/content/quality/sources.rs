//! What items cite: one source behind too many items of a track (the track then repeats one
//! finding or one guide), and citations participants cannot look up (an internal note).
//!
//! A source is its citation exactly as written, as in the writers' script: two spellings of
//! one source count apart, which is one more reason to spell each source the same way.

use std::collections::BTreeMap;

use super::thresholds::{DATED_SOURCE_ITEMS_MAX, IDS_LISTED_MAX, UNDATED_SOURCE_ITEMS_MAX};
use super::Warning;
use crate::content::model::{Module, Track};
use crate::content::problem::FILE_LEVEL;

/// Every item of a module as (id, sources), in file order.
fn cited(module: &Module) -> impl Iterator<Item = (&str, &[String])> {
    let prompts = module
        .prompts
        .iter()
        .map(|p| (p.id.as_str(), &p.sources[..]));
    let quiz = module.quiz.iter().map(|q| (q.id.as_str(), &q.sources[..]));
    let reflections = module
        .reflections
        .iter()
        .map(|r| (r.id.as_str(), &r.sources[..]));
    let commitments = module
        .commitments
        .iter()
        .map(|c| (c.id.as_str(), &c.sources[..]));
    prompts.chain(quiz).chain(reflections).chain(commitments)
}

/// A citation with a year (19xx or 20xx as a word of its own) names a study or an article; one
/// without names a guide or an organization's material.
pub fn is_dated(citation: &str) -> bool {
    citation
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| {
            word.len() == 4
                && word.chars().all(|c| c.is_ascii_digit())
                && (word.starts_with("19") || word.starts_with("20"))
        })
}

/// Sources that support more items of the track than their cap, one warning each on the
/// track's manifest, by source.
pub fn cited_too_often(track: &Track, manifest: &str) -> Vec<Warning> {
    let mut items: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for module in &track.modules {
        for (id, sources) in cited(module) {
            for source in sources {
                let ids = items.entry(source.as_str()).or_default();
                if ids.last() != Some(&id) {
                    ids.push(id); // an item citing a source twice supports it once
                }
            }
        }
    }
    let mut found = Vec::new();
    for (source, ids) in items {
        let (cap, kind) = if is_dated(source) {
            (DATED_SOURCE_ITEMS_MAX, "a dated source")
        } else {
            (UNDATED_SOURCE_ITEMS_MAX, "an undated source")
        };
        if ids.len() > cap {
            let message = format!(
                "\"{source}\" supports {} items (at most {cap} per track for {kind}): {}",
                ids.len(),
                clipped(&ids)
            );
            found.push(Warning::new(manifest, FILE_LEVEL, message));
        }
    }
    found
}

/// The first ids and how many more: the whole list of a guide cited 80 times is no help.
fn clipped(ids: &[&str]) -> String {
    let shown = ids[..ids.len().min(IDS_LISTED_MAX)].join(", ");
    match ids.len().saturating_sub(IDS_LISTED_MAX) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// A citation of the program's own notes: "content-sources", anything of allybot's own, or
/// anything called internal.
pub fn is_internal(citation: &str) -> bool {
    let lower = citation.to_lowercase();
    lower.contains("content-sources")
        || lower.contains("allybot")
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word == "internal")
}

pub fn not_findable(module: &Module, file: &str) -> Vec<Warning> {
    let mut found = Vec::new();
    for (id, sources) in cited(module) {
        for source in sources.iter().filter(|s| is_internal(s)) {
            let message = format!(
                "cites \"{source}\", which participants cannot look up; cite the public source \
                 behind it, or nothing the item does not need"
            );
            found.push(Warning::new(file, id, message));
        }
    }
    found
}
