//! One curriculum file's TOML text -> typed values, with problems that name the line. Each item
//! is deserialized on its own, so one bad item is reported with its id and the rest of the file
//! still loads (the checker then reports everything at once). Knows nothing about folders or
//! how files relate to each other: that is [`super::load`].

use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::{Spanned, Table, Value};

use super::model::{CommitmentTemplate, Prompt, QuizItem, QuizOption, Reflection};
use super::problem::{Problem, FILE_LEVEL};
use crate::domain::certification::PlanPart;
use crate::toml_error::{describe, line_at};

/// `track.toml`: a track of its own modules, or an open-ended program that `draws_from` other
/// tracks' everyday modules and lists none of its own.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub id: String,
    pub title: String,
    pub version: String,
    pub description: String,
    /// One line for the track's choice in `/cohort create`.
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub draws_from: Vec<String>,
    #[serde(default)]
    pub modules: Vec<ManifestModule>,
    /// What completing the track takes; a track without it has no certificate.
    #[serde(default)]
    pub certification: Option<ManifestCertification>,
}

/// `[certification]`: every module's criteria (a module may override them) and the track's.
/// A key left out takes the default of `domain::certification`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestCertification {
    pub engaged_days_percent: Option<u8>,
    pub quiz_percent: Option<u8>,
    pub reflections: Option<u32>,
    pub commitments_checked_in: Option<u32>,
    pub plan: Option<PlanPart>,
    pub plan_module: Option<u8>,
}

/// A module's own `criteria = { … }`: any of the module keys of `[certification]`.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriteriaOverride {
    pub engaged_days_percent: Option<u8>,
    pub quiz_percent: Option<u8>,
    pub reflections: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestModule {
    pub number: u8,
    pub title: String,
    pub summary: String,
    pub outcomes: Vec<String>,
    /// An everyday-interactions module: open-ended programs draw from it.
    #[serde(default)]
    pub everyday: bool,
    /// A new cohort's practice days for the module.
    #[serde(default = "default_days")]
    pub days: u32,
    /// This module's own certification criteria, where they differ from the track's.
    #[serde(default)]
    pub criteria: Option<CriteriaOverride>,
}

fn default_days() -> u32 {
    super::model::DEFAULT_MODULE_DAYS
}

/// A module file before its items are typed: each item keeps its position for error lines.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModuleFile {
    module: u8,
    #[serde(default)]
    prompts: Vec<Spanned<Table>>,
    #[serde(default)]
    quiz: Vec<Spanned<Table>>,
    #[serde(default)]
    reflections: Vec<Spanned<Table>>,
    #[serde(default)]
    commitments: Vec<Spanned<Table>>,
}

/// A module file's items: those that parsed, in file order.
#[derive(Debug, Default)]
pub struct ModuleFile {
    pub module: u8,
    /// How many `[[prompts]]` the file has, parsed or not.
    pub declared_prompts: usize,
    pub prompts: Vec<Prompt>,
    pub quiz: Vec<QuizItem>,
    pub reflections: Vec<Reflection>,
    pub commitments: Vec<CommitmentTemplate>,
}

pub fn manifest(file: &str, text: &str) -> Result<Manifest, Problem> {
    toml::from_str(text).map_err(|e| Problem::new(file, FILE_LEVEL, describe(text, &e)))
}

/// Parses a module file. `Err` when the file as a whole is unusable (syntax, unknown top-level
/// key, no `module` number); otherwise the items that parsed plus a problem per item that did not.
pub fn module_file(file: &str, text: &str) -> Result<(ModuleFile, Vec<Problem>), Problem> {
    let raw: RawModuleFile =
        toml::from_str(text).map_err(|e| Problem::new(file, FILE_LEVEL, describe(text, &e)))?;
    let mut problems = Vec::new();
    let parsed = ModuleFile {
        module: raw.module,
        declared_prompts: raw.prompts.len(),
        prompts: items(file, text, "prompt", raw.prompts, &mut problems, |_| Ok(())),
        quiz: items(
            file,
            text,
            "quiz item",
            raw.quiz,
            &mut problems,
            options_parse,
        ),
        reflections: items(
            file,
            text,
            "reflection",
            raw.reflections,
            &mut problems,
            |_| Ok(()),
        ),
        commitments: items(
            file,
            text,
            "commitment",
            raw.commitments,
            &mut problems,
            |_| Ok(()),
        ),
    };
    Ok((parsed, problems))
}

