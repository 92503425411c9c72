//! `discord.shards` with the real binary: one process running both shards of two (serenity's
//! inclusive range end pinned by the second connection), a process without shard 0 that leaves
//! command registration to shard 0's process and still answers its own guilds, and the key's
//! validation.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use allybot::sim::{shard_of, Actor, ShardSession, SimOptions, Simulator};

use crate::harness::{allybot, READY};

/// Two IDENTIFYs in one process are 5 s apart (serenity's shard queuer), on top of start-up.
const BOTH_SHARDS: Duration = Duration::from_secs(90);

fn run_with_shards(sim: &Simulator, dir: &Path, shards: &str) -> Command {
    let mut command = allybot();
    command
        .arg("run")
        .env("DISCORD_TOKEN", "sharded")
        .env("ALLYBOT__DISCORD__PROXY_URL", sim.base_url())
        .env("ALLYBOT__DISCORD__COMMAND_SCOPE", "global")
        .env("ALLYBOT__DISCORD__SHARDS", shards)
        .env(
            "ALLYBOT__DATABASE__URL",
            format!("sqlite://{}/allybot.db", dir.display()),
        )
        .env(
            "ALLYBOT__PRIVACY__DATA_KEY_FILE",
            dir.join("key").display().to_string(),
        )
        .env("ALLYBOT__LOG__FILTER", "info");
    command
}

/// Starts `command` with its log in the file `log` (a file, so a long log never blocks the
/// child).
pub fn spawn_logged(mut command: Command, log: &Path) -> Running {
    let log = std::fs::File::create(log).unwrap();
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    Running(Some(child))
}

/// A bot process; killed if the test ends (or fails) before it stops it.
pub struct Running(Option<Child>);

impl Running {
    /// SIGTERM (a clean stop), then its exit status.
    pub fn stop(self) -> std::process::ExitStatus {
        self.signal("-TERM")
    }

    /// Sends `signal` (`"-KILL"`, say) and waits for the process to exit.
    pub fn signal(mut self, signal: &str) -> std::process::ExitStatus {
        let mut child = self.0.take().expect("running");
        Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        child.wait().unwrap()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub async fn about_is_answered(sim: &Simulator, actor: Actor) {
    let reply = sim
        .slash(actor, "about", &[])
        .unwrap_or_else(|e| panic!("/about: {e}"))
        .reply()
        .await
        .unwrap_or_else(|e| panic!("/about in {:?}: {e}", actor.guild));
    assert!(reply.message().text().contains("How to begin"));
}

#[tokio::test]
async fn one_process_runs_both_shards_of_two_and_answers_guilds_on_each_and_dms() {
    let sim = Simulator::start(SimOptions {
        recommended_shards: 2,
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let owner = sim.add_user("owner");
    let on_zero = sim.add_guild_on_shard("Org on shard 0", owner, 0, 2);
    let on_one = sim.add_guild_on_shard("Org on shard 1", owner, 1, 2);
    let general_zero = sim.add_text_channel(on_zero, "general");
    let general_one = sim.add_text_channel(on_one, "general");
    let member = sim.add_user("Ade");
    sim.add_member(on_zero, member, &[]);
    sim.add_member(on_one, member, &[]);
    let dir = tempfile::tempdir().unwrap();

    let bot = spawn_logged(
        run_with_shards(&sim, dir.path(), "0-1/2"),
        &dir.path().join("log"),
    );
    let both = sim
        .wait_for_shards(BOTH_SHARDS, |sessions| {
            sessions.len() == 2 && sessions.iter().all(|s| s.connected)
        })
        .await;
    let registered = sim.wait_until_ready(READY).await;

    assert!(both, "two connections: {:?}", sim.shard_sessions());
    assert_eq!(
        sim.shard_sessions(),
        vec![
            ShardSession {
                shard: 0,
                total: 2,
                connected: true,
                guild_creates: vec![on_zero],
            },
            ShardSession {
                shard: 1,
                total: 2,
                connected: true,
                guild_creates: vec![on_one],
            },
        ],
        "\"0-1/2\" includes shard 1 (serenity's range end is inclusive), and each guild is \
         created on its own shard"
    );
    assert!(
        registered,
        "the process with shard 0 registers the commands"
    );
    for (guild, channel) in [(on_zero, general_zero), (on_one, general_one)] {
        let actor = Actor {
            user: member,
            guild: Some(guild),
            channel,
        };
        about_is_answered(&sim, actor).await;
    }
    let in_dm = Actor {
        user: member,
        guild: None,
        channel: sim.dm_channel(member),
    };
    about_is_answered(&sim, in_dm).await;
    assert!(bot.stop().success(), "stops cleanly");
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

#[tokio::test]
async fn a_process_without_shard_zero_leaves_registration_to_it_and_answers_its_own_guilds() {
    let sim = Simulator::start(SimOptions::default()).await.unwrap();
    let owner = sim.add_user("owner");
    let on_zero = sim.add_guild_on_shard("Org on shard 0", owner, 0, 2);
    let on_one = sim.add_guild_on_shard("Org on shard 1", owner, 1, 2);
    let general = sim.add_text_channel(on_one, "general");
    assert_eq!((shard_of(on_zero, 2), shard_of(on_one, 2)), (0, 1));
    // What the process running shard 0 registered earlier.
    let definitions = poise::builtins::create_application_commands(&allybot::bot::commands::all());
    sim.install_commands(
        None,
        serde_json::to_value(definitions)
            .unwrap()
            .as_array()
            .cloned()
            .unwrap(),
    );
    let dir = tempfile::tempdir().unwrap();

    let bot = spawn_logged(
        run_with_shards(&sim, dir.path(), "1-1/2"),
        &dir.path().join("log"),
    );
    let connected = sim
        .wait_for_shards(READY, |sessions| {
            sessions.iter().any(|s| s.shard == 1 && s.connected)
        })
        .await;
    assert!(connected, "{:?}", sim.shard_sessions());
    // poise holds every event until its setup (where registration happens) has finished, so an
    // answer means registration was either done or skipped.
    about_is_answered(
        &sim,
        Actor {
            user: owner,
            guild: Some(on_one),
            channel: general,
        },
    )
    .await;
    let sessions = sim.shard_sessions();
    let status = bot.stop();

    assert_eq!(
        sessions,
        vec![ShardSession {
            shard: 1,
            total: 2,
            connected: true,
            guild_creates: vec![on_one],
        }],
        "shard 1 only, and only its guild"
    );
    let registrations: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/commands"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(registrations.is_empty(), "{registrations:?}");
    let log = std::fs::read_to_string(dir.path().join("log")).unwrap();
    assert!(
        log.contains("leaves registering the slash commands to the process that does"),
        "{log}"
    );
    assert!(status.success(), "stops cleanly: {log}");
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

#[test]
fn a_bad_shard_range_stops_start_up_with_one_line_naming_the_key() {
    for (shards, problem) in [
        ("0-1", "first-last/total"),
        ("1-0/2", "must not come after"),
        ("0-2/2", "numbered 0 to 1 out of 2"),
        ("0-0/0", "the total must be"),
    ] {
        let output = allybot()
            .arg("migrate")
            .env("ALLYBOT__DISCORD__SHARDS", shards)
            .output()
            .unwrap();
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{shards}: {message}");
        assert_eq!(message.trim().lines().count(), 1, "one line: {message}");
        assert!(message.contains("discord.shards"), "{message}");
        assert!(message.contains(problem), "{shards}: {message}");
        assert!(
            message.contains("ALLYBOT__DISCORD__SHARDS"),
            "says where it came from: {message}"
        );
    }
}
