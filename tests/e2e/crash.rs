//! The real binary, killed with SIGKILL at random points of a 200-cohort fan-out and started
//! again: no cohort gets two nudges for a day, and none is missed.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use allybot::config::{self};
use allybot::sim::{Fault, FaultKind, SimOptions, Simulator};
use allybot::store::Store;
use axum::http::Method;
use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng};

use crate::delivery::seed_cohorts;
use crate::harness::{allybot, at};

const COHORTS: usize = 200;

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
    let simulated_now = || {
        due - chrono::Duration::seconds(2) + chrono::Duration::from_std(began.elapsed()).unwrap()
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261123);
    let mut kills = 0;
    for target in [25, 70, 120, 165] {
        let mut child = start_bot(&world, simulated_now());
        let deadline = Instant::now() + Duration::from_secs(60);
        while nudges_posted(&world, &channels) < target && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.random_range(0..150))).await;
        child.kill().unwrap(); // SIGKILL: no shutdown, no cleanup
        child.wait().unwrap();
        kills += 1;
    }

    let mut child = start_bot(&world, simulated_now());
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
    // Let the last marks land, then stop cleanly.
    tokio::time::sleep(Duration::from_millis(500)).await;
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();

    assert_eq!(kills, 4);
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
    assert!(world.sim.requests().iter().all(|r| r.status != 429));
}
