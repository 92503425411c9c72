//! Delivery guarantees: pacing under Discord's limits, downtime, retries, dead targets,
//! reconciliation after a crash, and reconnects that change nothing.

use std::time::Duration;

use allybot::domain::{SendTime, WorkWeek};
use allybot::sim::permissions::SEND_MESSAGES;
use allybot::sim::{Fault, FaultKind, Overwrite, OverwriteTarget, SimMessage};
use allybot::store::{CreateOutcome, NewCohort, Store};
use chrono::NaiveDate;

use crate::cohorts::with_cohort;
use crate::harness::{at, Harness};
use crate::log_capture::Logs;

fn nudge_count(messages: &[SimMessage]) -> usize {
    messages
        .iter()
        .filter(|m| m.button("I tried this").is_some())
        .count()
}

/// Creates `count` cohorts directly in the store, each with its own channel, all due at 09:00
/// UTC on Monday 23 November 2026. (Setting a thousand cohorts up by commands would test the
/// simulator's patience, not the scheduler.)
pub async fn seed_cohorts(
    store: &Store,
    harness_sim: &allybot::sim::Simulator,
    guild: u64,
    count: usize,
    track: &allybot::content::model::Track,
) -> Vec<u64> {
    seed_cohorts_at(store, harness_sim, guild, count, track, "09:00").await
}

/// [`seed_cohorts`] due at `time` UTC ("HH:MM"), named "Cohort 0", "Cohort 1" … in `guild`.
pub async fn seed_cohorts_at(
    store: &Store,
    harness_sim: &allybot::sim::Simulator,
    guild: u64,
    count: usize,
    track: &allybot::content::model::Track,
    time: &str,
) -> Vec<u64> {
    let set_at = at("2026-11-23T08:00:00Z");
    let mut channels = Vec::with_capacity(count);
    for i in 0..count {
        let channel = harness_sim.add_text_channel(guild, &format!("cohort-{i}"));
        let (plan, pace) = track.new_cohort_plan(i as u64);
        let new = NewCohort {
            guild_id: guild,
            name: &format!("Cohort {i}"),
            track: &track.id,
            track_version: &track.version,
            plan: &plan,
            pace: &pace,
            seed: i as u64,
            start: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            created_by: 1,
        };
        let CreateOutcome::Created(cohort) = store.create_cohort(new, set_at).await.unwrap() else {
            panic!("name taken")
        };
        store
            .set_schedule(
                cohort.id,
                SendTime::parse(time).unwrap(),
                chrono_tz::UTC,
                WorkWeek::MON_FRI,
            )
            .await
            .unwrap();
        store.set_channel(cohort.id, channel, set_at).await.unwrap();
        channels.push(channel);
    }
    channels
}

#[tokio::test]
async fn a_thousand_cohort_fan_out_posts_each_nudge_once_with_no_429() {
    // How long the fan-out takes against N / rate is measured in benches/fanout.rs, not here:
    // a wall-clock bound in a test fails on a busy machine, not on a broken bot.
    const COHORTS: usize = 1000;
    let harness = Harness::start().await;
    let settings = harness.settings();
    let curriculum = allybot::app::load_curriculum(&settings).unwrap();
    let track = curriculum.track("accomplice").unwrap();
    let channels = seed_cohorts(
        harness.bot().store(),
        &harness.sim,
        harness.guild,
        COHORTS,
        track,
    )
    .await;
    let member = harness.add_member("Hana");

    harness.clock.set(at("2026-11-23T09:00:00Z"));
    let settle = harness.bot().scheduler().settle();
    // An interaction in the middle of the fan-out is still answered, inside Discord's 3 s (the
    // simulator refuses a later answer with 10062).
    let during = async {
        harness
            .sim
            .wait_for_request(Duration::from_secs(30), |r| {
                r.method == "POST" && r.path.ends_with("/messages")
            })
            .await;
        let handle = harness
            .sim
            .slash(harness.in_general(member), "about", &[])
            .unwrap();
        let reply = handle.reply().await;
        (reply.is_ok(), handle.rejections())
    };
    let ((), (answered, rejections)) = tokio::join!(settle, during);

    let posts: Vec<_> = harness
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .collect();
    assert_eq!(
        posts.iter().filter(|r| r.status == 429).count(),
        0,
        "no 429s"
    );
    assert_eq!(posts.iter().filter(|r| r.status == 200).count(), COHORTS);
    for channel in &channels {
        assert_eq!(nudge_count(&harness.sim.channel_messages(*channel)), 1);
    }
    assert!(answered, "/about was answered during the fan-out");
    assert!(rejections.is_empty(), "{rejections:?}");
}

