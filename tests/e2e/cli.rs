//! The `allybot` binary as an operator uses it: configuration errors, `migrate`, and `run`
//! against the simulator with a canary token that must never appear in any output.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use allybot::sim::{Actor, SimOptions, Simulator};
use allybot::store::Store;

use crate::harness::allybot;

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// One bad configuration: environment, config file contents, the key the message must name.
type Case = (
    Vec<(&'static str, &'static str)>,
    Option<&'static str>,
    &'static str,
);

fn config_file(dir: &Path, contents: &str) -> String {
    let path = dir.join("allybot.toml");
    std::fs::write(&path, contents).unwrap();
    path.display().to_string()
}

#[test]
fn each_kind_of_bad_configuration_exits_2_with_one_line_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [Case; 6] = [
        (
            vec![],
            Some("[schedule]\ngrace_hours = 99\n"),
            "schedule.grace_hours",
        ),
        (
            vec![],
            Some("[outbound]\nmax_requests_per_second = \"many\"\n"),
            "outbound.max_requests_per_second",
        ),
        (vec![], Some("[database]\npath = \"x\"\n"), "database.path"),
        (vec![], Some("[database\n"), "allybot.toml"),
        (
            vec![("ALLYBOT__PRIVACY__MIN_GROUP_SIZE", "1")],
            None,
            "privacy.min_group_size",
        ),
        (
            vec![("ALLYBOT__DISCORD__COMMAND_SCOPE", "guild:abc")],
            None,
            "discord.command_scope",
        ),
    ];
    for (env, file, key) in cases {
        let mut command = allybot();
        if let Some(contents) = file {
            command.args(["--config", &config_file(dir.path(), contents)]);
        }
        let output = command.arg("migrate").envs(env.clone()).output().unwrap();
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{key}: {message}");
        assert_eq!(message.trim().lines().count(), 1, "one line: {message}");
        assert!(message.contains(key), "{key} named in: {message}");
    }

    let output = allybot()
        .args(["migrate", "--config", "/nonexistent/allybot.toml"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "--config after the subcommand works too"
    );
    assert!(stderr(&output).contains("/nonexistent/allybot.toml"));

    let output = allybot()
        .arg("run")
        .env(
            "ALLYBOT__DATABASE__URL",
            format!("sqlite://{}/t.db", dir.path().display()),
        )
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "run without a token");
    assert!(
        stderr(&output).contains("DISCORD_TOKEN"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn migrate_creates_the_database_and_its_folder_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nested/folder/allybot.db");
    let url = format!("sqlite://{}", db.display());

    let first = allybot()
        .arg("migrate")
        .env("ALLYBOT__DATABASE__URL", &url)
        .output()
        .unwrap();
    let second = allybot()
        .arg("migrate")
        .env("ALLYBOT__DATABASE__URL", &url)
        .output()
        .unwrap();

    assert!(first.status.success(), "{}", stderr(&first));
    assert!(String::from_utf8_lossy(&second.stdout).contains("(0 migrations applied)"));
    let store = Store::open(&url).await.unwrap();
    let tables = store.table_names().await.unwrap();
    for table in ["cohorts", "deliveries", "guilds", "memberships"] {
        assert!(tables.iter().any(|t| t == table), "{table} in {tables:?}");
    }
    let journal = store.journal_mode().await.unwrap();
    assert_eq!(journal, "wal");
}

#[tokio::test]
async fn neither_the_token_nor_a_reflection_ever_appears_in_any_output_even_at_trace_level() {
    const CANARY: &str = "canary-7f3a9c2e-do-not-print";
    const REFLECTION: &str = "Pangolin-okapi canary: a private thought that must never be logged.";
    let sim = Simulator::start(SimOptions::default()).await.unwrap();
    let owner = sim.add_user("owner");
    let guild = sim.add_guild("Guild", owner);
    let channel = sim.add_text_channel(guild, "general");
    let dir = tempfile::tempdir().unwrap();

    let mut child = allybot()
        .arg("run")
        .env("DISCORD_TOKEN", CANARY)
        .env("ALLYBOT__DISCORD__PROXY_URL", sim.base_url())
        .env("ALLYBOT__DISCORD__COMMAND_SCOPE", format!("guild:{guild}"))
        .env(
            "ALLYBOT__DATABASE__URL",
            format!("sqlite://{}/allybot.db", dir.path().display()),
        )
        .env(
            "ALLYBOT__PRIVACY__DATA_KEY_FILE",
            dir.path().join("key").display().to_string(),
        )
        .env("ALLYBOT__LOG__FILTER", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drained as it comes: a full pipe would stall the bot at trace level.
    let stdout = drain(child.stdout.take());
    let stderr_text = drain(child.stderr.take());
    let ready = sim.wait_until_ready(Duration::from_secs(60)).await;
    let mut wrote = Err("not connected".to_owned());
    if ready {
        wrote = write_a_reflection(
            &sim,
            Actor {
                user: owner,
                guild: Some(guild),
                channel,
            },
            REFLECTION,
        )
        .await;
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    let all_output = format!("{}{}", stdout.join().unwrap(), stderr_text.join().unwrap());
    assert!(
        ready,
        "the binary should connect to the simulator: {all_output}"
    );
    let problems: Vec<&str> = all_output
        .lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
        .collect();
    assert_eq!(wrote, Ok(true), "the reflection was saved: {problems:#?}");
    assert!(all_output.contains("bot started"), "trace logging was on");
    assert!(
        all_output.contains("reflection saved"),
        "the save was logged, by id and length"
    );
    assert!(
        !all_output.contains(CANARY),
        "the token leaked into the output"
    );
    assert!(
        !all_output.contains(&CANARY[..20]),
        "part of the token leaked into the output"
    );
    assert!(
        !all_output.contains("Pangolin-okapi"),
        "reflection text leaked into the output"
    );
    assert_eq!(status.code(), Some(0), "SIGTERM is a clean shutdown");
    assert!(sim.gateway_stats().clean_closes >= 1);
}

/// Reads a child's output to the end on a thread.
fn drain(pipe: Option<impl std::io::Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

/// An admin sets a cohort up, joins it, consents and writes a reflection, through the binary.
async fn write_a_reflection(sim: &Simulator, admin: Actor, text: &str) -> Result<bool, String> {
    let run = |command: &'static str, options: Vec<(&'static str, String)>| async move {
        let options: Vec<(&str, &str)> = options.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let handle = sim
            .slash(admin, command, &options)
            .map_err(|e| format!("/{command}: {e}"))?;
        handle.reply().await.map_err(|e| format!("/{command}: {e}"))
    };
    run(
        "cohort create",
        vec![("name", "Canaries".into()), ("track", "accomplice".into())],
    )
    .await?;
    run(
        "cohort channel",
        vec![
            ("cohort", "Canaries".into()),
            ("channel", admin.channel.to_string()),
        ],
    )
    .await?;
    run("join", vec![("cohort", "Canaries".into())]).await?;
    let notice = run("reflect", vec![]).await?;
    let agree = notice
        .message()
        .button("I understand, continue")
        .ok_or("no consent button")?;
    let form = sim
        .click(admin.user, notice.message().id, &agree.custom_id)
        .map_err(|e| e.to_string())?;
    form.reply().await.map_err(|e| e.to_string())?;
    let saved = sim
        .submit_modal(&form, &[("text", text)])
        .map_err(|e| e.to_string())?;
    Ok(saved
        .reply()
        .await
        .map_err(|e| e.to_string())?
        .text()
        .contains("Saved"))
}

#[test]
fn the_demo_sets_a_cohort_up_by_commands_plays_its_days_and_exits_0() {
    let out = tempfile::tempdir().unwrap();

    let output = allybot()
        .args(["demo", "--days", "3", "--out"])
        .arg(out.path())
        .output()
        .unwrap();

    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}{}", printed, stderr(&output));
    for expected in [
        "/cohort create name:Northwind Allies track:everyday",
        "Day 3 · ",
        " · Everyday Allyship Practice",
        "A quick quiz from Everyday Allyship Practice",
        "/cohort preview cohort:Northwind Accomplices day:16",
        "4. Allyship in Everyday Interactions: 15 practice days, days 16–30",
        "Today: Day 3 · ",
        "/cohort schedule cohort:Northwind Allies time:09:00 timezone:Europe/London",
        "clicks [Join]",
        "Practice day 3",
        "[I tried this] [Reflect] [Quiz me]",
        "Counted. Nice work!",
        "Bao › clicks [Quiz me]",
        "Question 3 of 3",
        "Quiz done:",
        "clicks [I understand, continue]",
        "Saved, privately",
        "Yes, share it without my name",
        "A reflection from someone in the cohort",
        "Bao › /commit",
        "(in a private message to Bao)",
        "Bao › clicks [Tried it]",
        "Your practice in Northwind Allies",
        "Last nudges:",
        "Bao › /plan propose",
        "Posted as **Proposal 1**",
        "The tally shows once 5 people have voted.",
        "Support 4 · Not for now 1",
        "**Owners:** Dmitri, 1 more not named",
        "Action plan · Northwind Accomplices",
    ] {
        assert!(
            printed.contains(expected),
            "the transcript shows {expected:?}:\n{printed}"
        );
    }
    assert_eq!(
        printed.matches("Day 1 · ").count(),
        1,
        "one nudge per practice day"
    );
    let saved = std::fs::read_to_string(out.path().join("transcript.txt")).unwrap();
    assert!(saved.contains("Practice day 3"));
}
