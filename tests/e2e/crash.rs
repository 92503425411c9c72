//! The real binary, killed with SIGKILL at random points of a 200-cohort fan-out and started
//! again, six times with six seeds: half the restarts come within Discord's nonce window (an
//! unconfirmed post is re-sent with its nonce), half after it (Discord has forgotten the nonce
//! and the bot's clock is past it, so the channel is searched first). After every kill the
//! database passes `PRAGMA integrity_check`; at the end each cohort has exactly one nudge for
//! the day and every claim is settled.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use allybot::config::{self};
use allybot::sim::{Fault, FaultKind, SimOptions, Simulator};
use allybot::store::Store;
use axum::http::Method;
use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng};
use sqlx::Connection;

use crate::delivery::seed_cohorts;
use crate::harness::{allybot, at};

const COHORTS: usize = 200;
/// Kills, each with its own seed; odd ones restart after the nonce window.
const KILLS: u64 = 6;
const SEED: u64 = 20261123;
/// How far the restarted bot's clock jumps to be past the nonce window it trusts (2 minutes).
const PAST_THE_NONCE_WINDOW: chrono::Duration = chrono::Duration::minutes(3);

pub struct World {
    pub sim: Simulator,
    pub guild: u64,
    pub db_url: String,
    pub dir: tempfile::TempDir,
}

/// The real binary on `world`'s database and simulator, its clock starting at `clock`.
pub fn start_bot(world: &World, clock: DateTime<Utc>) -> Child {
    allybot()
        .arg("run")
        .env("DISCORD_TOKEN", "crash-test")
        .env("ALLYBOT_CLOCK_START", clock.to_rfc3339())
        .env("ALLYBOT__DISCORD__PROXY_URL", world.sim.base_url())
        .env(
            "ALLYBOT__DISCORD__COMMAND_SCOPE",
            format!("guild:{}", world.guild),
        )
        .env("ALLYBOT__DATABASE__URL", &world.db_url)
        .env(
            "ALLYBOT__PRIVACY__DATA_KEY_FILE",
            world.dir.path().join("key").display().to_string(),
        )
        .env("ALLYBOT__LOG__FILTER", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts")
}

fn nudges_posted(world: &World, channels: &[u64]) -> usize {
    channels
        .iter()
        .map(|c| world.sim.channel_messages(*c).len())
        .sum()
}

fn channel_searches(world: &World) -> usize {
    world
        .sim
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/messages"))
        .count()
}

async fn integrity(db_url: &str) -> String {
    let mut db = sqlx::SqliteConnection::connect(db_url).await.unwrap();
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await
        .unwrap();
    db.close().await.unwrap();
    verdict
}

/// Waits (bounded) until `posted` nudges are in the channels.
async fn wait_for_posts(world: &World, channels: &[u64], posted: usize, limit: Duration) {
    let deadline = Instant::now() + limit;
    while nudges_posted(world, channels) < posted && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn sigkill_at_random_points_of_a_fan_out_never_doubles_or_misses_a_nudge() {
    let sim = Simulator::start(SimOptions::default()).await.unwrap();
    let owner = sim.add_user("owner");
    let guild = sim.add_guild("Crash Org", owner);
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!("sqlite://{}", dir.path().join("allybot.db").display());
    let world = World {
        sim,
        guild,
        db_url,
        dir,
    };
    let settings = config::load(None, &[]).unwrap();
    let curriculum = allybot::app::load_curriculum(&settings).unwrap();
    let store = Store::open(&world.db_url).await.unwrap();
    let channels = seed_cohorts(
        &store,
        &world.sim,
        guild,
        COHORTS,
        curriculum.track("organization").unwrap(),
    )
    .await;
    store.close().await;
    // Every post is taken by Discord at once but answered late: a kill then lands between the
    // post and its mark as often as between the claim and the post.
    world.sim.inject(Fault::new(
        Some(Method::POST),
        "/messages",
        usize::MAX,
        FaultKind::DelayAfter(Duration::from_millis(120)),
    ));

    let due = at("2026-11-23T09:00:00Z");
    let began = Instant::now();
    let mut jumped = chrono::Duration::zero();
    let mut simulated_now = |jump: chrono::Duration| {
        jumped += jump;
        due - chrono::Duration::seconds(2)
            + chrono::Duration::from_std(began.elapsed()).unwrap()
            + jumped
    };
    let mut searches_after_the_window = 0;
    for kill in 0..KILLS {
        let mut rng = rand::rngs::StdRng::seed_from_u64(SEED + kill);
        let after_the_window = kill % 2 == 1;
        if after_the_window {
            // Discord has forgotten the nonces: a blind re-post would show as a second nudge.
            world.sim.forget_nonces();
        }
        let jump = if after_the_window {
            PAST_THE_NONCE_WINDOW
        } else {
            chrono::Duration::zero()
        };
        let searches_before = channel_searches(&world);
        let mut child = start_bot(&world, simulated_now(jump));
        // A random point of this run's share of the fan-out.
        let already = nudges_posted(&world, &channels);
        let target = (already + rng.random_range(10..40)).min(COHORTS - 5);
        wait_for_posts(&world, &channels, target, Duration::from_secs(60)).await;
        tokio::time::sleep(Duration::from_millis(rng.random_range(0..150))).await;
        child.kill().unwrap(); // SIGKILL: no shutdown, no cleanup
        child.wait().unwrap();
        if after_the_window {
            searches_after_the_window += channel_searches(&world) - searches_before;
        }
        assert_eq!(integrity(&world.db_url).await, "ok", "after kill {kill}");
    }

    let mut child = start_bot(&world, simulated_now(chrono::Duration::zero()));
    let deadline = Instant::now() + Duration::from_secs(90);
    let store = Store::open_without_migrating(&world.db_url).await.unwrap();
    loop {
        let unfinished = store.unfinished_deliveries().await.unwrap().len();
        let sent = nudges_posted(&world, &channels);
        if (sent >= COHORTS && unfinished == 0) || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();

    assert!(status.success(), "the last run stopped cleanly");
    assert_eq!(integrity(&world.db_url).await, "ok");
    for channel in &channels {
        assert_eq!(
            world.sim.channel_messages(*channel).len(),
            1,
            "channel {channel}: exactly one nudge"
        );
    }
    assert!(
        store.unfinished_deliveries().await.unwrap().is_empty(),
        "every claim was settled"
    );
    assert!(
        searches_after_the_window > 0,
        "restarts after the nonce window searched the channels before posting again"
    );
    assert!(world.sim.requests().iter().all(|r| r.status != 429));
}
