//! Reading a curriculum folder into the immutable [`Curriculum`]: every subfolder holding a
//! `track.toml` is a track, with one `NN-<slug>.toml` file per module its manifest lists.
//!
//! Only what would break the bot is enforced here: TOML syntax, the schema (unknown keys,
//! types), a file per module and a module per file, unique ids, exactly one correct option
//! (and at most four: the bot letters them A-D), at least one prompt per module. The bot calls
//! [`load_from`] at start-up and stops on the first problem; `allybot content check` reads
//! with [`read_from`] to see every structural problem at once and then applies the content
//! rules. Both read a folder or the built-in tree ([`CurriculumSource`]) the same way.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::Path;

use super::model::{Curriculum, Module, Track};
use super::parse::{self, Manifest, ModuleFile};
use super::problem::{self, Problem, FILE_LEVEL};
use super::source::CurriculumSource;
use crate::domain::pace::{MAX_DAYS, MIN_DAYS};

/// The bot displays quiz options as letters A-D, so a fifth could not be shown.
pub const MAX_OPTIONS: usize = 4;

/// Why the curriculum cannot be used: the first problem, as one line naming file, id and what
/// is wrong, plus how many more there are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    /// Where it was read (not `source`: thiserror takes a field by that name for the cause).
    pub read_from: CurriculumSource,
    pub first: Problem,
    pub more: usize,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.read_from.locate(&self.first.file);
        match self.first.id.as_str() {
            // A problem with the file (or folder) as a whole: no item id to name.
            FILE_LEVEL => write!(f, "{file}: {}", self.first.message)?,
            id => write!(f, "{file}: {id}: {}", self.first.message)?,
        }
        if self.more > 0 {
            write!(
                f,
                " (and {} more; `allybot content check` lists them all)",
                self.more
            )?;
        }
        Ok(())
    }
}

/// Loads the curriculum in the folder `dir`, or the first structural problem.
pub fn load(dir: &Path) -> Result<Curriculum, LoadError> {
    load_from(&CurriculumSource::Folder(dir.to_path_buf()))
}

/// Loads the curriculum of `source`, or the first structural problem.
pub fn load_from(source: &CurriculumSource) -> Result<Curriculum, LoadError> {
    let loaded = read_from(source);
    match loaded.problems.first() {
        None => Ok(loaded.curriculum),
        Some(first) => Err(LoadError {
            read_from: source.clone(),
            first: first.clone(),
            more: loaded.problems.len() - 1,
        }),
    }
}

/// Everything that could be read, and every structural problem, sorted by file.
#[derive(Debug, Default)]
pub struct Loaded {
    pub curriculum: Curriculum,
    /// Each track's manifest path relative to the folder, parallel to `curriculum.tracks`.
    pub manifests: Vec<String>,
    /// Modules whose file is missing or unreadable, as (track index, module number): their
    /// items are absent, so counting them would only repeat the problem already reported.
    pub incomplete: HashSet<(usize, u8)>,
    pub problems: Vec<Problem>,
}

/// Reads as much of the folder `dir` as parses, collecting every structural problem.
pub fn read(dir: &Path) -> Loaded {
    read_from(&CurriculumSource::Folder(dir.to_path_buf()))
}

/// Reads as much of `source` as parses, collecting every structural problem.
pub fn read_from(source: &CurriculumSource) -> Loaded {
    let mut loaded = Loaded::default();
    let folders = match source.track_folders() {
        Ok(folders) => folders,
        Err(e) => {
            loaded.problems.push(Problem::new(
                ".",
                FILE_LEVEL,
                format!("cannot read the folder: {e}"),
            ));
            return loaded;
        }
    };
    if folders.is_empty() {
        let message = "no tracks here: a track is a folder holding a track.toml";
        loaded.problems.push(Problem::new(".", FILE_LEVEL, message));
    }
    for folder in folders {
        read_track(source, &folder, &mut loaded);
    }
    unique_track_ids(&mut loaded);
    super::open_program::resolve(&mut loaded);
    unique_item_ids(&mut loaded);
    problem::sort(&mut loaded.problems);
    loaded
}

fn read_text(source: &CurriculumSource, relative: &str) -> Result<String, Problem> {
    source
        .read_text(relative)
        .map_err(|e| Problem::new(relative, FILE_LEVEL, format!("cannot read the file: {e}")))
}

