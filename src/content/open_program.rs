//! Open-ended programs (the Everyday program): a manifest with `draws_from` and no modules of
//! its own. When the curriculum is read, each is given copies of the modules that the tracks
//! it names mark `everyday = true`, so prompts, quiz items, reflection questions and
//! commitment templates all come from those modules; `content check` then asks that the
//! program has enough prompts and that the 4 As can rotate through them.

use std::collections::BTreeMap;

use super::load::Loaded;
use super::model::{Module, Source, Track};
use super::parse::Manifest;
use super::problem::{Problem, FILE_LEVEL};
use crate::domain::open_plan::{broken_rules, OpenPlan};
use crate::domain::FourA;

/// The fewest distinct prompts an open-ended program may have: it runs every working day.
pub const MIN_PROMPTS: usize = 60;
/// How far ahead, and from how many seeds, the check tries the rotation.
const TRIAL_DAYS: usize = 400;
const TRIAL_SEEDS: u64 = 8;

/// Reads an open-ended program's manifest; its modules are filled in by [`resolve`].
pub(super) fn read(
    manifest: Manifest,
    file: &str,
    files: &BTreeMap<u8, Vec<String>>,
    loaded: &mut Loaded,
) {
    let folder = file.trim_end_matches("/track.toml");
    if !manifest.modules.is_empty() {
        loaded.problems.push(Problem::new(
            file,
            FILE_LEVEL,
            "an open-ended program (draws_from) lists no [[modules]] of its own: mark the \
             modules it should use with everyday = true in their own track.toml",
        ));
    }
    for name in files.values().flatten() {
        loaded.problems.push(Problem::new(
            format!("{folder}/{name}"),
            FILE_LEVEL,
            "an open-ended program has no module files; its items come from the modules it draws from",
        ));
    }
    loaded.curriculum.tracks.push(Track {
        id: manifest.id,
        title: manifest.title,
        version: manifest.version,
        description: manifest.description,
        summary: manifest.summary,
        draws_from: manifest.draws_from,
        modules: Vec::new(),
        certification: None,
    });
    loaded.manifests.push(file.to_owned());
}

/// Gives every open-ended program copies of the modules it draws from, in `draws_from` order.
pub(super) fn resolve(loaded: &mut Loaded) {
    for index in 0..loaded.curriculum.tracks.len() {
        if !loaded.curriculum.tracks[index].is_open() {
            continue;
        }
        let file = loaded.manifests[index].clone();
        let (modules, problems) = drawn_modules(&loaded.curriculum.tracks, index);
        loaded.problems.extend(
            problems
                .into_iter()
                .map(|m| Problem::new(&file, FILE_LEVEL, m)),
        );
        for module in &modules {
            let source = module.source.as_ref().map_or("", |s| s.track.as_str());
            let source_index = loaded.curriculum.tracks.iter().position(|t| t.id == source);
            if source_index.is_some_and(|s| loaded.incomplete.contains(&(s, module.number))) {
                loaded.incomplete.insert((index, module.number));
            }
        }
        loaded.curriculum.tracks[index].modules = modules;
    }
}

fn drawn_modules(tracks: &[Track], index: usize) -> (Vec<Module>, Vec<String>) {
    let program = &tracks[index];
    let mut modules: Vec<Module> = Vec::new();
    let mut problems = Vec::new();
    for id in &program.draws_from {
        let Some(source) = tracks.iter().find(|t| &t.id == id) else {
            problems.push(format!(
                "draws_from names \"{id}\", which is not a track here"
            ));
            continue;
        };
        if source.is_open() {
            problems.push(format!(
                "draws_from names \"{id}\", another open-ended program; name tracks of modules"
            ));
            continue;
        }
        let marked: Vec<&Module> = source.modules.iter().filter(|m| m.everyday).collect();
        if marked.is_empty() {
            problems.push(format!(
                "draws_from names \"{id}\", but no module in {id}/track.toml is marked everyday = true"
            ));
        }
        for module in marked {
            if let Some(taken) = modules.iter().find(|m| m.number == module.number) {
                let other = taken.source.as_ref().map_or("", |s| s.track.as_str());
                problems.push(format!(
                    "module {} of \"{id}\" and module {} of \"{other}\" are both marked everyday; \
                     /quiz module:N must name one module, so mark only one module {} among the tracks drawn from",
                    module.number, taken.number, module.number
                ));
                continue;
            }
            let mut copy = module.clone();
            copy.criteria = None; // an open-ended program has no certification
            copy.source = Some(Source {
                track: source.id.clone(),
                title: source.title.clone(),
            });
            modules.push(copy);
        }
    }
    (modules, problems)
}

/// The content rules of an open-ended program: enough distinct prompts for daily practice,
/// and 4A tags spread so that the rotation holds over any number of days.
pub fn rules(track: &Track) -> Vec<String> {
    let prompts: Vec<(String, FourA)> = track.plan_input().into_iter().flatten().collect();
    let total = prompts.len();
    let mut found = Vec::new();
    if total < MIN_PROMPTS {
        found.push(format!(
            "draws {total} prompts from its modules; an open-ended program needs at least {MIN_PROMPTS}"
        ));
    }
    if total == 0 {
        return found;
    }
    // Every A appears in any 5 days running, so each needs a fifth of the prompts or more.
    let short: Vec<String> = FourA::ALL
        .iter()
        .filter_map(|tag| {
            let count = prompts.iter().filter(|(_, t)| t == tag).count();
            (count * 5 < total).then(|| {
                format!(
                    "{} has {count} of {total} (needs {})",
                    tag.key(),
                    total.div_ceil(5)
                )
            })
        })
        .collect();
    if !short.is_empty() {
        found.push(format!(
            "the 4 As cannot rotate: every A needs at least a fifth of the prompts, and {}",
            short.join(", ")
        ));
        return found;
    }
    for seed in 1..=TRIAL_SEEDS {
        let plan = OpenPlan::build(&prompts, seed);
        let (order, relaxed) = plan.sequence(TRIAL_DAYS);
        let days: Vec<(String, FourA)> = order
            .iter()
            .map(|&i| (plan.prompts[i].id.clone(), plan.prompts[i].four_a))
            .collect();
        let broken = broken_rules(&days, total);
        if relaxed || !broken.is_empty() {
            let why = broken.first().map_or("no order was found", String::as_str);
            found.push(format!(
                "the 4 As cannot rotate over {TRIAL_DAYS} practice days (seed {seed}): {why}"
            ));
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests;
