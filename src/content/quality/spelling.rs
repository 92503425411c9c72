//! UK English in a text participants read: the curriculum is written in US English
//! (docs/CONTENT.md 5.6), so "behaviour" or "panellist" reads as a slip. Every text of an
//! item and of a manifest is checked, quoted speech too; sources are not (a cited title keeps
//! its own spelling).
//!
//! The list holds the spellings the curriculum's reviews have found, and the usual families
//! around them. Matching is whole-word and ignores case; words are letters only, so
//! "panellist's" and "rota-based" are found. Each entry lists its endings explicitly, because
//! a bare stem would also match other words ("organis…" matches "organism").

use std::collections::HashMap;
use std::sync::LazyLock;

use super::Warning;
use crate::content::model::{Module, Track};
use crate::content::problem::FILE_LEVEL;
use crate::content::texts::{self, Field};

/// (UK stem, US stem, endings): each ending makes a UK word and its US form.
const FAMILIES: &[(&str, &str, &[&str])] = &[
    // Found by the curriculum review of issue 13.
    ("panellist", "panelist", &["", "s"]),
    ("rota", "rotation", &["", "s"]),
    // -our / -or
    ("behaviour", "behavior", &["", "s", "al", "ally"]),
    ("colour", "color", &["", "s", "ed", "ful"]),
    (
        "favour",
        "favor",
        &["", "s", "ed", "ing", "able", "ably", "ite", "ites", "itism"],
    ),
    ("honour", "honor", &["", "s", "ed", "ing", "able"]),
    ("labour", "labor", &["", "s", "ed", "ing", "er", "ers"]),
    ("neighbour", "neighbor", &["", "s", "hood", "hoods", "ing"]),
    ("humour", "humor", &["", "ed"]),
    ("rumour", "rumor", &["", "s", "ed"]),
    ("endeavour", "endeavor", &["", "s", "ed", "ing"]),
    ("demeanour", "demeanor", &[""]),
    // -re / -er, -ce / -se
    ("centre", "center", &["", "s"]),
    ("centred", "centered", &[""]),
    ("defence", "defense", &["", "s"]),
    ("offence", "offense", &["", "s"]),
    ("licence", "license", &["", "s"]),
    ("pretence", "pretense", &["", "s"]),
    ("practis", "practic", &["e", "es", "ed", "ing"]),
    // -ise / -ize, -yse / -yze
    (
        "organis",
        "organiz",
        &[
            "e",
            "es",
            "ed",
            "er",
            "ers",
            "ing",
            "ation",
            "ations",
            "ational",
            "ationally",
        ],
    ),
    ("recognis", "recogniz", &["e", "es", "ed", "ing", "able"]),
    ("prioritis", "prioritiz", &["e", "es", "ed", "ing", "ation"]),
    ("emphasis", "emphasiz", &["e", "es", "ed", "ing"]),
    ("apologis", "apologiz", &["e", "es", "ed", "ing"]),
    ("realis", "realiz", &["e", "es", "ed", "ing", "ation"]),
    ("criticis", "criticiz", &["e", "es", "ed", "ing"]),
    ("minimis", "minimiz", &["e", "es", "ed", "ing"]),
    ("maximis", "maximiz", &["e", "es", "ed", "ing"]),
    ("summaris", "summariz", &["e", "es", "ed", "ing"]),
    ("categoris", "categoriz", &["e", "es", "ed", "ing", "ation"]),
    ("normalis", "normaliz", &["e", "es", "ed", "ing", "ation"]),
    (
        "standardis",
        "standardiz",
        &["e", "es", "ed", "ing", "ation"],
    ),
    ("customis", "customiz", &["e", "es", "ed", "ing", "ation"]),
    ("finalis", "finaliz", &["e", "es", "ed", "ing"]),
    ("utilis", "utiliz", &["e", "es", "ed", "ing", "ation"]),
    ("authoris", "authoriz", &["e", "es", "ed", "ing", "ation"]),
    (
        "characteris",
        "characteriz",
        &["e", "es", "ed", "ing", "ation"],
    ),
    (
        "marginalis",
        "marginaliz",
        &["e", "es", "ed", "ing", "ation"],
    ),
    ("stigmatis", "stigmatiz", &["e", "es", "ed", "ing"]),
    ("sympathis", "sympathiz", &["e", "es", "ed", "ing"]),
    ("socialis", "socializ", &["e", "es", "ed", "ing", "ation"]),
    ("memoris", "memoriz", &["e", "es", "ed", "ing"]),
    ("visualis", "visualiz", &["e", "es", "ed", "ing", "ation"]),
    ("specialis", "specializ", &["e", "es", "ed", "ing", "ation"]),
    ("familiaris", "familiariz", &["e", "es", "ed", "ing"]),
    ("mobilis", "mobiliz", &["e", "es", "ed", "ing", "ation"]),
    ("optimis", "optimiz", &["e", "es", "ed", "ing", "ation"]),
    ("scrutinis", "scrutiniz", &["e", "es", "ed", "ing"]),
    ("sensitis", "sensitiz", &["e", "es", "ed", "ing"]),
    ("analys", "analyz", &["e", "ed", "ing"]),
    ("paralys", "paralyz", &["e", "ed", "ing"]),
    // Doubled l before an ending
    ("labell", "label", &["ed", "ing"]),
    ("modell", "model", &["ed", "ing"]),
    ("signall", "signal", &["ed", "ing"]),
    ("travell", "travel", &["ed", "ing", "er", "ers"]),
    ("cancell", "cancel", &["ed", "ing"]),
    ("counsell", "counsel", &["ed", "ing", "or", "ors"]),
    ("enrol", "enroll", &["", "s", "ment", "ments"]),
    ("fulfil", "fulfill", &["", "s", "ment"]),
    ("skilful", "skillful", &["", "ly"]),
    ("wilful", "willful", &["", "ly"]),
    // Other words
    ("programme", "program", &["", "s"]),
    ("judgement", "judgment", &["", "s"]),
    ("ageing", "aging", &[""]),
    ("focuss", "focus", &["ed", "ing"]),
    ("benefitt", "benefit", &["ed", "ing"]),
    ("sceptic", "skeptic", &["", "s", "al", "ism"]),
    ("cheque", "check", &["", "s"]),
    ("whilst", "while", &[""]),
    ("amongst", "among", &[""]),
    ("learnt", "learned", &[""]),
    ("fortnight", "two weeks", &[""]),
    ("fortnightly", "every two weeks", &[""]),
];