fn read_track(source: &CurriculumSource, folder: &str, loaded: &mut Loaded) {
    let manifest_file = format!("{folder}/track.toml");
    let manifest = match read_text(source, &manifest_file)
        .and_then(|text| parse::manifest(&manifest_file, &text))
    {
        Ok(manifest) => manifest,
        Err(problem) => return loaded.problems.push(problem),
    };
    let (certification, criteria) =
        super::criteria::resolve(&manifest, &manifest_file, &mut loaded.problems);
    if !manifest.draws_from.is_empty() {
        let files = module_files(source, folder, &mut loaded.problems);
        super::open_program::read(manifest, &manifest_file, &files, loaded);
        return;
    }
    if !numbered_in_order(&manifest, &manifest_file, &mut loaded.problems) {
        return;
    }
    days_in_range(&manifest, &manifest_file, &mut loaded.problems);
    let files = module_files(source, folder, &mut loaded.problems);
    let track_index = loaded.curriculum.tracks.len();
    let mut track = Track {
        id: manifest.id,
        title: manifest.title,
        version: manifest.version,
        description: manifest.description,
        summary: manifest.summary,
        draws_from: Vec::new(),
        modules: Vec::new(),
        certification,
    };
    for (entry, criteria) in manifest.modules.into_iter().zip(criteria) {
        let (mut module, complete) =
            read_module(source, folder, entry, &files, &mut loaded.problems);
        module.criteria = criteria;
        if !complete {
            loaded.incomplete.insert((track_index, module.number));
        }
        track.modules.push(module);
    }
    for (number, names) in &files {
        if track.module(*number).is_none() {
            for name in names {
                let message =
                    format!("track.toml lists no module {number}; rename or remove this file");
                loaded.problems.push(Problem::new(
                    format!("{folder}/{name}"),
                    FILE_LEVEL,
                    message,
                ));
            }
        }
    }
    loaded.curriculum.tracks.push(track);
    loaded.manifests.push(manifest_file);
}

/// The bot counts modules 1, 2, 3… (a cohort's plan indexes them), so the manifest must too.
fn numbered_in_order(manifest: &Manifest, file: &str, problems: &mut Vec<Problem>) -> bool {
    if manifest.modules.is_empty() {
        problems.push(Problem::new(file, FILE_LEVEL, "lists no modules"));
        return false;
    }
    for (index, module) in manifest.modules.iter().enumerate() {
        let expected = index + 1;
        if usize::from(module.number) != expected {
            let message = format!(
                "modules must be numbered 1, 2, 3… in order; module {expected} in the list has number {}",
                module.number
            );
            problems.push(Problem::new(file, FILE_LEVEL, message));
            return false;
        }
    }
    true
}

/// A cohort's pace starts from each module's `days`, and a module lasts 1 to 30 practice days.
fn days_in_range(manifest: &Manifest, file: &str, problems: &mut Vec<Problem>) {
    for module in &manifest.modules {
        if !(MIN_DAYS..=MAX_DAYS).contains(&module.days) {
            let message = format!(
                "module {} has days = {}; a module lasts {MIN_DAYS} to {MAX_DAYS} practice days",
                module.number, module.days
            );
            problems.push(Problem::new(file, FILE_LEVEL, message));
        }
    }
}

/// The `NN-<slug>.toml` files of a track folder by module number; reports other `.toml` files.
pub(super) fn module_files(
    source: &CurriculumSource,
    folder: &str,
    problems: &mut Vec<Problem>,
) -> BTreeMap<u8, Vec<String>> {
    let mut files: BTreeMap<u8, Vec<String>> = BTreeMap::new();
    let mut names: Vec<String> = match source.file_names(folder) {
        Ok(names) => names
            .into_iter()
            .filter(|name| name.ends_with(".toml") && name != "track.toml")
            .collect(),
        Err(e) => {
            problems.push(Problem::new(
                folder,
                FILE_LEVEL,
                format!("cannot read the folder: {e}"),
            ));
            return files;
        }
    };
    names.sort();
    for name in names {
        match module_number(&name) {
            Some(number) => files.entry(number).or_default().push(name),
            None => {
                let message = "not a module file name: expected NN-<slug>.toml, e.g. 04-everyday-interactions.toml";
                problems.push(Problem::new(
                    format!("{folder}/{name}"),
                    FILE_LEVEL,
                    message,
                ));
            }
        }
    }
    files
}

/// `04-allyship-in-everyday-interactions.toml` -> 4.
pub fn module_number(name: &str) -> Option<u8> {
    let stem = name.strip_suffix(".toml")?;
    let (digits, slug) = stem.split_once('-')?;
    let slug_ok = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if digits.len() != 2 || !digits.chars().all(|c| c.is_ascii_digit()) || !slug_ok {
        return None;
    }
    digits.parse().ok()
}

