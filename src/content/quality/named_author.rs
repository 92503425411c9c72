//! A quiz scenario that names an author of a source the item cites ("which term, coined by
//! Thomas in 2020…", "what did Dobbin and Kalev find…"): the name points at the answer, and
//! the item tests recall of a study rather than judgement in a situation.
//!
//! A citation's authors are the names it starts with, before its first part that is not a
//! list of names: "Lewicki, Polin & Lount, 2016" gives Lewicki, Polin and Lount; "Sue et al.,
//! 2019" gives Sue; "CDC, Disability Impacts All of Us" gives CDC. A citation that starts with
//! several words ("Frame Shift Consulting, …", "Bias Interrupters (Williams, …)") names no
//! author this way. Names are matched as whole words with their capital letter, so "Sue" is
//! found in "Sue and colleagues" and "Thomas's" but not in "sue".

use super::Warning;
use crate::content::model::{Module, QuizItem};

/// The authors a citation starts with.
pub fn authors(citation: &str) -> Vec<&str> {
    let mut names = Vec::new();
    for part in citation.split(',') {
        match name_list(part) {
            Some(list) => names.extend(list),
            None => break,
        }
    }
    names
}

/// "Polin & Lount", "Sue et al." or "Thomas" as names; `None` for anything else.
fn name_list(part: &str) -> Option<Vec<&str>> {
    let part = part.trim();
    let part = part
        .strip_suffix("et al.")
        .or_else(|| part.strip_suffix("et al"))
        .unwrap_or(part);
    let names: Vec<&str> = part
        .split(" & ")
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .collect();
    names.iter().all(|name| is_name(name)).then_some(names)
}

/// One word with a capital letter first and letters, hyphens or apostrophes after it
/// ("Ashburn-Nardo", "O'Brien", "NCWIT").
fn is_name(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && word.chars().count() >= 2
        && chars.all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
}

/// Whether `name` occurs in `text` as a whole word, capitalized as written.
fn names(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// For each cited source, the authors the scenario names that no earlier source listed.
fn named(item: &QuizItem) -> Vec<(Vec<&str>, &str)> {
    let mut seen: Vec<&str> = Vec::new();
    let mut found = Vec::new();
    for source in &item.sources {
        let named: Vec<&str> = authors(source)
            .into_iter()
            .filter(|author| names(&item.scenario, author) && !seen.contains(author))
            .collect();
        if !named.is_empty() {
            seen.extend(&named);
            found.push((named, source.as_str()));
        }
    }
    found
}

pub fn module(module: &Module, file: &str) -> Vec<Warning> {
    let mut found = Vec::new();
    for item in &module.quiz {
        for (authors, source) in named(item) {
            let role = if authors.len() == 1 {
                "author"
            } else {
                "authors"
            };
            let message = format!(
                "scenario names {}, {role} of \"{source}\" which it cites: a name points at \
                 the answer; ask what to do in the situation instead",
                authors.join(", ")
            );
            found.push(Warning::new(file, &item.id, message));
        }
    }
    found
}
