//! The `allybot` binary copied alone: run from an empty folder, with no repository, no
//! `prompts/` and no `config/` around it, it uses the curriculum and defaults built into it.
//! Also which curriculum wins when there is a choice, and the error when a configured folder is
//! missing.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use allybot::sim::{SimOptions, Simulator};

use crate::harness::allybot;

/// The real binary, run in `folder` with a clean environment.
fn allybot_in(folder: &Path) -> Command {
    let mut command = allybot();
    command.current_dir(folder);
    command
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn succeeded(output: &Output) -> bool {
    output.status.success()
}

/// The names directly in `folder`, sorted.
fn names_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn from_an_empty_folder_the_binary_checks_exports_and_plays_the_demo() {
    let empty = tempfile::tempdir().unwrap();
    let here = empty.path();

    let check = allybot_in(here)
        .args(["content", "check"])
        .output()
        .unwrap();
    assert!(succeeded(&check), "{}{}", stdout(&check), stderr(&check));
    let said = stdout(&check);
    assert!(said.starts_with("OK: 3 tracks "), "{said}");
    assert!(
        said.contains("in the curriculum built into the binary"),
        "{said}"
    );

    let export = allybot_in(here)
        .args(["content", "export", "our-curriculum"])
        .output()
        .unwrap();
    assert!(succeeded(&export), "{}", stderr(&export));
    assert!(
        stdout(&export).contains("Wrote the built-in curriculum ("),
        "{}",
        stdout(&export)
    );
    let exported = here.join("our-curriculum");
    assert!(exported.join("accomplice/track.toml").is_file());
    assert!(exported.join("lint.toml").is_file());

    let check = allybot_in(here)
        .args(["content", "check", "--dir", "our-curriculum"])
        .output()
        .unwrap();
    assert!(succeeded(&check), "{}{}", stdout(&check), stderr(&check));
    assert!(
        stdout(&check).starts_with("OK: 3 tracks "),
        "{}",
        stdout(&check)
    );

    let again = allybot_in(here)
        .args(["content", "export", "our-curriculum"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("the folder is not empty"),
        "{}",
        stderr(&again)
    );

    let demo = allybot_in(here).arg("demo").output().unwrap();
    assert!(succeeded(&demo), "{}{}", stdout(&demo), stderr(&demo));
    assert!(stdout(&demo).contains("End of demo"), "{}", stdout(&demo));
    let output = here.join("demo-output");
    assert!(output.join("transcript.txt").is_file());
    assert!(output.join("weekly-summary-chart.png").is_file());
    assert_eq!(
        names_in(here),
        ["demo-output", "our-curriculum"],
        "nothing else is written to the working folder"
    );
}

#[test]
fn the_exported_curriculum_counts_and_previews_as_the_built_in_one() {
    let empty = tempfile::tempdir().unwrap();
    let here = empty.path();
    let export = allybot_in(here)
        .args(["content", "export", "copy"])
        .output()
        .unwrap();
    assert!(succeeded(&export), "{}", stderr(&export));

    for args in [
        &["content", "stats", "--json"][..],
        &[
            "content",
            "preview",
            "--track",
            "organization",
            "--day",
            "3",
        ][..],
    ] {
        let built_in = allybot_in(here).args(args).output().unwrap();
        let copy = allybot_in(here)
            .args(args)
            .env("ALLYBOT__CONTENT__DIR", "copy")
            .output()
            .unwrap();
        assert!(succeeded(&built_in), "{args:?}: {}", stderr(&built_in));
        assert!(succeeded(&copy), "{args:?}: {}", stderr(&copy));
        assert!(!stdout(&built_in).is_empty());
        assert_eq!(stdout(&built_in), stdout(&copy), "{args:?}");
    }
}

/// Sets the Accomplice track's version in an exported copy, so `content stats` shows which
/// curriculum was read.
fn mark(curriculum: &Path, version: &str) {
    let manifest = curriculum.join("accomplice/track.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("version = "))
        .unwrap()
        .to_owned();
    fs::write(
        &manifest,
        text.replacen(&line, &format!("version = \"{version}\""), 1),
    )
    .unwrap();
}

fn accomplice_version(output: &Output) -> String {
    assert!(succeeded(output), "{}", stderr(output));
    let stats: serde_json::Value = serde_json::from_str(&stdout(output)).unwrap();
    stats["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "accomplice")
        .map(|t| t["version"].as_str().unwrap().to_owned())
        .unwrap()
}

#[test]
fn a_set_content_dir_wins_over_prompts_in_the_working_folder_which_wins_over_the_built_in_one() {
    let empty = tempfile::tempdir().unwrap();
    let here = empty.path();
    let stats = || {
        let mut command = allybot_in(here);
        command.args(["content", "stats", "--json"]);
        command
    };
    let built_in = accomplice_version(&stats().output().unwrap());

    for (folder, version) in [("prompts", "8.0.0-local"), ("chosen", "9.0.0-chosen")] {
        let export = allybot_in(here)
            .args(["content", "export", folder])
            .output()
            .unwrap();
        assert!(succeeded(&export), "{}", stderr(&export));
        mark(&here.join(folder), version);
    }
    assert_ne!(built_in, "8.0.0-local");

    assert_eq!(
        accomplice_version(&stats().output().unwrap()),
        "8.0.0-local",
        "prompts/ in the working folder beats the built-in curriculum"
    );
    assert_eq!(
        accomplice_version(
            &stats()
                .env("ALLYBOT__CONTENT__DIR", "chosen")
                .output()
                .unwrap()
        ),
        "9.0.0-chosen",
        "content.dir set in the environment beats prompts/"
    );
    fs::write(here.join("allybot.toml"), "[content]\ndir = \"chosen\"\n").unwrap();
    assert_eq!(
        accomplice_version(&stats().args(["--config", "allybot.toml"]).output().unwrap()),
        "9.0.0-chosen",
        "content.dir set in a config file beats prompts/"
    );
}

#[test]
fn a_configured_content_dir_that_is_missing_stops_with_its_absolute_path_and_no_fallback() {
    let empty = tempfile::tempdir().unwrap();
    let here = empty.path();
    // The path the binary sees as its working folder (a temporary folder may be behind a link).
    let missing = here.canonicalize().unwrap().join("our-curriculum");
    fs::write(
        here.join("allybot.toml"),
        "[content]\ndir = \"our-curriculum\"\n",
    )
    .unwrap();

    let cases: [(&str, Command); 3] = [
        ("environment, content stats", {
            let mut c = allybot_in(here);
            c.args(["content", "stats"])
                .env("ALLYBOT__CONTENT__DIR", "our-curriculum");
            c
        }),
        ("config file, content check", {
            let mut c = allybot_in(here);
            c.args(["--config", "allybot.toml", "content", "check"]);
            c
        }),
        ("config file, run", {
            let mut c = allybot_in(here);
            c.args(["--config", "allybot.toml", "run"])
                .env("DISCORD_TOKEN", "not-used-before-the-curriculum-loads");
            c
        }),
    ];
    for (case, mut command) in cases {
        let output = command.output().unwrap();
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{case}: {message}");
        assert_eq!(
            message.trim().lines().count(),
            1,
            "{case}: one line: {message}"
        );
        let expected = format!(
            "allybot: configuration error: content.dir: no folder at {}; ",
            missing.display()
        );
        assert!(message.starts_with(&expected), "{case}: {message}");
        assert!(!message.contains("-:"), "{case}: {message}");
        assert!(stdout(&output).is_empty(), "{case}: nothing was done");
    }
}

#[tokio::test]
async fn run_from_an_empty_folder_serves_with_the_built_in_curriculum_and_says_so() {
    let sim = Simulator::start(SimOptions::default()).await.unwrap();
    let owner = sim.add_user("owner");
    let guild = sim.add_guild("Guild", owner);
    let empty = tempfile::tempdir().unwrap();

    // Only what a real deployment must give: the token, and here where Discord is.
    let child = allybot_in(empty.path())
        .arg("run")
        .env("DISCORD_TOKEN", "test-token")
        .env("ALLYBOT__DISCORD__PROXY_URL", sim.base_url())
        .env("ALLYBOT__DISCORD__COMMAND_SCOPE", format!("guild:{guild}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let ready = sim.wait_until_ready(Duration::from_secs(60)).await;
    let stopped = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    // At the default log level the output is a few lines, so the pipes never fill.
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let logged = stderr(&output);
    assert!(ready, "the bot connects: {logged}");
    assert_eq!(output.status.code(), Some(0), "{logged}");
    assert!(
        logged.contains("curriculum: the one built into the binary"),
        "{logged}"
    );
    assert!(
        sim.registered_commands(Some(guild))
            .iter()
            .any(|c| c["name"] == "cohort"),
        "commands registered"
    );
    assert!(
        empty.path().join("data/allybot.db").is_file(),
        "the database is created in the working folder"
    );
}
