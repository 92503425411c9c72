//! `allybot content check | stats | preview | export`: thin wiring from the command line to
//! [`check`](super::check), [`stats`](super::stats), [`preview`](super::preview) and
//! [`export`](super::export). Each reads the curriculum `content.dir` selects (a folder or the
//! built-in one, [`app::curriculum_source`]). Output and exit codes follow design/INTERFACE.md.

use crate::domain::plural;
use std::path::Path;

use crate::app;
use crate::bot::render::DiscordFit;
use crate::cli::{ContentCommand, Failure};
use crate::config::{ConfigError, Settings};

use crate::content::model::Curriculum;
use crate::content::{check, export, load, preview, stats, CurriculumSource};

pub fn execute(settings: &Settings, action: ContentCommand) -> Result<(), Failure> {
    match action {
        ContentCommand::Check { dir: Some(dir) } => run_check(&folder_given(&dir)?),
        ContentCommand::Check { dir: None } => run_check(&app::curriculum_source(settings)?),
        ContentCommand::Stats { json } => run_stats(settings, json),
        ContentCommand::Preview { track, day } => {
            let curriculum = curriculum(settings)?;
            print!("{}", preview::preview(&curriculum, &track, day)?);
            Ok(())
        }
        ContentCommand::Export { dir } => run_export(&dir),
    }
}

/// `--dir DIR`: a folder to check, which must exist.
fn folder_given(dir: &Path) -> Result<CurriculumSource, Failure> {
    if !dir.is_dir() {
        return Err(ConfigError {
            key: "--dir".to_owned(),
            problem: format!("{} is not a folder", dir.display()),
            origin: None,
        }
        .into());
    }
    Ok(CurriculumSource::Folder(dir.to_path_buf()))
}

/// Prints one line per problem, then one per warning and their count; fails with exit 1 if
/// there is any problem, else ends with one OK line. Warnings never change the exit code.
fn run_check(source: &CurriculumSource) -> Result<(), Failure> {
    let report = check::report(source, &DiscordFit);
    for problem in &report.problems {
        println!("{problem}");
    }
    for warning in &report.warnings {
        println!("{warning}");
    }
    if !report.warnings.is_empty() {
        println!("{}", warning_count(report.warnings.len()));
    }
    let problems = report.problems;
    if !problems.is_empty() {
        let summary = format!(
            "{} in {}",
            plural::count(problems.len() as u64, "problem", "problems"),
            source
        );
        eprintln!("allybot: {summary}");
        return Err(Failure::Reported(summary));
    }
    let curriculum = load::load_from(source).map_err(|e| Failure::Other(e.into()))?;
    println!("OK: {} in {source}", totals(&curriculum));
    Ok(())
}

/// Writes the built-in curriculum to `dir` and says what to do next.
fn run_export(dir: &Path) -> Result<(), Failure> {
    let written = export::export(dir).map_err(anyhow::Error::from)?;
    println!(
        "Wrote the built-in curriculum ({}) to {}.",
        plural::count(written as u64, "file", "files"),
        dir.display()
    );
    println!(
        "Edit it, check it with `allybot content check --dir {0}`, then set content.dir = \"{0}\" (or ALLYBOT__CONTENT__DIR) so the bot uses it.",
        dir.display()
    );
    Ok(())
}

/// The line after the warnings; it says they do not fail the check, since a list of them
/// right above an "OK" could read as if they did.
fn warning_count(count: usize) -> String {
    format!(
        "{} (advice, see docs/CONTENT.md \"Quality warnings\"; they do not fail the check)",
        plural::count(count as u64, "warning", "warnings")
    )
}

/// Counts of the files' own items: an open-ended program's modules are counted where they live.
fn totals(curriculum: &Curriculum) -> String {
    let modules: Vec<_> = curriculum
        .tracks
        .iter()
        .filter(|t| !t.is_open())
        .flat_map(|t| &t.modules)
        .collect();
    let count = |f: fn(&crate::content::model::Module) -> usize| {
        modules.iter().map(|m| f(m)).sum::<usize>()
    };
    let open: Vec<String> = curriculum
        .tracks
        .iter()
        .filter(|t| t.is_open())
        .map(|t| {
            let prompts: usize = t.modules.iter().map(|m| m.prompts.len()).sum();
            format!(
                "{} draws {} from {}",
                t.id,
                plural::count(prompts as u64, "prompt", "prompts"),
                plural::count(t.modules.len() as u64, "module", "modules")
            )
        })
        .collect();
    let open = if open.is_empty() {
        String::new()
    } else {
        format!(" ({})", open.join("; "))
    };
    format!(
        "{} tracks{open}, {} modules, {} prompts, {} quiz items, {} reflections, {} commitment templates",
        curriculum.tracks.len(),
        modules.len(),
        count(|m| m.prompts.len()),
        count(|m| m.quiz.len()),
        count(|m| m.reflections.len()),
        count(|m| m.commitments.len()),
    )
}

fn run_stats(settings: &Settings, json: bool) -> Result<(), Failure> {
    let stats = stats::stats(&curriculum(settings)?);
    if json {
        let text = serde_json::to_string(&stats).map_err(anyhow::Error::from)?;
        println!("{text}");
    } else {
        print!("{}", stats::table(&stats));
    }
    Ok(())
}

/// The curriculum the bot would load; a broken one is a configuration error, as at start-up.
fn curriculum(settings: &Settings) -> Result<Curriculum, Failure> {
    let source = app::curriculum_source(settings)?;
    load::load_from(&source).map_err(|e| {
        ConfigError {
            key: "content.dir".to_owned(),
            problem: e.to_string(),
            origin: None,
        }
        .into()
    })
}
