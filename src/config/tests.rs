use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn file_with(contents: &str) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), contents).unwrap();
    file
}

#[test]
fn a_file_may_hold_only_the_keys_it_changes() {
    let file = file_with("[schedule]\ngrace_hours = 2\n");
    let settings = load(Some(file.path()), &[]).unwrap();
    assert_eq!(settings.schedule.grace_hours, 2);
    assert_eq!(
        settings.outbound.max_requests_per_second, 45,
        "untouched keys keep their defaults"
    );
    assert_eq!(settings.discord.command_scope, CommandScope::Global);
}

#[test]
fn the_environment_overrides_the_file() {
    let file = file_with("[database]\nurl = \"sqlite://a.db\"\n");
    let settings = load(
        Some(file.path()),
        &env(&[("ALLYBOT__DATABASE__URL", "sqlite://b.db")]),
    )
    .unwrap();
    assert_eq!(settings.database.url, "sqlite://b.db");
}

#[test]
fn each_kind_of_bad_value_names_its_key() {
    let cases = [
        (
            "[outbound]\nmax_requests_per_second = 90\n",
            "outbound.max_requests_per_second",
            "out of range",
        ),
        (
            "[outbound]\nmax_requests_per_second = \"fast\"\n",
            "outbound.max_requests_per_second",
            "whole number",
        ),
        (
            "[discord]\ncolour = \"blue\"\n",
            "discord.colour",
            "unknown key",
        ),
        ("[colours]\nx = 1\n", "colours", "unknown section"),
        (
            "[discord]\ncommand_scope = \"everywhere\"\n",
            "discord.command_scope",
            "neither",
        ),
        (
            "[database]\nurl = \"mysql://x\"\n",
            "database.url",
            "not a database URL",
        ),
        (
            "[database]\nurl = \"postgress://bot:s3cret@db/allybot\"\n",
            "database.url",
            "'postgress://bot:***@db/allybot' is not a database URL",
        ),
        (
            "[privacy]\nmin_group_size = 2\n",
            "privacy.min_group_size",
            "out of range",
        ),
    ];
    for (contents, key, problem) in cases {
        let file = file_with(contents);
        let error = load(Some(file.path()), &[]).expect_err(contents);
        assert_eq!(error.key, key, "for {contents:?}");
        assert!(error.problem.contains(problem), "{contents:?} gave {error}");
    }
}

#[test]
fn a_bad_environment_value_names_the_variable_and_key() {
    let error = load(None, &env(&[("ALLYBOT__SCHEDULE__GRACE_HOURS", "soon")])).unwrap_err();
    assert_eq!(error.key, "schedule.grace_hours");
    assert!(error.to_string().contains("ALLYBOT__SCHEDULE__GRACE_HOURS"));

    let error = load(None, &env(&[("ALLYBOT__NOPE", "1")])).unwrap_err();
    assert_eq!(error.key, "ALLYBOT__NOPE");
}

#[test]
fn broken_toml_names_the_line_it_is_on() {
    let file = file_with("[log]\nfilter = \"info\"\n[schedule\ngrace_hours = 6\n");
    let error = load(Some(file.path()), &[]).unwrap_err();
    assert!(
        error.problem.starts_with("not valid TOML: line 3: "),
        "{error}"
    );
}

#[test]
fn an_unreadable_file_is_a_configuration_error() {
    let error = load(Some(Path::new("/nonexistent/allybot.toml")), &[]).unwrap_err();
    assert_eq!(error.key, "--config");
    assert!(error.problem.contains("/nonexistent/allybot.toml"));
}

#[test]
fn the_token_comes_from_the_environment_or_the_token_file() {
    let settings = load(None, &[]).unwrap();
    assert_eq!(
        load_token(&settings, &env(&[("DISCORD_TOKEN", " abc ")]))
            .unwrap()
            .expose(),
        "abc"
    );
    assert_eq!(load_token(&settings, &[]).unwrap_err().key, "DISCORD_TOKEN");

    let token_file = file_with("from-file\n");
    let config = file_with(&format!(
        "[discord]\ntoken_file = {:?}\n",
        token_file.path().display().to_string()
    ));
    let settings = load(Some(config.path()), &[]).unwrap();
    assert_eq!(load_token(&settings, &[]).unwrap().expose(), "from-file");
}

#[test]
fn the_shipped_default_file_documents_every_key_with_the_built_in_default() {
    let text = std::fs::read_to_string("config/default.toml").expect("config/default.toml exists");
    let from_file = load(Some(Path::new("config/default.toml")), &[]).unwrap();
    // content.dir is documented but commented out, so a copy of the file leaves the choice
    // between prompts/ and the built-in curriculum to the bot.
    assert_eq!(from_file.content.dir_set_by, None);
    let built_in = build(&defaults().unwrap()).unwrap();
    assert_eq!(format!("{from_file:?}"), format!("{built_in:?}"));
    for spec in KEYS {
        let line = text
            .lines()
            .map(|l| l.trim_start().trim_start_matches("# "))
            .find(|l| l.starts_with(&format!("{} =", spec.key)));
        assert!(
            line.is_some(),
            "{} is documented in config/default.toml",
            spec.path()
        );
    }
}

#[test]
fn the_built_in_defaults_are_the_shipped_default_file() {
    assert_eq!(
        format!("{:?}", build(&defaults().unwrap()).unwrap()),
        format!("{:?}", build(&key_defaults()).unwrap())
    );
    assert_eq!(
        BUILT_IN_DEFAULTS,
        std::fs::read_to_string("config/default.toml").unwrap(),
        "built from the file in the repository"
    );
}

#[test]
fn content_dir_counts_as_set_only_when_a_file_or_the_environment_sets_it() {
    let silent = file_with("[quiz]\nquestions = 2\n");
    let settings = load(Some(silent.path()), &[]).unwrap();
    assert_eq!(settings.content.dir, Path::new("prompts"));
    assert_eq!(settings.content.dir_set_by, None, "the built-in default");

    let setting = file_with("[content]\ndir = \"curriculum\"\n");
    let settings = load(Some(setting.path()), &[]).unwrap();
    assert_eq!(settings.content.dir, Path::new("curriculum"));
    assert_eq!(
        settings.content.dir_set_by.as_deref(),
        Some(setting.path().display().to_string().as_str())
    );

    let settings = load(
        Some(setting.path()),
        &env(&[("ALLYBOT__CONTENT__DIR", "elsewhere")]),
    )
    .unwrap();
    assert_eq!(settings.content.dir, Path::new("elsewhere"));
    assert_eq!(
        settings.content.dir_set_by.as_deref(),
        Some("environment variable ALLYBOT__CONTENT__DIR")
    );
}
