//! Several processes on one PostgreSQL schema (issue 14): two real `allybot run` children on
//! the two shards of two, one elected leader running the scheduler, the other a warm standby.
//! Interactions in guilds on both shards are answered; a 200-cohort fan-out posts each nudge
//! once with no 429 (the simulator enforces one 50/s budget for the bot across connections);
//! the leader is killed (SIGKILL) mid-fan-out and the standby takes over once the leader's
//! lease has run out, recovering the claims in flight: nothing posted twice, nothing missed.
//! Runs only when `ALLYBOT_TEST_PG_URL` names a server.

use std::path::Path;
use std::time::{Duration, Instant};

use allybot::cli::CLOCK_START_ENV;
use allybot::clock::Clock;
use allybot::scheduler::LEADER_LEASE_ENV;
use allybot::sim::{Actor, SimOptions, Simulator};
use allybot::store::test_db::TestDb;
use allybot::store::Store;
use allybot::{app, config, data_key};
use chrono::{DateTime, Utc};

use crate::delivery::seed_cohorts_at;
use crate::harness::{allybot, at, Harness, READY};
use crate::shards::{about_is_answered, spawn_logged, Running};

const COHORTS: usize = 200;
/// Four organisations, two on each shard.
const GUILDS: usize = 4;
/// The leader's lease in the children: the standby takes over within about this long.
const LEASE_SECONDS: u64 = 3;
/// Start-up, 200 posts at the leader's 40 a second, a takeover and the rest: generous.
const FAN_OUT: Duration = Duration::from_secs(120);

struct Seeded {
    /// (guild, its shard, its #general, its owner) of each organisation.
    guilds: Vec<(u64, u32, u64, u64)>,
    /// Each organisation's cohorts' channels, organisation after organisation.
    channels: Vec<u64>,
    member: u64,
}

/// `per_guild` cohorts in each of the four organisations ("Cohort 0", "Cohort 1" … in each),
/// written through the store before the bot starts (`delivery::seed_cohorts_at`), due at `time`
/// UTC from Monday 23 November 2026, with the data key made.
async fn seed(sim: &Simulator, url: &str, key: &Path, per_guild: usize, time: &str) -> Seeded {
    let settings = config::load(None, &[]).unwrap();
    let curriculum = app::load_curriculum(&settings).unwrap();
    let track = curriculum.track("accomplice").unwrap();
    let store = Store::open(url).await.unwrap();
    data_key::prepare(&store, key, at("2026-11-23T08:00:00Z"))
        .await
        .unwrap();
    let member = sim.add_user("Ade");
    let mut guilds = Vec::new();
    let mut channels = Vec::new();
    for g in 0..GUILDS {
        let owner = sim.add_user(&format!("owner {g}"));
        let shard = (g % 2) as u32;
        let guild = sim.add_guild_on_shard(&format!("Org {g}"), owner, shard, 2);
        sim.add_member(guild, member, &[]);
        let general = sim.add_text_channel(guild, "general");
        guilds.push((guild, shard, general, owner));
        channels.extend(seed_cohorts_at(&store, sim, guild, per_guild, track, time).await);
    }
    store.close().await;
    Seeded {
        guilds,
        channels,
        member,
    }
}

/// One bot process on `shards`, its clock at `clock` when it starts, its log in `dir/<name>`.
fn spawn(
    sim: &Simulator,
    dir: &Path,
    name: &str,
    url: &str,
    shards: &str,
    clock: DateTime<Utc>,
) -> Running {
    let mut command = allybot();
    command
        .arg("run")
        .env("DISCORD_TOKEN", "scale-out")
        .env("ALLYBOT__DISCORD__PROXY_URL", sim.base_url())
        .env("ALLYBOT__DISCORD__COMMAND_SCOPE", "global")
        .env("ALLYBOT__DISCORD__SHARDS", shards)
        .env("ALLYBOT__DATABASE__URL", url)
        .env(
            "ALLYBOT__PRIVACY__DATA_KEY_FILE",
            dir.join("key").display().to_string(),
        )
        .env("ALLYBOT__LOG__FILTER", "info")
        .env("NO_COLOR", "1")
        .env(CLOCK_START_ENV, clock.to_rfc3339())
        .env(LEADER_LEASE_ENV, LEASE_SECONDS.to_string());
    spawn_logged(command, &dir.join(name))
}

