//! Unconfirmed claims and re-posts: whatever happened between a claim and its mark, a nudge is
//! found rather than posted twice, and never posted blindly when the bot cannot look.

use std::time::Duration;

use allybot::scheduler::running_schedulers;
use allybot::sim::permissions::READ_MESSAGE_HISTORY;
use allybot::sim::{Fault, FaultKind, Overwrite, OverwriteTarget, SimMessage};

use crate::cohorts::with_cohort;
use crate::harness::{at, Harness};

fn nudges(messages: &[SimMessage]) -> usize {
    messages
        .iter()
        .filter(|m| m.button("I tried this").is_some())
        .count()
}

fn posts_to(harness: &Harness, channel: u64) -> usize {
    let path = format!("/channels/{channel}/messages");
    harness
        .sim
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .count()
}

/// Puts every delivery back in `sending` with no message, as a crash between the post and its
/// mark would leave it: held by a process that is gone, under a lease of five minutes from the
/// claim.
async fn as_if_unconfirmed(harness: &Harness) {
    let db = harness.raw_database().await;
    sqlx::query(
        "UPDATE deliveries SET status = 'sending', message_id = NULL, finished_at = NULL,
         lease_owner = 'a-process-that-crashed', lease_until = claimed_at + 300",
    )
    .execute(&db)
    .await
    .unwrap();
    db.close().await;
}

/// A cohort whose Monday nudge went out, then the bot stopped as if it had crashed right after
/// posting; Discord has since forgotten the nonce.
async fn crashed_after_posting() -> (Harness, u64) {
    let (mut harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    harness.clock.set(at("2026-11-23T09:00:00Z"));
    harness.bot().scheduler().settle().await;
    harness.stop().await;
    as_if_unconfirmed(&harness).await;
    harness.sim.forget_nonces();
    (harness, channel)
}

#[tokio::test]
async fn a_nudge_posted_before_a_crash_is_found_in_the_channel_and_not_posted_again() {
    let (mut harness, channel) = crashed_after_posting().await;
    let posts_before = posts_to(&harness, channel);

    harness.clock.set(at("2026-11-23T10:00:00Z"));
    harness.boot().await;
    harness.bot().scheduler().settle().await;

    assert_eq!(
        posts_to(&harness, channel),
        posts_before,
        "no second post, not even a de-duplicated one"
    );
    assert_eq!(nudges(&harness.sim.channel_messages(channel)), 1);
    let status = harness
        .command(harness.owner, "cohort status", &[("cohort", "Blue")])
        .await
        .text();
    assert!(status.contains("(day 1): sent"), "{status}");
}

#[tokio::test]
async fn when_the_channel_cannot_be_checked_nothing_is_posted_again() {
    let (mut harness, channel) = crashed_after_posting().await;
    let bot = harness.sim.bot_user_id();
    // Without Read Message History Discord shows an empty channel: "not found" would be a guess.
    harness.sim.set_overwrite(
        channel,
        Overwrite {
            target: OverwriteTarget::Member(bot),
            allow: 0,
            deny: READ_MESSAGE_HISTORY,
        },
    );
    let posts_before = posts_to(&harness, channel);

    harness.clock.set(at("2026-11-23T10:00:00Z"));
    harness.boot().await;
    harness.bot().scheduler().settle().await;

    assert_eq!(posts_to(&harness, channel), posts_before);
    assert_eq!(nudges(&harness.sim.channel_messages(channel)), 1);
    let status = harness
        .command(harness.owner, "cohort status", &[("cohort", "Blue")])
        .await
        .text();
    assert!(
        status.contains("cannot read the channel's history"),
        "{status}"
    );
}

#[tokio::test]
async fn a_claim_left_unconfirmed_in_a_running_bot_is_settled_without_a_second_post() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let scheduler = harness.bot().scheduler();
    harness.clock.set(at("2026-11-23T09:00:00Z"));
    scheduler.settle().await;
    // As if recording the outcome had failed (the row stays `sending`), while the bot runs on.
    as_if_unconfirmed(&harness).await;
    harness.sim.forget_nonces();
    let posts_before = posts_to(&harness, channel);

    harness.clock.set(at("2026-11-23T09:05:00Z"));
    scheduler.settle().await;
    let status = harness
        .command(harness.owner, "cohort status", &[("cohort", "Blue")])
        .await
        .text();
    assert!(status.contains("sending"), "too early to act on: {status}");

    harness.clock.set(at("2026-11-23T09:11:00Z"));
    scheduler.settle().await;
    let status = harness
        .command(harness.owner, "cohort status", &[("cohort", "Blue")])
        .await
        .text();
    assert!(
        status.contains("(day 1): sent"),
        "settled by the round's sweep: {status}"
    );
    assert_eq!(
        posts_to(&harness, channel),
        posts_before,
        "found, not posted again"
    );
}

