//! `allybot content check`: every rule of issue 3 over a curriculum folder. Structure comes
//! from [`load::read`]; this adds the manifest rules (the programs' module titles), the module
//! rules (amounts, all 4 As among the prompts), an open-ended program's rules
//! ([`open_program::rules`]), each item's rules ([`rules`]), the tone lint
//! ([`lint`]) and whether each item fits in the message the bot really posts ([`ItemFit`]).
//! [`report`] adds the quality warnings ([`quality`]), which advise but never fail the check.
//! It reports; it never changes a file.

use std::collections::HashMap;
use std::path::Path;

use super::fit::ItemFit;
use super::lint::Lint;
use super::load::{self, relative_file, Loaded};
use super::model::{CommitmentTemplate, Module, Prompt, QuizItem, Reflection, Track};
use super::open_program;
use super::problem::{self, Problem, FILE_LEVEL};
use super::programs::{self, minimums};
use super::quality::{self, Warning};
use super::rules::{self, IdScheme};
use super::source::CurriculumSource;
use super::texts::{self, field, Field};
use crate::domain::FourA;

/// A track's one-line summary: it follows the title in a choice Discord caps at 100 characters.
pub const TRACK_SUMMARY_MAX: usize = 60;
/// What `content check` found in a folder: problems fail the check, warnings advise.
#[derive(Debug, Default)]
pub struct Report {
    /// Sorted by file; empty when the curriculum is good to ship.
    pub problems: Vec<Problem>,
    /// The quality warnings ([`quality`]), sorted by file.
    pub warnings: Vec<Warning>,
}

/// Every problem in the folder `dir`, sorted by file; empty when the curriculum is good to ship.
pub fn check(dir: &Path, fit: &dyn ItemFit) -> Vec<Problem> {
    let source = CurriculumSource::Folder(dir.to_path_buf());
    problems(&load::read_from(&source), &source, fit)
}

/// Every problem and every quality warning in `source`.
pub fn report(source: &CurriculumSource, fit: &dyn ItemFit) -> Report {
    let loaded = load::read_from(source);
    Report {
        problems: problems(&loaded, source, fit),
        warnings: quality::warnings(&loaded.curriculum, &loaded.manifests),
    }
}

fn problems(loaded: &Loaded, source: &CurriculumSource, fit: &dyn ItemFit) -> Vec<Problem> {
    let mut problems = loaded.problems.clone();
    let lint = lint_list(source, &mut problems);
    for (index, track) in loaded.curriculum.tracks.iter().enumerate() {
        let manifest = loaded
            .manifests
            .get(index)
            .map_or("track.toml", String::as_str);
        problems.extend(manifest_rules(track, manifest, lint.as_ref()));
        if track.is_open() {
            // Its modules are other tracks' modules, checked there.
            let complete = track
                .modules
                .iter()
                .all(|m| !loaded.incomplete.contains(&(index, m.number)));
            if complete && !track.modules.is_empty() {
                problems.extend(
                    open_program::rules(track)
                        .into_iter()
                        .map(|message| Problem::new(manifest, FILE_LEVEL, message)),
                );
            }
            continue;
        }
        let mut titles = HashMap::new();
        for module in &track.modules {
            if loaded.incomplete.contains(&(index, module.number)) {
                continue; // its file is missing or unreadable, which is reported already
            }
            let context = Context {
                track,
                module,
                file: relative_file(module),
                lint: lint.as_ref(),
                fit,
            };
            problems.extend(module_rules(&context, &mut titles));
        }
    }
    problem::sort(&mut problems);
    problems
}

/// The curriculum's own `lint.toml`, else the shipped list. A broken list is a problem, and the
/// shipped list is used instead so the rest of the check still runs.
fn lint_list(source: &CurriculumSource, problems: &mut Vec<Problem>) -> Option<Lint> {
    if source.has_file("lint.toml") {
        let parsed = source
            .read_text("lint.toml")
            .map_err(|e| format!("cannot read the file: {e}"))
            .and_then(|t| Lint::parse(&t));
        match parsed {
            Ok(lint) => return Some(lint),
            Err(message) => problems.push(Problem::new(
                "lint.toml",
                FILE_LEVEL,
                format!("{message} (using the built-in list)"),
            )),
        }
    }
    match Lint::builtin() {
        Ok(lint) => Some(lint),
        Err(message) => {
            problems.push(Problem::new(
                "lint.toml",
                FILE_LEVEL,
                format!("the built-in list is broken: {message}"),
            ));
            None
        }
    }
}