/// The two processes: shard 0's (log `a.log`), started first, registers the commands and,
/// first to ask, leads; shard 1's (`b.log`) stands by. Returns them once both shards are
/// connected, with the moment the leader was started.
async fn leader_and_standby(
    sim: &Simulator,
    dir: &Path,
    url: &str,
    clock_start: DateTime<Utc>,
) -> (Running, Running, Instant) {
    let started = Instant::now();
    let leader = spawn(sim, dir, "a.log", url, "0-0/2", clock_start);
    assert!(
        wait_for_log(dir, "a.log", "this process leads the scheduler", READY).await,
        "the first process leads"
    );
    assert!(sim.wait_until_ready(READY).await, "commands registered");
    // The standby's clock starts where the leader's is now, so the two agree on time.
    let standby_clock =
        clock_start + chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
    let standby = spawn(sim, dir, "b.log", url, "1-1/2", standby_clock);
    assert!(
        wait_for_log(dir, "b.log", "this one stands by", READY).await,
        "the second process stands by: {}",
        std::fs::read_to_string(dir.join("b.log")).unwrap_or_default()
    );
    assert!(
        sim.wait_for_shards(READY, |sessions| sessions.len() == 2
            && sessions.iter().all(|s| s.connected))
            .await,
        "both shards connected: {:?}",
        sim.shard_sessions()
    );
    (leader, standby, started)
}