/// Every UK word of the list, lowercased, with its US form.
static US_FORM: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    let mut forms = HashMap::new();
    for (uk, us, endings) in FAMILIES {
        for ending in *endings {
            forms.insert(format!("{uk}{ending}"), format!("{us}{ending}"));
        }
    }
    forms
});

/// The UK words in `text`, as written, each with its US form (capitalized like the word).
pub fn uk_words(text: &str) -> Vec<(&str, String)> {
    let mut found: Vec<(&str, String)> = Vec::new();
    let mut lower = String::new(); // one buffer: most words are looked up and dropped
    for word in text.split(|c: char| !c.is_alphabetic()) {
        lower.clear();
        lower.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        let Some(us) = US_FORM.get(&lower) else {
            continue;
        };
        if found
            .iter()
            .any(|(seen, _)| seen.eq_ignore_ascii_case(word))
        {
            continue;
        }
        let capitalized = word.chars().next().is_some_and(char::is_uppercase);
        let us = if capitalized {
            let mut chars = us.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        } else {
            us.clone()
        };
        found.push((word, us));
    }
    found
}

fn fields(file: &str, id: &str, fields: &[Field<'_>]) -> Vec<Warning> {
    let mut found = Vec::new();
    for (name, text) in fields {
        for (uk, us) in uk_words(text) {
            let message = format!("{name} uses UK English \"{uk}\"; in US English, \"{us}\"");
            found.push(Warning::new(file, id, message));
        }
    }
    found
}

pub fn manifest(track: &Track, file: &str) -> Vec<Warning> {
    fields(file, FILE_LEVEL, &texts::manifest(track))
}

pub fn module(module: &Module, file: &str) -> Vec<Warning> {
    let mut found = Vec::new();
    for prompt in &module.prompts {
        found.extend(fields(file, &prompt.id, &texts::prompt(prompt)));
    }
    for item in &module.quiz {
        found.extend(fields(file, &item.id, &texts::quiz(item)));
    }
    for reflection in &module.reflections {
        let texts = texts::reflection(reflection);
        found.extend(fields(file, &reflection.id, &texts));
    }
    for template in &module.commitments {
        found.extend(fields(file, &template.id, &texts::commitment(template)));
    }
    found
}