fn manifest_rules(track: &Track, file: &str, lint: Option<&Lint>) -> Vec<Problem> {
    let mut found = Vec::new();
    let folder = file.split('/').next().unwrap_or_default();
    let id_ok = (2..=32).contains(&track.id.len())
        && track
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        found.push("id must be 2 to 32 characters of a-z, 0-9 and -".to_owned());
    }
    if track.id != folder {
        found.push(format!(
            "id \"{}\" differs from the folder name \"{folder}\"",
            track.id
        ));
    }
    let version_ok = !track.version.trim().is_empty()
        && track.version.len() <= 32
        && !track.version.chars().any(char::is_whitespace);
    if !version_ok {
        found.push("version must be 1 to 32 characters without spaces, e.g. \"1.0.0\"".to_owned());
    }
    for (field, text) in [("title", &track.title), ("description", &track.description)] {
        if text.trim().is_empty() {
            found.push(format!("{field} is empty"));
        }
    }
    if let Some(summary) = &track.summary {
        let length = summary.trim().chars().count();
        if length == 0 || length > TRACK_SUMMARY_MAX {
            found.push(format!(
                "summary is {length} characters; it is one line of 1 to {TRACK_SUMMARY_MAX}"
            ));
        }
    }
    found.extend(program_titles(track));
    if let Some(lint) = lint {
        let mut texts = vec![field("description", &track.description)];
        texts.extend(track.summary.as_deref().map(|s| field("summary", s)));
        found.extend(lint_texts(lint, &texts, &[]));
    }
    for module in track.modules.iter().filter(|m| m.source.is_none()) {
        found.extend(manifest_module(module, lint));
    }
    found
        .into_iter()
        .map(|message| Problem::new(file, FILE_LEVEL, message))
        .collect()
}

/// The two programs' modules are numbered and titled exactly as the programs name them.
fn program_titles(track: &Track) -> Vec<String> {
    let Some(program) = programs::program(&track.id) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if track.modules.len() != program.titles.len() {
        found.push(format!(
            "the program has {} modules; this lists {}",
            program.titles.len(),
            track.modules.len()
        ));
    }
    for (module, expected) in track.modules.iter().zip(program.titles) {
        if module.title != *expected {
            found.push(format!(
                "module {} is titled \"{}\"; the program names it \"{expected}\"",
                module.number, module.title
            ));
        }
    }
    found
}

fn manifest_module(module: &Module, lint: Option<&Lint>) -> Vec<String> {
    let number = module.number;
    let mut found = Vec::new();
    for (field, text) in [("title", &module.title), ("summary", &module.summary)] {
        if text.trim().is_empty() {
            found.push(format!("module {number} {field} is empty"));
        }
    }
    if module.outcomes.iter().all(|o| o.trim().is_empty()) {
        found.push(format!("module {number} lists no outcomes"));
    }
    let mut texts = vec![(format!("module {number} summary"), module.summary.as_str())];
    for (index, outcome) in module.outcomes.iter().enumerate() {
        texts.push((
            format!("module {number} outcome {}", index + 1),
            outcome.as_str(),
        ));
    }
    if let Some(lint) = lint {
        found.extend(lint_texts(lint, &texts, &[]));
    }
    found
}

/// What every rule about one module needs to know.
struct Context<'a> {
    track: &'a Track,
    module: &'a Module,
    file: String,
    lint: Option<&'a Lint>,
    fit: &'a dyn ItemFit,
}

impl Context<'_> {
    fn scheme(&self) -> IdScheme<'_> {
        IdScheme {
            prefix: programs::program(&self.track.id).map(|p| p.id_prefix),
            module: self.module.number,
        }
    }

    fn problems(&self, id: &str, messages: Vec<String>) -> impl Iterator<Item = Problem> + '_ {
        let id = id.to_owned();
        messages
            .into_iter()
            .map(move |m| Problem::new(&self.file, &id, m))
    }
}

/// `titles` carries prompt titles seen earlier in the track, so a repeat is caught across files.
fn module_rules(context: &Context<'_>, titles: &mut HashMap<String, String>) -> Vec<Problem> {
    let module = context.module;
    let mut found: Vec<Problem> = context
        .problems(FILE_LEVEL, module_level(context))
        .collect();
    for prompt in &module.prompts {
        found.extend(context.problems(&prompt.id, prompt_rules(context, prompt, titles)));
    }
    for item in &module.quiz {
        found.extend(context.problems(&item.id, quiz_rules(context, item)));
    }
    for reflection in &module.reflections {
        found.extend(context.problems(&reflection.id, reflection_rules(context, reflection)));
    }
    for template in &module.commitments {
        found.extend(context.problems(&template.id, commitment_rules(context, template)));
    }
    found
}

