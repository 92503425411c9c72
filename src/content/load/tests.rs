use super::*;
use std::fs;

const MANIFEST: &str = r#"
id = "sample"
title = "Sample track"
version = "1.0.0"
description = "A track for tests."

[[modules]]
number = 1
title = "First"
summary = "The first module."
outcomes = ["Learn one thing."]

[[modules]]
number = 2
title = "Second"
summary = "The second module."
outcomes = ["Learn another thing."]
"#;

fn module_text(number: u8) -> String {
    format!(
        r#"module = {number}

[[prompts]]
id = "smp-m{number}-p01"
four_a = "awareness"
title = "Notice one thing"
text = "Notice one thing today. Write it down."
sources = ["Someone, 2020"]

[[quiz]]
id = "smp-m{number}-q01"
four_a = "action"
difficulty = "easy"
scenario = "What do you do?"
sources = ["Someone, 2020"]

[[quiz.options]]
text = "This."
correct = true
explanation = "Yes."

[[quiz.options]]
text = "That."
explanation = "Less so."
"#
    )
}

/// A folder with one good two-module track, `sample`.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let track = dir.path().join("sample");
    fs::create_dir(&track).expect("track folder");
    fs::write(track.join("track.toml"), MANIFEST).expect("manifest");
    fs::write(track.join("01-first.toml"), module_text(1)).expect("module 1");
    fs::write(track.join("02-second.toml"), module_text(2)).expect("module 2");
    dir
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join("sample").join(file);
    let text = fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{from:?} not in {file}");
    fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

fn first_problem(dir: &Path) -> String {
    load(dir).expect_err("should not load").first.to_string()
}

#[test]
fn a_good_track_loads_with_its_modules_in_order() {
    let dir = folder();
    let curriculum = load(dir.path()).expect("loads");
    let track = curriculum.track("sample").expect("track");
    assert_eq!(track.version, "1.0.0");
    assert_eq!(
        track.modules.iter().map(|m| m.number).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(track.modules[1].prompts[0].id, "smp-m2-p01");
    assert_eq!(relative_file(&track.modules[0]), "sample/01-first.toml");
}

#[test]
fn other_folders_and_files_are_ignored() {
    let dir = folder();
    fs::create_dir(dir.path().join("drafts")).expect("drafts");
    fs::write(dir.path().join("lint.toml"), "not = [valid").expect("lint");
    fs::write(dir.path().join("sample").join("README.md"), "notes").expect("readme");
    assert!(load(dir.path()).is_ok());
}

#[test]
fn a_folder_without_tracks_does_not_load() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_eq!(
        first_problem(dir.path()),
        ".: -: no tracks here: a track is a folder holding a track.toml"
    );
}

#[test]
fn a_missing_module_file_is_named_in_the_manifest() {
    let dir = folder();
    fs::remove_file(dir.path().join("sample/02-second.toml")).expect("remove");
    assert_eq!(
        first_problem(dir.path()),
        "sample/track.toml: -: module 2 has no file: expected 02-<slug>.toml"
    );
}

#[test]
fn a_module_file_the_manifest_does_not_list_is_reported() {
    let dir = folder();
    fs::write(dir.path().join("sample/03-third.toml"), module_text(3)).expect("write");
    assert_eq!(
        first_problem(dir.path()),
        "sample/03-third.toml: -: track.toml lists no module 3; rename or remove this file"
    );
}

#[test]
fn a_badly_named_module_file_is_reported() {
    let dir = folder();
    fs::write(dir.path().join("sample/first.toml"), module_text(1)).expect("write");
    assert!(first_problem(dir.path()).starts_with("sample/first.toml: -: not a module file name"));
}

#[test]
fn the_module_number_must_match_the_file_name() {
    let dir = folder();
    edit(dir.path(), "02-second.toml", "module = 2", "module = 1");
    assert_eq!(
        first_problem(dir.path()),
        "sample/02-second.toml: -: says module = 1 but its name is for module 2"
    );
}

#[test]
fn manifest_modules_are_numbered_from_one_in_order() {
    let dir = folder();
    edit(dir.path(), "track.toml", "number = 2", "number = 3");
    assert!(first_problem(dir.path())
        .starts_with("sample/track.toml: -: modules must be numbered 1, 2, 3"));
}

#[test]
fn an_id_used_twice_is_reported_where_it_repeats() {
    let dir = folder();
    edit(dir.path(), "02-second.toml", "smp-m2-p01", "smp-m1-p01");
    assert_eq!(
        first_problem(dir.path()),
        "sample/02-second.toml: smp-m1-p01: id is already used in sample/01-first.toml"
    );
}