#[tokio::test]
async fn after_downtime_a_nudge_within_grace_goes_out_late_and_an_older_one_is_skipped() {
    let (mut harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    harness.stop().await;

    // Down over Monday's nudge; back at 11:00, two hours late: within the 6-hour grace.
    harness.clock.set(at("2026-11-23T11:00:00Z"));
    harness.boot().await;
    harness.bot().scheduler().settle().await;
    let monday = harness.sim.channel_messages(channel);
    assert_eq!(nudge_count(&monday), 1);
    assert!(
        monday[0].text().contains("running late"),
        "{}",
        monday[0].text()
    );

    // Down over Tuesday's; back at 15:01, over six hours late: skipped, not sent.
    harness.stop().await;
    harness.clock.set(at("2026-11-24T15:01:00Z"));
    harness.boot().await;
    harness.bot().scheduler().settle().await;
    assert_eq!(
        nudge_count(&harness.sim.channel_messages(channel)),
        1,
        "no stale nudge"
    );

    harness.clock.set(at("2026-11-25T09:00:00Z"));
    harness.bot().scheduler().settle().await;
    let status = harness
        .command(harness.owner, "cohort status", &[("cohort", "Blue")])
        .await
        .text();
    assert!(status.contains("late, sent"), "{status}");
    assert!(
        status.contains("skipped: more than 6 hours late"),
        "{status}"
    );
    let sent = harness.sim.channel_messages(channel);
    assert_eq!(nudge_count(&sent), 2);
    assert!(
        sent[1].embeds[0]["footer"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Day 3"),
        "calendar days are kept"
    );
}

#[tokio::test]
async fn server_errors_are_retried_with_the_same_nonce_and_the_nudge_goes_out_once() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    harness
        .sim
        .inject(Fault::post_error(channel, 2, 503, 0, "Service Unavailable"));
    // And one post that reaches Discord but whose answer is lost: the retry must not double it.
    harness.sim.inject(Fault::new(
        None,
        format!("/channels/{channel}/messages"),
        1,
        FaultKind::DelayAfter(Duration::from_secs(11)),
    ));

    harness.clock.set(at("2026-11-23T09:00:00Z"));
    harness.bot().scheduler().settle().await;

    let posts = harness
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.contains(&channel.to_string()))
        .count();
    let trace: Vec<(String, u16)> = harness
        .sim
        .requests()
        .into_iter()
        .map(|r| (r.path, r.status))
        .collect();
    assert!(
        posts >= 4,
        "two 503s, a lost answer, then a retry: {posts} {trace:?}"
    );
    let messages = harness.sim.channel_messages(channel);
    assert_eq!(
        nudge_count(&messages),
        1,
        "the nonce made the retry return the first message"
    );
}

#[tokio::test]
async fn a_failed_post_is_retried_later_within_the_grace_period() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    harness
        .sim
        .inject(Fault::post_error(channel, 4, 502, 0, "Bad Gateway"));
    let scheduler = harness.bot().scheduler();

    harness.clock.set(at("2026-11-23T09:00:00Z"));
    scheduler.settle().await;
    assert_eq!(nudge_count(&harness.sim.channel_messages(channel)), 0);
    let status = harness
        .command(harness.owner, "cohort status", &[("cohort", "Blue")])
        .await
        .text();
    assert!(
        status.contains("failed") && status.contains("retrying"),
        "{status}"
    );

    harness.clock.set(at("2026-11-23T09:06:00Z"));
    scheduler.settle().await;
    assert_eq!(nudge_count(&harness.sim.channel_messages(channel)), 1);
}

#[tokio::test]
async fn missing_permissions_stop_deliveries_after_three_failures_in_a_row() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let bot = harness.sim.bot_user_id();
    harness.sim.set_overwrite(
        channel,
        Overwrite {
            target: OverwriteTarget::Member(bot),
            allow: 0,
            deny: SEND_MESSAGES,
        },
    );
    let scheduler = harness.bot().scheduler();

    let posts = || {
        harness
            .sim
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path.contains(&channel.to_string()))
            .count()
    };
    let mut after_each_round = Vec::new();
    for time in ["09:00", "11:00", "13:00", "15:00"] {
        harness.clock.set(at(&format!("2026-11-23T{time}:00Z")));
        scheduler.settle().await;
        after_each_round.push(posts());
    }

    assert_eq!(posts(), 3, "three tries, two hours apart, then stop");
    assert_eq!(after_each_round, [1, 2, 3, 3], "one try a round");
    let status = harness
        .command(harness.owner, "cohort status", &[("cohort", "Blue")])
        .await
        .text();
    assert!(
        status.contains("deliveries stopped") && status.contains("3 times in a row"),
        "{status}"
    );

    // Fixing permissions and re-setting the channel restarts deliveries.
    harness.sim.set_overwrite(
        channel,
        Overwrite {
            target: OverwriteTarget::Member(bot),
            allow: SEND_MESSAGES,
            deny: 0,
        },
    );
    harness
        .command(
            harness.owner,
            "cohort channel",
            &[("cohort", "Blue"), ("channel", &channel.to_string())],
        )
        .await;
    harness.clock.set(at("2026-11-24T09:00:00Z"));
    scheduler.settle().await;
    assert_eq!(nudge_count(&harness.sim.channel_messages(channel)), 1);
}

#[tokio::test]
async fn removing_the_bot_from_a_guild_stops_its_cohorts() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    harness.sim.remove_bot_from_guild(harness.guild);
    let store = harness.bot().store().clone();
    let guild = harness.guild;
    let stopped = async {
        loop {
            let cohort = store.cohort_named(guild, "Blue").await.unwrap().unwrap();
            if cohort.stopped_reason.is_some() {
                return cohort.stopped_reason;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let reason = tokio::time::timeout(Duration::from_secs(10), stopped)
        .await
        .expect("GUILD_DELETE handled");
    assert!(reason.unwrap().contains("removed"));

    harness.clock.set(at("2026-11-23T09:00:00Z"));
    harness.bot().scheduler().settle().await;
    assert_eq!(nudge_count(&harness.sim.channel_messages(channel)), 0);
}

#[tokio::test]
async fn a_guild_outage_is_not_a_removal() {
    let logs = Logs::capture();
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    harness.sim.guild_outage(harness.guild);
    assert!(
        logs.wait_for("server unavailable", Duration::from_secs(10))
            .await,
        "the outage was handled"
    );
    let cohort = harness
        .bot()
        .store()
        .cohort_named(harness.guild, "Blue")
        .await
        .unwrap();
    assert_eq!(
        cohort.unwrap().stopped_reason,
        None,
        "an outage stops nothing"
    );

    harness.clock.set(at("2026-11-23T09:00:00Z"));
    harness.bot().scheduler().settle().await;

    assert_eq!(nudge_count(&harness.sim.channel_messages(channel)), 1);
}
