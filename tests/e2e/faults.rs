//! Faults from outside: the database locked by another writer, and Discord answering a share
//! of a fan-out's posts with 5xx, a hang past the HTTP timeout, or a 429 with a long
//! Retry-After. Each is bounded in time.

use std::time::{Duration, Instant};

use allybot::sim::{Fault, FaultKind, SimOptions};
use allybot::store::PG_WRITE_LOCK;
use axum::http::Method;

use crate::cohorts::with_cohort;
use crate::delivery::seed_cohorts;
use crate::harness::{at, Harness};

/// How long the other writer holds the lock.
const LOCKED_FOR: Duration = Duration::from_secs(2);

#[tokio::test]
async fn with_the_database_locked_for_two_seconds_interactions_are_answered_and_nothing_typed_is_lost(
) {
    let (harness, _) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let member = harness.add_member("Noor");
    harness.command(member, "join", &[("cohort", "Blue")]).await;
    let notice = harness.command(member, "reflect", &[]).await;
    let agree = notice.message().button("I understand, continue").unwrap();
    let form = harness
        .sim
        .click(member, notice.message().id, &agree.custom_id)
        .unwrap();
    form.reply().await.unwrap();

    // Another writer (a long transaction, a backup; on PostgreSQL another process's write
    // transaction) takes the write lock.
    let database = harness.raw_database().await;
    let mut writer = database.acquire().await.unwrap();
    let take_the_lock: &[&'static str] = if harness.on_postgres() {
        &["BEGIN", PG_WRITE_LOCK]
    } else {
        &["BEGIN IMMEDIATE"]
    };
    for statement in take_the_lock {
        sqlx::query(*statement).execute(&mut *writer).await.unwrap();
    }
    let locked_at = Instant::now();
    let typed = "Locked-database canary: what I typed must survive.";
    let submitted = harness.sim.submit_modal(&form, &[("text", typed)]).unwrap();
    let command = harness
        .sim
        .slash(
            harness.in_general(member),
            "settings",
            &[("reminders", "off")],
        )
        .unwrap();
    // The form's work waits for the lock: it is acknowledged first, while the lock is held.
    submitted
        .wait_for_ack(Duration::from_secs(3))
        .await
        .expect("acknowledged inside Discord's 3 s");
    tokio::time::sleep(LOCKED_FOR.saturating_sub(locked_at.elapsed())).await;
    sqlx::query("COMMIT").execute(&mut *writer).await.unwrap();

    let saved = submitted.reply().await.unwrap();
    let set = command.reply().await.unwrap();

    assert!(saved.text().contains("Saved"), "{}", saved.text());
    assert!(set.text().contains("**off**"), "{}", set.text());
    assert_eq!(submitted.rejections(), Vec::<u32>::new());
    assert_eq!(command.rejections(), Vec::<u32>::new());
    let store = harness.bot().store();
    assert_eq!(store.reflections_of(member).await.unwrap().len(), 1);
    assert!(
        !store
            .participant_settings(member)
            .await
            .unwrap()
            .reminders_on
    );
}

#[tokio::test]
async fn a_share_of_posts_failing_with_5xx_hangs_and_long_429s_is_retried_boundedly_and_the_fan_out_goes_on(
) {
    const COHORTS: usize = 60;
    let harness = Harness::start_with(SimOptions::default()).await;
    let settings = harness.settings();
    let curriculum = allybot::app::load_curriculum(&settings).unwrap();
    let channels = seed_cohorts(
        harness.bot().store(),
        &harness.sim,
        harness.guild,
        COHORTS,
        curriculum.track("accomplice").unwrap(),
    )
    .await;
    let member = harness.add_member("Ravi");
    let post = |kind| Fault::new(Some(Method::POST), "/messages", 4, kind);
    harness.sim.inject(
        post(FaultKind::Error {
            status: 503,
            code: 0,
            message: "Service Unavailable".into(),
        })
        .every(7),
    );
    // Past serenity's 10 s request timeout: the post is made, its answer never arrives in time.
    harness
        .sim
        .inject(post(FaultKind::DelayAfter(Duration::from_secs(12))).every(11));
    harness.sim.inject(
        post(FaultKind::RateLimited {
            retry_after: Duration::from_secs(600),
            global: false,
        })
        .every(13),
    );

    harness.clock.set(at("2026-11-23T09:00:00Z"));
    let settle = harness.bot().scheduler().settle();
    let during = async {
        harness
            .sim
            .wait_for_request(Duration::from_secs(30), |r| r.status == 503)
            .await;
        let handle = harness
            .sim
            .slash(harness.in_general(member), "about", &[])
            .unwrap();
        let answered = handle.reply().await.is_ok();
        (answered, handle.rejections())
    };
    let ((), (answered, rejections)) = tokio::join!(settle, during);
    // What failed for now is retried a minute later; the channel is searched or the nonce
    // returns the first message, so nothing is doubled.
    harness.clock.set(at("2026-11-23T09:02:00Z"));
    harness.bot().scheduler().settle().await;

    let posts: Vec<_> = harness
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .collect();
    let limited = posts.iter().filter(|r| r.status == 429).count();
    assert!(answered, "/about answered during the faults");
    assert!(rejections.is_empty(), "{rejections:?}");
    assert!(limited <= 4, "only the injected 429s, no storm: {limited}");
    assert!(
        posts.len() <= COHORTS + 3 * 12,
        "bounded retries: {} posts for {COHORTS} nudges",
        posts.len()
    );
    for channel in &channels {
        assert_eq!(
            harness.sim.channel_messages(*channel).len(),
            1,
            "channel {channel}: exactly one nudge"
        );
    }
}