/// Polls the child's log file (it has no other way to tell) until a line holds `text`.
async fn wait_for_log(dir: &Path, name: &str, text: &str, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if std::fs::read_to_string(dir.join(name)).is_ok_and(|log| log.contains(text)) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn two_processes_on_one_postgres_schema_share_the_work_and_a_killed_leader_is_replaced() {
    let Some(db) = TestDb::postgres("scale_out").await else {
        return;
    };
    let sim = Simulator::start(SimOptions {
        recommended_shards: 2,
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let world = seed(
        &sim,
        db.url(),
        &dir.path().join("key"),
        COHORTS / GUILDS,
        "09:00",
    )
    .await;
    let (leader, _standby, _) =
        leader_and_standby(&sim, dir.path(), db.url(), at("2026-11-23T08:59:40Z")).await;

    // Interactions are answered by whichever process holds the guild's shard.
    for (guild, shard, general, _) in &world.guilds {
        let actor = Actor {
            user: world.member,
            guild: Some(*guild),
            channel: *general,
        };
        about_is_answered(&sim, actor).await;
        assert_eq!(allybot::sim::shard_of(*guild, 2), *shard);
    }

    // The fan-out starts at 09:00 by the leader's clock; the leader dies part way through.
    let posted_before_kill = sim.wait_for_messages_in(&world.channels, 40, FAN_OUT).await;
    assert!(
        (1..COHORTS).contains(&posted_before_kill),
        "killed mid-fan-out: {posted_before_kill} posted"
    );
    leader.signal("-KILL");
    let killed_at = Instant::now();

    assert!(
        wait_for_log(
            dir.path(),
            "b.log",
            "this process leads the scheduler",
            FAN_OUT
        )
        .await,
        "the standby takes over: {}",
        std::fs::read_to_string(dir.path().join("b.log")).unwrap_or_default()
    );
    let takeover = killed_at.elapsed();
    assert!(
        takeover >= Duration::from_secs(LEASE_SECONDS - 1),
        "not before the lease ran out ({takeover:?})"
    );
    // The leader had claimed the whole round before it died: its claims are recovered at
    // once, not after their own five-minute leases.
    assert!(
        wait_for_log(
            dir.path(),
            "b.log",
            "claims of the former leader will be recovered",
            READY
        )
        .await,
        "the standby recovers the claims in flight"
    );
    println!(
        "leader killed after {posted_before_kill} of {COHORTS} nudges; standby led {takeover:?} later"
    );
    // Done when every Monday nudge is recorded as sent: only a claim still unfinished could
    // be posted again.
    sqlx::any::install_default_drivers();
    let database = sqlx::AnyPool::connect(db.url()).await.unwrap();
    let deadline = Instant::now() + FAN_OUT;
    let sent = loop {
        let sent: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM deliveries WHERE practice_date = '2026-11-23' AND status = 'sent'",
        )
        .fetch_one(&database)
        .await
        .unwrap();
        if sent == COHORTS as i64 || Instant::now() > deadline {
            break sent;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    database.close().await;
    assert_eq!(sent, COHORTS as i64, "every Monday nudge recorded as sent");

    for (i, channel) in world.channels.iter().enumerate() {
        assert_eq!(
            sim.channel_messages(*channel).len(),
            1,
            "cohort {i}: one nudge (the leader killed after {posted_before_kill})"
        );
    }
    let throttled = sim.requests_matching(|r| r.status == 429);
    assert!(throttled.is_empty(), "no 429s: {throttled:?}");
}

/// On PostgreSQL nothing locks the database, so `migrate` and `key rotate` look for a process
/// that leads the scheduler and refuse while one does (on SQLite the file lock refuses them).
#[tokio::test]
async fn on_postgres_migrate_and_key_rotate_wait_until_the_bot_has_stopped() {
    let Some(mut harness) = Harness::start_on_postgres("exclusive commands").await else {
        return;
    };
    // A round has run once the scheduler leads.
    harness.bot().scheduler().settle().await;
    let key = harness.settings().privacy.data_key_file;
    let url = harness.database_url();
    // The bot's lease is reckoned by its own (test) clock.
    let now = harness.clock.now().to_rfc3339();
    let command = |args: &[&str]| {
        allybot()
            .args(args)
            .env("ALLYBOT__DATABASE__URL", &url)
            .env("ALLYBOT__PRIVACY__DATA_KEY_FILE", key.display().to_string())
            .env(CLOCK_START_ENV, &now)
            .output()
            .unwrap()
    };
    for args in [&["migrate"][..], &["key", "rotate"][..]] {
        let refused = command(args);
        let said = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{args:?}: {said}");
        assert!(
            said.contains("is running on this database") && said.contains("stop every allybot"),
            "{args:?}: {said}"
        );
        assert!(!said.contains("postgres://"), "no URL shown: {said}");
    }

    // A stopped bot hands its lease back: no wait.
    harness.stop().await;
    let migrated = command(&["migrate"]);
    assert!(
        String::from_utf8_lossy(&migrated.stdout).contains("(0 migrations applied)"),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    let rotated = command(&["key", "rotate"]);
    assert!(
        rotated.status.success(),
        "{}",
        String::from_utf8_lossy(&rotated.stderr)
    );
}

/// A schedule changed through a standby reaches the leader by NOTIFY, at once: not at the
/// leader's next look for work, a minute after its last round.
#[tokio::test]
async fn a_schedule_changed_through_a_standby_wakes_the_leader_at_once() {
    let Some(db) = TestDb::postgres("schedule change through a standby").await else {
        return;
    };
    let sim = Simulator::start(SimOptions {
        recommended_shards: 2,
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Organisation 1 is on shard 1: the standby serves its commands.
    let world = seed(&sim, db.url(), &dir.path().join("key"), 1, "10:00").await;
    let (guild, shard, general, owner) = world.guilds[1];
    assert_eq!(shard, 1);
    let (_leader, _standby, started) =
        leader_and_standby(&sim, dir.path(), db.url(), at("2026-11-23T09:00:00Z")).await;

    // Nothing is due before 10:00, so the leader's next look is a minute after its first round.
    let changed_at = Instant::now();
    let reply = sim
        .slash(
            Actor {
                user: owner,
                guild: Some(guild),
                channel: general,
            },
            "cohort schedule",
            &[
                ("cohort", "Cohort 0"),
                ("time", "09:00"),
                ("timezone", "UTC"),
            ],
        )
        .unwrap()
        .reply()
        .await
        .unwrap();
    assert!(
        reply
            .message()
            .text()
            .contains("practises mon-fri at 09:00"),
        "{}",
        reply.message().text()
    );
    let cohort_channel = world.channels[1];
    let posted = sim
        .wait_for_channel_messages(cohort_channel, 1, Duration::from_secs(30))
        .await;
    let waited = changed_at.elapsed();
    assert_eq!(posted.len(), 1, "the nudge due since 09:00 is posted");
    assert!(
        waited < Duration::from_secs(20) && started.elapsed() < Duration::from_secs(55),
        "by the notification, not the poll: {waited:?} after the change, {:?} after start",
        started.elapsed()
    );
    assert!(
        sim.channel_messages(world.channels[0]).is_empty(),
        "cohort 0 is still due at 10:00"
    );
}