fn prompt_rules(
    context: &Context<'_>,
    prompt: &Prompt,
    titles: &mut HashMap<String, String>,
) -> Vec<String> {
    let mut messages = rules::id(&prompt.id, 'p', context.scheme());
    messages.extend(rules::prompt(prompt));
    let key = prompt.title.trim().to_lowercase();
    match titles.get(&key) {
        Some(first) => messages.push(format!("has the same title as {first}")),
        None => {
            titles.insert(key, prompt.id.clone());
        }
    }
    messages.extend(rules::sources(&prompt.sources));
    messages.extend(lint_item(
        context,
        &texts::prompt(prompt),
        &prompt.lint_allow,
    ));
    messages.extend(fits(context.fit.prompt_problems(
        context.track,
        context.module,
        prompt,
    )));
    messages
}

fn quiz_rules(context: &Context<'_>, item: &QuizItem) -> Vec<String> {
    let mut messages = rules::id(&item.id, 'q', context.scheme());
    messages.extend(rules::quiz(item));
    messages.extend(rules::sources(&item.sources));
    messages.extend(lint_item(context, &texts::quiz(item), &item.lint_allow));
    messages.extend(fits(context.fit.quiz_problems(
        context.track,
        context.module,
        item,
    )));
    messages
}

fn reflection_rules(context: &Context<'_>, reflection: &Reflection) -> Vec<String> {
    let mut messages = rules::id(&reflection.id, 'r', context.scheme());
    messages.extend(rules::reflection(reflection));
    messages.extend(rules::sources(&reflection.sources));
    messages.extend(lint_item(
        context,
        &texts::reflection(reflection),
        &reflection.lint_allow,
    ));
    messages.extend(fits(context.fit.reflection_problems(reflection)));
    messages
}

fn commitment_rules(context: &Context<'_>, template: &CommitmentTemplate) -> Vec<String> {
    let mut messages = rules::id(&template.id, 'c', context.scheme());
    messages.extend(rules::commitment(template));
    messages.extend(rules::sources(&template.sources));
    messages.extend(lint_item(
        context,
        &texts::commitment(template),
        &template.lint_allow,
    ));
    messages.extend(fits(context.fit.commitment_problems(template)));
    messages
}

/// The amounts table and the 4 As among the prompts.
fn module_level(context: &Context<'_>) -> Vec<String> {
    let module = context.module;
    let least = minimums(&context.track.id, module.number);
    let counts = [
        ("prompt", module.prompts.len(), least.prompts),
        ("quiz item", module.quiz.len(), least.quiz),
        ("reflection", module.reflections.len(), least.reflections),
        (
            "commitment template",
            module.commitments.len(),
            least.commitments,
        ),
    ];
    let mut found: Vec<String> = counts
        .iter()
        .filter(|(_, count, least)| count < least)
        .map(|(kind, count, least)| {
            let plural = if *count == 1 { "" } else { "s" };
            format!(
                "has {count} {kind}{plural}; module {} needs at least {least}",
                module.number
            )
        })
        .collect();
    let missing: Vec<&str> = FourA::ALL
        .iter()
        .filter(|tag| !module.prompts.iter().any(|p| p.four_a == **tag))
        .map(|tag| tag.key())
        .collect();
    if !missing.is_empty() {
        found.push(format!(
            "no prompt is tagged {}; every module needs all 4 As",
            missing.join(", ")
        ));
    }
    found
}

fn fits(problems: Vec<String>) -> Vec<String> {
    problems
        .into_iter()
        .map(|p| format!("does not fit Discord's limits: {p}"))
        .collect()
}

fn lint_item(context: &Context<'_>, texts: &[Field<'_>], allow: &[String]) -> Vec<String> {
    let Some(lint) = context.lint else {
        return Vec::new();
    };
    let mut found = lint_texts(lint, texts, allow);
    let needed: Vec<String> = texts
        .iter()
        .flat_map(|(_, text)| lint.needed(text))
        .collect();
    for name in allow {
        match lint.term_of(name) {
            None => found.push(format!(
                "lint_allow lists \"{name}\", which is not a term in lint.toml"
            )),
            Some(term) if !needed.iter().any(|n| n == term) => found.push(format!(
                "lint_allow lists \"{name}\", but no text of this item needs it"
            )),
            Some(_) => {}
        }
    }
    found
}

fn lint_texts(lint: &Lint, texts: &[Field<'_>], allow: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for (name, text) in texts {
        for hit in lint.hits(text, allow) {
            found.push(format!(
                "{name} uses \"{}\"; try {} (quote the word if the item teaches about it)",
                hit.found,
                hit.suggest.join(", ")
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests;