/// Types every raw item, keeping those that parse and reporting the others. `precheck` may
/// give a more precise message than serde would (e.g. which quiz option is broken).
fn items<T: DeserializeOwned>(
    file: &str,
    text: &str,
    kind: &str,
    raw: Vec<Spanned<Table>>,
    problems: &mut Vec<Problem>,
    precheck: fn(&Table) -> Result<(), String>,
) -> Vec<T> {
    let mut parsed = Vec::with_capacity(raw.len());
    for spanned in raw {
        let line = line_at(text, spanned.span().start);
        let table = spanned.into_inner();
        let id = match table.get("id").and_then(Value::as_str) {
            Some(id) if !id.trim().is_empty() => id.to_owned(),
            _ => FILE_LEVEL.to_owned(),
        };
        let typed = precheck(&table)
            .and_then(|()| T::deserialize(Value::Table(table)).map_err(|e| e.message().to_owned()));
        match typed {
            Ok(item) => parsed.push(item),
            Err(message) => problems.push(Problem::new(
                file,
                id,
                format!("line {line}: {kind}: {message}"),
            )),
        }
    }
    parsed
}

/// Names the quiz option that fails to parse ("option 2: missing field `explanation`").
fn options_parse(table: &Table) -> Result<(), String> {
    let Some(Value::Array(options)) = table.get("options") else {
        return Ok(()); // serde reports a missing or mistyped `options` itself
    };
    for (index, option) in options.iter().enumerate() {
        QuizOption::deserialize(option.clone())
            .map_err(|e| format!("option {}: {}", index + 1, e.message()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROMPT: &str = r#"
module = 1

[[prompts]]
id = "x-m1-p01"
four_a = "action"
title = "A title"
text = "One. Two."
sources = ["Someone, 2020"]
"#;

    #[test]
    fn a_good_item_parses() {
        let (parsed, problems) = module_file("t/01-a.toml", PROMPT).expect("parses");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(parsed.prompts.len(), 1);
        assert_eq!(parsed.module, 1);
    }

    #[test]
    fn an_unknown_key_names_the_item_and_its_line() {
        let text = PROMPT.replace(
            "title = \"A title\"",
            "title = \"A title\"\ncolour = \"red\"",
        );
        let (parsed, problems) = module_file("t/01-a.toml", &text).expect("file parses");
        assert!(parsed.prompts.is_empty());
        let line = problems[0].to_string();
        assert!(
            line.starts_with("t/01-a.toml: x-m1-p01: line 4: prompt: unknown field `colour`"),
            "{line}"
        );
    }

    #[test]
    fn a_syntax_error_is_one_line_with_its_line_number() {
        let text = PROMPT.replace("four_a = \"action\"", "four_a = action");
        let problem = module_file("t/01-a.toml", &text).expect_err("syntax error");
        let line = problem.to_string();
        assert!(line.starts_with("t/01-a.toml: -: line 6: "), "{line}");
        assert!(!line.contains('\n'), "{line}");
    }

    #[test]
    fn a_broken_quiz_option_is_named() {
        let text = r#"
module = 1
[[quiz]]
id = "x-m1-q01"
four_a = "action"
difficulty = "easy"
scenario = "What now?"
sources = ["S"]
[[quiz.options]]
text = "A"
correct = true
explanation = "Yes."
[[quiz.options]]
text = "B"
"#;
        let (_, problems) = module_file("t/01-a.toml", text).expect("file parses");
        assert_eq!(
            problems[0].to_string(),
            "t/01-a.toml: x-m1-q01: line 3: quiz item: option 2: missing field `explanation`"
        );
    }
}