#[tokio::test]
async fn a_retry_goes_to_the_cohorts_current_channel() {
    let (harness, old_channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let new_channel = harness.sim.add_text_channel(harness.guild, "new-home");
    harness
        .sim
        .inject(Fault::post_error(old_channel, 4, 502, 0, "Bad Gateway"));
    let scheduler = harness.bot().scheduler();
    harness.clock.set(at("2026-11-23T09:00:00Z"));
    scheduler.settle().await;

    harness
        .command(
            harness.owner,
            "cohort channel",
            &[("cohort", "Blue"), ("channel", &new_channel.to_string())],
        )
        .await;
    harness.clock.set(at("2026-11-23T09:02:00Z"));
    scheduler.settle().await;

    assert_eq!(nudges(&harness.sim.channel_messages(new_channel)), 1);
    assert_eq!(nudges(&harness.sim.channel_messages(old_channel)), 0);
    let row = harness.bot().store().latest_sent(1).await.unwrap().unwrap();
    assert_eq!(
        row.channel_id,
        Some(new_channel),
        "recorded in the channel it went to"
    );
}

#[tokio::test]
async fn a_grace_period_of_zero_still_sends_a_nudge_that_is_a_moment_late() {
    let harness = Harness::start_tweaked(|s| s.schedule.grace_hours = 0).await;
    let channel = harness.sim.add_text_channel(harness.guild, "nudges");
    harness
        .command(
            harness.owner,
            "cohort create",
            &[
                ("name", "Blue"),
                ("track", "accomplice"),
                ("start", "2026-11-23"),
            ],
        )
        .await;
    harness
        .command(
            harness.owner,
            "cohort channel",
            &[("cohort", "Blue"), ("channel", &channel.to_string())],
        )
        .await;
    harness
        .command(
            harness.owner,
            "cohort schedule",
            &[("cohort", "Blue"), ("time", "09:00"), ("timezone", "UTC")],
        )
        .await;

    harness.clock.set(at("2026-11-23T09:00:30Z"));
    harness.bot().scheduler().settle().await;

    let sent = harness.sim.channel_messages(channel);
    assert_eq!(nudges(&sent), 1);
    assert!(!sent[0].text().contains("running late"));
}

#[tokio::test]
async fn after_a_resume_and_a_re_identify_commands_are_served_and_there_is_still_one_scheduler() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let database = harness.settings().database.url;
    assert_eq!(running_schedulers(&database), 1);
    let member = harness.add_member("Sol");

    harness.sim.drop_gateway(4000);
    assert!(
        harness
            .sim
            .wait_for_gateway(Duration::from_secs(30), |g| g.connected && g.resumes == 1)
            .await,
        "the session resumed"
    );
    let about = harness.command(member, "about", &[]).await;
    assert!(!about.text().is_empty(), "served after the resume");

    // An invalid session: serenity identifies again, and `ready` fires again.
    harness.sim.drop_gateway(4009);
    assert!(
        harness
            .sim
            .wait_for_gateway(Duration::from_secs(30), |g| g.connected
                && g.identifies == 2)
            .await,
        "identified again"
    );
    let joined = harness.command(member, "join", &[("cohort", "Blue")]).await;
    assert!(
        joined.text().contains("Welcome"),
        "served after the re-identify: {}",
        joined.text()
    );

    assert_eq!(
        running_schedulers(&database),
        1,
        "one loop per database, whatever the gateway does"
    );
    harness.clock.set(at("2026-11-23T09:00:00Z"));
    harness.bot().scheduler().settle().await;
    harness.clock.set(at("2026-11-23T09:30:00Z"));
    harness.bot().scheduler().settle().await;
    assert_eq!(
        posts_to(&harness, channel),
        1,
        "one nudge, posted once: no second scheduler"
    );
}

/// Moves cohort Blue's nudges to a new channel, as an admin would; returns it.
async fn move_cohort(harness: &Harness) -> u64 {
    let moved = harness.sim.add_text_channel(harness.guild, "new-home");
    let set = harness
        .command(
            harness.owner,
            "cohort channel",
            &[("cohort", "Blue"), ("channel", &moved.to_string())],
        )
        .await;
    assert!(
        set.text().contains(&format!("<#{moved}>")),
        "{}",
        set.text()
    );
    moved
}

#[tokio::test]
async fn a_nudge_that_landed_before_the_channel_changed_is_found_there_not_posted_again() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    // The first attempt reaches the channel but its answer is lost; the retries meet an outage.
    harness.sim.inject(Fault::new(
        None,
        format!("/channels/{channel}/messages"),
        1,
        FaultKind::DelayAfter(Duration::from_secs(11)),
    ));
    harness
        .sim
        .inject(Fault::post_error(channel, 3, 503, 0, "Service Unavailable"));
    harness.clock.set(at("2026-11-23T09:00:00Z"));
    harness.bot().scheduler().settle().await;
    assert_eq!(nudges(&harness.sim.channel_messages(channel)), 1);

    let moved = move_cohort(&harness).await;
    harness.sim.forget_nonces();
    harness.clock.set(at("2026-11-23T09:05:00Z"));
    harness.bot().scheduler().settle().await;

    assert_eq!(
        nudges(&harness.sim.channel_messages(moved)),
        0,
        "not posted again"
    );
    assert_eq!(nudges(&harness.sim.channel_messages(channel)), 1);
    let row = harness.bot().store().latest_sent(1).await.unwrap().unwrap();
    assert_eq!(row.channel_id, Some(channel), "recorded where it is");
}

#[tokio::test]
async fn a_retry_after_the_old_channel_was_deleted_posts_in_the_new_one() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    harness
        .sim
        .inject(Fault::post_error(channel, 4, 503, 0, "Service Unavailable"));
    harness.clock.set(at("2026-11-23T09:00:00Z"));
    harness.bot().scheduler().settle().await;
    harness.sim.delete_channel(channel);

    let moved = move_cohort(&harness).await;
    harness.clock.set(at("2026-11-23T09:05:00Z"));
    harness.bot().scheduler().settle().await;

    assert_eq!(nudges(&harness.sim.channel_messages(moved)), 1);
    let row = harness.bot().store().latest_sent(1).await.unwrap().unwrap();
    assert_eq!(row.channel_id, Some(moved));
}
