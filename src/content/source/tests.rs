use super::*;
use crate::content::check;
use crate::content::export::{export, ExportError};
use crate::content::load::{load, load_from, read_from};

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts")
}

/// The whole curriculum as text: every field of every track, module and item (module files
/// are relative, so two sources of the same files print the same).
fn everything(curriculum: &crate::content::model::Curriculum) -> String {
    format!("{curriculum:#?}")
}

#[test]
fn the_built_in_curriculum_is_the_shipped_folder_and_passes_the_check() {
    let built_in = load_from(&CurriculumSource::BuiltIn).expect("the built-in curriculum loads");
    let folder = load(&shipped()).expect("the shipped folder loads");
    assert_eq!(everything(&built_in), everything(&folder));
    assert_eq!(built_in.tracks.len(), 3);
    let report = check::report(&CurriculumSource::BuiltIn, &crate::bot::render::DiscordFit);
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
}

#[test]
fn an_export_loads_as_the_same_curriculum_and_holds_every_built_in_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new/curriculum");
    let written = export(&target).expect("exports into a new folder, parents included");
    assert_eq!(written, built_in_files().len());

    let exported = load(&target).expect("the export loads");
    let built_in = load_from(&CurriculumSource::BuiltIn).unwrap();
    assert_eq!(everything(&exported), everything(&built_in));
    for (relative, contents) in built_in_files() {
        assert_eq!(
            fs::read(target.join(&relative)).unwrap(),
            contents,
            "{relative}"
        );
        assert_eq!(
            fs::read(shipped().join(&relative)).unwrap(),
            contents,
            "{relative} is the repository's file"
        );
    }
    assert!(check::check(&target, &crate::bot::render::DiscordFit).is_empty());
}

#[test]
fn an_export_goes_into_an_empty_folder_and_never_over_files() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path()).expect("an existing empty folder is fine");

    let edited = dir.path().join("accomplice/track.toml");
    fs::write(&edited, "edited").unwrap();
    let refused = export(dir.path()).expect_err("not empty");
    assert!(matches!(refused, ExportError::NotEmpty(_)), "{refused}");
    assert_eq!(fs::read_to_string(&edited).unwrap(), "edited", "left alone");

    let file = dir.path().join("lint.toml");
    let refused = export(&file).expect_err("a file");
    assert!(matches!(refused, ExportError::NotAFolder(_)), "{refused}");
}

#[test]
fn an_explicit_folder_must_exist_and_a_default_one_falls_back_to_the_built_in_curriculum() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    assert_eq!(choose(&missing, false), Ok(CurriculumSource::BuiltIn));
    assert_eq!(
        choose(&missing, true),
        Err(MissingFolder {
            absolute: missing.clone()
        })
    );
    assert_eq!(
        choose(dir.path(), false),
        Ok(CurriculumSource::Folder(dir.path().to_path_buf()))
    );
    assert_eq!(
        choose(dir.path(), true),
        Ok(CurriculumSource::Folder(dir.path().to_path_buf()))
    );
}

#[test]
fn a_relative_missing_folder_is_named_by_its_absolute_path() {
    let message = choose(Path::new("no/such/curriculum"), true)
        .unwrap_err()
        .to_string();
    let expected = std::env::current_dir().unwrap().join("no/such/curriculum");
    assert!(
        message.starts_with(&format!("no folder at {}; ", expected.display())),
        "{message}"
    );
}

#[test]
fn both_sources_name_files_the_same_way_in_problems() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path()).unwrap();
    let file = "organization/03-allyship-as-organizational-value-and-practice.toml";
    fs::write(dir.path().join(file), "module = 3\n[[prompts]\n").unwrap();
    let folder = read_from(&CurriculumSource::Folder(dir.path().to_path_buf()));
    assert!(
        folder.problems.iter().any(|p| p.file == file),
        "{:#?}",
        folder.problems
    );
    let built_in = read_from(&CurriculumSource::BuiltIn);
    let built_in_files: Vec<&str> = built_in
        .curriculum
        .tracks
        .iter()
        .flat_map(|t| &t.modules)
        .map(|m| m.file.as_str())
        .collect();
    assert!(built_in_files.contains(&file), "{built_in_files:?}");
}

#[test]
fn a_load_error_names_the_folder_without_a_placeholder_id() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("gone");
    let error = load(&gone).unwrap_err().to_string();
    assert!(
        error.starts_with(&format!("{}: cannot read the folder: ", gone.display())),
        "{error}"
    );
    assert!(!error.contains("-:"), "{error}");
}
