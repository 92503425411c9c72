//! The real binary, killed with SIGKILL at points of a 200-cohort weekly-summary fan-out and
//! started again: every cohort's summary is posted exactly once, the stranded claims are taken
//! over once their lease has run out, and the database stays sound.

use std::time::{Duration, Instant};

use allybot::sim::{Fault, FaultKind, SimMessage, SimOptions, Simulator};
use allybot::store::{CreateOutcome, NewCohort, Store};
use axum::http::Method;
use chrono::NaiveDate;

use crate::crash::{start_bot, World};
use crate::harness::at;

const ORGANISATIONS: usize = 20;
const COHORTS_EACH: usize = 10;

/// Twenty organisations with ten cohorts each and a summary channel each; no nudge channels,
/// so the only posts are summaries. Returns the summary channels.
async fn seed(world: &World, owner: u64) -> Vec<u64> {
    let store = Store::open(&world.db_url).await.unwrap();
    let created = at("2026-11-23T08:00:00Z");
    let settings = allybot::config::load(None, &[]).unwrap();
    let curriculum = allybot::app::load_curriculum(&settings).unwrap();
    let track = curriculum.track("accomplice").unwrap();
    let (plan, pace) = track.new_cohort_plan(1);
    let mut channels = Vec::new();
    for org in 0..ORGANISATIONS {
        let guild = if org == 0 {
            world.guild
        } else {
            world.sim.add_guild(&format!("Org {org}"), owner)
        };
        let channel = world.sim.add_text_channel(guild, "summaries");
        store.upsert_guild(guild, created).await.unwrap();
        store
            .set_summary_channel(guild, channel, created)
            .await
            .unwrap();
        for i in 0..COHORTS_EACH {
            let new = NewCohort {
                guild_id: guild,
                name: &format!("Cohort {org}-{i}"),
                track: &track.id,
                track_version: &track.version,
                plan: &plan,
                pace: &pace,
                seed: 1,
                start: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
                created_by: owner,
            };
            let CreateOutcome::Created(_) = store.create_cohort(new, created).await.unwrap() else {
                panic!("a unique name")
            };
        }
        channels.push(channel);
    }
    store.close().await;
    channels
}

fn posted(world: &World, channels: &[u64]) -> Vec<SimMessage> {
    channels
        .iter()
        .flat_map(|c| world.sim.channel_messages(*c))
        .collect()
}

#[tokio::test]
async fn sigkill_during_a_summary_fan_out_never_doubles_or_misses_a_summary() {
    let sim = Simulator::start(SimOptions::default()).await.unwrap();
    let owner = sim.add_user("owner");
    let guild = sim.add_guild("Org 0", owner);
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!("sqlite://{}", dir.path().join("allybot.db").display());
    let world = World {
        sim,
        guild,
        db_url,
        dir,
    };
    let channels = seed(&world, owner).await;
    let total = ORGANISATIONS * COHORTS_EACH;
    // Discord takes every post at once but answers late: a kill lands between the post and its
    // mark as often as between the claim and the post.
    world.sim.inject(Fault::new(
        Some(Method::POST),
        "/messages",
        usize::MAX,
        FaultKind::DelayAfter(Duration::from_millis(120)),
    ));

    let due = at("2026-11-30T09:00:00Z");
    let began = Instant::now();
    let simulated = |offset: chrono::Duration| {
        due - chrono::Duration::seconds(2)
            + offset
            + chrono::Duration::from_std(began.elapsed()).unwrap()
    };
    for target in [30, 90, 150] {
        let mut child = start_bot(&world, simulated(chrono::Duration::zero()));
        let deadline = Instant::now() + Duration::from_secs(90);
        while posted(&world, &channels).len() < target && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(
            posted(&world, &channels).len() >= target,
            "the fan-out reached {target} before the kill"
        );
        child.kill().unwrap(); // SIGKILL: no shutdown, no cleanup
        child.wait().unwrap();
    }

    // Past the three-minute lease: the claims of the killed processes are taken over.
    let mut child = start_bot(&world, simulated(chrono::Duration::minutes(4)));
    let store = Store::open_without_migrating(&world.db_url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let far_future = at("2030-01-01T00:00:00Z");
    loop {
        let unsettled = store
            .summaries_to_take_over(far_future)
            .await
            .unwrap()
            .len();
        let count = posted(&world, &channels).len();
        if (count >= total && unsettled == 0) || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();

    let all = posted(&world, &channels);
    for org in 0..ORGANISATIONS {
        for i in 0..COHORTS_EACH {
            let title = format!("Weekly summary · Cohort {org}-{i}");
            let copies = all
                .iter()
                .filter(|m| m.text().lines().any(|l| l == title))
                .count();
            assert_eq!(copies, 1, "{title}: exactly one summary");
        }
    }
    assert_eq!(all.len(), total);
    assert!(
        store
            .summaries_to_take_over(far_future)
            .await
            .unwrap()
            .is_empty(),
        "every claim was settled"
    );
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&store_pool(&world.db_url).await)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    // A restarted process cannot know how many posts the killed one just made in a channel, so
    // Discord may answer its first post there with a 429; the pacer then waits. No storm, though.
    let limited = world
        .sim
        .requests()
        .iter()
        .filter(|r| r.status == 429)
        .count();
    assert!(limited <= ORGANISATIONS, "{limited} rate-limited requests");
}

async fn store_pool(url: &str) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(url).await.unwrap()
}