/// Builds one module from its manifest entry and its file. `false` when the file is missing
/// or unusable (the module then has no items).
fn read_module(
    source: &CurriculumSource,
    folder: &str,
    entry: parse::ManifestModule,
    files: &BTreeMap<u8, Vec<String>>,
    problems: &mut Vec<Problem>,
) -> (Module, bool) {
    let names = files
        .get(&entry.number)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut module = Module {
        number: entry.number,
        title: entry.title,
        summary: entry.summary,
        outcomes: entry.outcomes,
        everyday: entry.everyday,
        days: entry.days,
        criteria: None,
        source: None,
        prompts: Vec::new(),
        quiz: Vec::new(),
        reflections: Vec::new(),
        commitments: Vec::new(),
        file: format!("{folder}/{:02}-<slug>.toml", entry.number),
    };
    let Some(name) = names.first() else {
        let message = format!(
            "module {} has no file: expected {:02}-<slug>.toml",
            module.number, module.number
        );
        problems.push(Problem::new(
            format!("{folder}/track.toml"),
            FILE_LEVEL,
            message,
        ));
        return (module, false);
    };
    for extra in &names[1..] {
        let message = format!(
            "module {} already has a file, {name}; a module has exactly one",
            module.number
        );
        problems.push(Problem::new(
            format!("{folder}/{extra}"),
            FILE_LEVEL,
            message,
        ));
    }
    let relative = format!("{folder}/{name}");
    module.file.clone_from(&relative);
    let parsed = read_text(source, &relative).and_then(|text| parse::module_file(&relative, &text));
    match parsed {
        Ok((items, item_problems)) => {
            problems.extend(item_problems);
            fill(&mut module, items, &relative, problems);
            (module, true)
        }
        Err(problem) => {
            problems.push(problem);
            (module, false)
        }
    }
}

/// Moves a file's items into its module, checking what the bot relies on per module and item.
fn fill(module: &mut Module, mut items: ModuleFile, file: &str, problems: &mut Vec<Problem>) {
    if items.module != module.number {
        let message = format!(
            "says module = {} but its name is for module {}",
            items.module, module.number
        );
        problems.push(Problem::new(file, FILE_LEVEL, message));
    }
    if items.declared_prompts == 0 {
        problems.push(Problem::new(
            file,
            FILE_LEVEL,
            "has no prompts; every module needs at least one",
        ));
    }
    // An item the bot could not show is reported, then left out, so no later check (or the
    // renderer's lettering) ever meets it.
    items.quiz.retain(|item| {
        let shown = item.options.len() <= MAX_OPTIONS;
        if !shown {
            let message = format!(
                "has {} options; the bot shows at most {MAX_OPTIONS}",
                item.options.len()
            );
            problems.push(Problem::new(file, &item.id, message));
        }
        shown
    });
    for item in &items.quiz {
        let correct = item.options.iter().filter(|o| o.correct).count();
        if correct != 1 {
            let message = format!("{correct} options are marked correct; exactly one must be");
            problems.push(Problem::new(file, &item.id, message));
        }
    }
    module.prompts = items.prompts;
    module.quiz = items.quiz;
    module.reflections = items.reflections;
    module.commitments = items.commitments;
}

fn unique_track_ids(loaded: &mut Loaded) {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (track, manifest) in loaded.curriculum.tracks.iter().zip(&loaded.manifests) {
        if let Some(first) = seen.insert(&track.id, manifest) {
            let message = format!("track id \"{}\" is already used by {first}", track.id);
            loaded
                .problems
                .push(Problem::new(manifest.as_str(), FILE_LEVEL, message));
        }
    }
}

/// Ids are unique across the whole curriculum: cohorts, attempts and reviews refer to them.
/// (An open-ended program's modules are the same modules again, so they are not counted.)
fn unique_item_ids(loaded: &mut Loaded) {
    let mut seen: HashMap<String, String> = HashMap::new();
    let own_modules = loaded
        .curriculum
        .tracks
        .iter()
        .filter(|t| !t.is_open())
        .flat_map(|t| &t.modules);
    for module in own_modules {
        let file = relative_file(module);
        for id in item_ids(module) {
            match seen.get(id) {
                Some(first) if *first == file => {
                    loaded
                        .problems
                        .push(Problem::new(&file, id, "id is used twice in this file"));
                }
                Some(first) => {
                    let message = format!("id is already used in {first}");
                    loaded.problems.push(Problem::new(&file, id, message));
                }
                None => {
                    seen.insert(id.to_owned(), file.clone());
                }
            }
        }
    }
}

/// A module's file relative to the curriculum's top (`<track folder>/<file>`), as problems
/// name it.
pub fn relative_file(module: &Module) -> String {
    module.file.clone()
}

/// Every item id of a module, in file order (prompts, quiz, reflections, commitments).
pub fn item_ids(module: &Module) -> impl Iterator<Item = &str> {
    let prompts = module.prompts.iter().map(|p| p.id.as_str());
    let quiz = module.quiz.iter().map(|q| q.id.as_str());
    let reflections = module.reflections.iter().map(|r| r.id.as_str());
    let commitments = module.commitments.iter().map(|c| c.id.as_str());
    prompts.chain(quiz).chain(reflections).chain(commitments)
}

#[cfg(test)]
mod tests;