#[test]
fn a_quiz_item_needs_exactly_one_correct_option() {
    let dir = folder();
    edit(
        dir.path(),
        "01-first.toml",
        "text = \"That.\"",
        "text = \"That.\"\ncorrect = true",
    );
    assert_eq!(
        first_problem(dir.path()),
        "sample/01-first.toml: smp-m1-q01: 2 options are marked correct; exactly one must be"
    );
}

#[test]
fn a_module_needs_a_prompt() {
    let dir = folder();
    fs::write(dir.path().join("sample/02-second.toml"), "module = 2\n").expect("write");
    assert_eq!(
        first_problem(dir.path()),
        "sample/02-second.toml: -: has no prompts; every module needs at least one"
    );
}

#[test]
fn a_load_error_is_one_line_with_the_full_path_and_a_count_of_the_rest() {
    let dir = folder();
    edit(
        dir.path(),
        "01-first.toml",
        "four_a = \"awareness\"",
        "four_a = \"awareness\"\ncolour = 1",
    );
    edit(
        dir.path(),
        "02-second.toml",
        "module = 2",
        "module = 2\nextra = true",
    );
    let error = load(dir.path()).expect_err("broken").to_string();
    let expected_start = format!(
        "{}: smp-m1-p01: line 3: prompt: unknown field `colour`",
        dir.path().join("sample/01-first.toml").display()
    );
    assert!(error.starts_with(&expected_start), "{error}");
    assert!(
        error.ends_with("(and 1 more; `allybot content check` lists them all)"),
        "{error}"
    );
    assert!(!error.contains('\n'));
}

#[test]
fn read_reports_every_structural_problem_at_once() {
    let dir = folder();
    edit(dir.path(), "01-first.toml", "smp-m1-q01", "smp-m1-p01");
    edit(
        dir.path(),
        "02-second.toml",
        "difficulty = \"easy\"",
        "difficulty = \"trivial\"",
    );
    let loaded = read(dir.path());
    let lines: Vec<String> = loaded.problems.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert_eq!(
        lines[0],
        "sample/01-first.toml: smp-m1-p01: id is used twice in this file"
    );
    assert!(
        lines[1].starts_with(
            "sample/02-second.toml: smp-m2-q01: line 10: quiz item: unknown variant `trivial`"
        ),
        "{}",
        lines[1]
    );
}

#[test]
fn certification_criteria_come_from_the_manifest_with_defaults_and_module_overrides() {
    let dir = folder();
    let loaded = load(dir.path()).expect("loads");
    assert_eq!(loaded.track("sample").unwrap().certification, None);
    edit(
        dir.path(),
        "track.toml",
        "\n[[modules]]\nnumber = 1",
        "\n[certification]\nquiz_percent = 50\nplan = \"vote\"\n\n[[modules]]\nnumber = 1",
    );
    edit(
        dir.path(),
        "track.toml",
        "outcomes = [\"Learn another thing.\"]",
        "outcomes = [\"Learn another thing.\"]\ncriteria = { reflections = 0 }",
    );
    let loaded = load(dir.path()).expect("loads");
    let track = loaded.track("sample").unwrap();
    let cert = track.certification.expect("a certification");
    assert_eq!(cert.plan, crate::domain::certification::PlanPart::Vote);
    assert_eq!(cert.plan_module, 2, "the last module by default");
    assert_eq!(cert.commitments_checked_in, 2);
    let first = track.modules[0].criteria.expect("criteria");
    assert_eq!(
        (
            first.engaged_days_percent,
            first.quiz_percent,
            first.reflections
        ),
        (60, 50, 1)
    );
    assert_eq!(track.modules[1].criteria.unwrap().reflections, 0);
}

#[test]
fn bad_certification_criteria_are_named() {
    let dir = folder();
    edit(
        dir.path(),
        "track.toml",
        "\n[[modules]]\nnumber = 1",
        "\n[certification]\nquiz_percent = 170\nplan_module = 9\n\n[[modules]]\nnumber = 1",
    );
    let problems: Vec<String> = read(dir.path())
        .problems
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        problems.contains(
            &"sample/track.toml: -: [certification]: quiz_percent = 170; a share is 0 to 100"
                .to_owned()
        ),
        "{problems:?}"
    );
    assert!(problems.contains(&"sample/track.toml: -: [certification] plan_module = 9, but the track has no such module".to_owned()), "{problems:?}");
    edit(dir.path(), "track.toml", "quiz_percent = 170\n", "");
    edit(
        dir.path(),
        "track.toml",
        "plan_module = 9\n",
        "colour = 1\n",
    );
    assert!(first_problem(dir.path()).contains("unknown field `colour`"));
}
