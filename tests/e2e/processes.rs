//! The real binary, twice on one database: the second process refuses to start (as does
//! `migrate` under a running bot), naming the lock file and the first one's pid; once the
//! first has exited, the database is free again.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use allybot::sim::{SimOptions, Simulator};

use crate::harness::allybot;

fn bot_command(sim: &Simulator, guild: u64, dir: &Path, subcommand: &str) -> Command {
    let mut command = allybot();
    command
        .arg(subcommand)
        .env("DISCORD_TOKEN", "two-processes")
        .env("ALLYBOT__DISCORD__PROXY_URL", sim.base_url())
        .env("ALLYBOT__DISCORD__COMMAND_SCOPE", format!("guild:{guild}"))
        .env(
            "ALLYBOT__DATABASE__URL",
            format!("sqlite://{}/allybot.db", dir.display()),
        )
        .env(
            "ALLYBOT__PRIVACY__DATA_KEY_FILE",
            dir.join("key").display().to_string(),
        )
        .env("ALLYBOT__LOG__FILTER", "warn");
    command
}

/// Runs a command that should end by itself, within `limit`.
async fn output_within(mut command: Command, limit: Duration) -> Output {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    match tokio::time::timeout(
        limit,
        tokio::task::spawn_blocking(move || child.wait_with_output()),
    )
    .await
    {
        Ok(output) => output.unwrap().unwrap(),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("the command did not end within {limit:?}");
        }
    }
}

fn stop(child: Child) -> std::process::ExitStatus {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let mut child = child;
    child.wait().unwrap()
}

#[tokio::test]
async fn a_second_process_on_the_same_database_refuses_to_start_and_names_the_lock_and_the_pid() {
    let sim = Simulator::start(SimOptions::default()).await.unwrap();
    let owner = sim.add_user("owner");
    let guild = sim.add_guild("Guild", owner);
    let dir = tempfile::tempdir().unwrap();
    let first = bot_command(&sim, guild, dir.path(), "run")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ready = sim.wait_until_ready(Duration::from_secs(60)).await;

    let second = output_within(
        bot_command(&sim, guild, dir.path(), "run"),
        Duration::from_secs(30),
    )
    .await;
    let migrate = output_within(
        bot_command(&sim, guild, dir.path(), "migrate"),
        Duration::from_secs(30),
    )
    .await;
    let first_pid = first.id();
    let first_status = stop(first);
    let after = output_within(
        bot_command(&sim, guild, dir.path(), "migrate"),
        Duration::from_secs(30),
    )
    .await;

    assert!(ready, "the first process connected");
    for refused in [&second, &migrate] {
        let message = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{message}");
        assert_eq!(message.trim().lines().count(), 1, "one line: {message}");
        assert!(message.contains("allybot.db.lock"), "{message}");
        assert!(message.contains(&format!("pid {first_pid}")), "{message}");
    }
    assert_eq!(
        sim.gateway_stats().identifies,
        1,
        "the refused process never connected"
    );
    assert!(first_status.success(), "the first stopped cleanly");
    assert!(
        after.status.success(),
        "free once the first exited: {}",
        String::from_utf8_lossy(&after.stderr)
    );
}
