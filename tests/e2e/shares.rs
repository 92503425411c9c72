//! Anonymous shares interrupted between their claim, their post and its record (a crash): the
//! post is settled exactly once after a restart, whether Discord still remembers its nonce or
//! not, and `/privacy delete` finds it either way.

use std::time::Duration;

use allybot::clock::Clock;
use allybot::sim::{Fault, FaultKind, Gate};
use allybot::store::{Lease, LeaseOwner, LEASE};
use axum::http::Method;

use crate::harness::{at, Harness};
use crate::reflections::{in_channel, member_with_a_nudge, shared_post, SECRET_TEXT};

async fn raw(harness: &Harness, sql: &str) {
    let db = harness.raw_database().await;
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
}

/// The share's record is undone, as a crash between the post and its record leaves it: still
/// `sending`, held by a process that is gone, under a lease of five minutes from the claim.
async fn as_if_crashed_before_recording(harness: &Harness) {
    raw(
        harness,
        "UPDATE reflection_shares SET status = 'sending', message_id = NULL, finished_at = NULL,
         lease_owner = 'a-process-that-crashed', lease_until = claimed_at + 300",
    )
    .await;
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

fn copies(harness: &Harness, channel: u64) -> usize {
    harness
        .sim
        .channel_messages(channel)
        .iter()
        .filter(|m| m.text().contains("Zebra-quokka"))
        .count()
}

#[tokio::test]
async fn a_post_made_before_a_crash_is_found_after_the_nonce_window_and_not_posted_again() {
    let (mut harness, member, channel, _) = member_with_a_nudge().await;
    let post = shared_post(&harness, member, channel).await;
    harness.stop().await;
    as_if_crashed_before_recording(&harness).await;
    harness.sim.forget_nonces();
    let posts_before = posts_to(&harness, channel);

    harness.clock.advance(chrono::Duration::minutes(10));
    harness.boot().await;
    harness.bot().scheduler().settle().await;

    assert_eq!(
        posts_to(&harness, channel),
        posts_before,
        "looked for, not posted"
    );
    assert_eq!(copies(&harness, channel), 1);
    let shared = harness.bot().store().shared_posts_of(member).await.unwrap();
    assert_eq!(shared.len(), 1, "recorded again");
    assert_eq!(shared[0].message, post.id);
}

#[tokio::test]
async fn a_claim_whose_post_never_left_is_posted_once_after_a_restart() {
    let (mut harness, member, channel, _) = member_with_a_nudge().await;
    ready_to_share(&harness, member).await;
    let store = harness.bot().store().clone();
    let reflection = store.reflections_of(member).await.unwrap()[0].id;
    // Confirmed and claimed by a process that died before its post left.
    let gone = LeaseOwner::for_this_process();
    let now = harness.clock.now();
    store
        .claim_share(reflection, member, channel, Lease::from(&gone, now), now)
        .await
        .unwrap()
        .expect("claimed");
    harness.stop().await;

    // On SQLite the restarted bot holds the file lock, so every earlier process is gone and
    // its claims are taken over at once. On PostgreSQL another process may still be posting a
    // share it claimed, so the claim waits out its lease.
    let later = if harness.on_postgres() {
        LEASE + chrono::Duration::minutes(1)
    } else {
        chrono::Duration::minutes(1)
    };
    harness.clock.advance(later);
    harness.boot().await;
    harness.bot().scheduler().settle().await;

    assert_eq!(
        copies(&harness, channel),
        1,
        "posted once, as its author asked"
    );
    assert_eq!(
        harness
            .bot()
            .store()
            .shared_posts_of(member)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn privacy_delete_takes_down_the_post_of_a_share_interrupted_by_a_crash() {
    let (harness, member, channel, _) = member_with_a_nudge().await;
    let post = shared_post(&harness, member, channel).await;
    as_if_crashed_before_recording(&harness).await;
    harness.clock.advance(chrono::Duration::minutes(10));

    let confirm = harness.command(member, "privacy delete", &[]).await;
    let button = confirm.message().button("Delete all my data").unwrap();
    let done = harness
        .press(member, confirm.message().id, &button.custom_id)
        .await;

    assert!(done.text().starts_with("Done"), "{}", done.text());
    assert!(!in_channel(&harness, channel, post.id), "the post is down");
}

/// `member` writes a reflection and opens the share preview; returns the preview's message
/// and the confirm button's custom_id.
async fn ready_to_share(harness: &Harness, member: u64) -> (u64, String) {
    let notice = harness.command(member, "reflect", &[]).await;
    let agree = notice.message().button("I understand, continue").unwrap();
    let form = harness
        .sim
        .click(member, notice.message().id, &agree.custom_id)
        .unwrap();
    form.reply().await.unwrap();
    let saved = harness
        .sim
        .submit_modal(&form, &[("text", SECRET_TEXT)])
        .unwrap()
        .reply()
        .await
        .unwrap();
    let share = saved
        .message()
        .button("Share anonymously with my cohort")
        .unwrap();
    let preview = harness
        .press(member, saved.message().id, &share.custom_id)
        .await;
    let confirm = preview
        .message()
        .button("Yes, share it without my name")
        .unwrap();
    (preview.message().id, confirm.custom_id)
}

#[tokio::test]
async fn a_post_whose_reflection_is_deleted_while_it_is_on_its_way_comes_down_again() {
    let (harness, member, channel, _) = member_with_a_nudge().await;
    let (preview, confirm) = ready_to_share(&harness, member).await;
    // The anonymous post is held in flight while its author deletes their data.
    let gate = Gate::new();
    harness.sim.inject(Fault::new(
        Some(Method::POST),
        format!("/channels/{channel}/messages"),
        1,
        FaultKind::Held {
            gate: gate.clone(),
            then: Box::new(FaultKind::Delay(Duration::ZERO)),
        },
    ));
    let sharing = harness.press(member, preview, &confirm);
    let deleting = async {
        assert!(gate.wait_arrived(1, Duration::from_secs(10)).await);
        let ask = harness.command(member, "privacy delete", &[]).await;
        let button = ask.message().button("Delete all my data").unwrap();
        let done = harness
            .press(member, ask.message().id, &button.custom_id)
            .await;
        gate.open();
        done
    };
    let (shared, done) = tokio::join!(sharing, deleting);

    assert!(done.text().starts_with("Done"), "{}", done.text());
    assert!(
        shared.text().contains("deleted meanwhile"),
        "{}",
        shared.text()
    );
    assert_eq!(copies(&harness, channel), 0, "the post came down again");
}

#[tokio::test]
async fn a_share_whose_post_timed_out_after_landing_is_kept_and_settled_once() {
    let (harness, member, channel, _) = member_with_a_nudge().await;
    let (preview, confirm) = ready_to_share(&harness, member).await;
    // The first attempt is taken but its answer is lost (the client times out); the pacer's
    // three retries meet an outage. Nothing says whether the post is up.
    harness.sim.inject(Fault::new(
        Some(Method::POST),
        format!("/channels/{channel}/messages"),
        1,
        FaultKind::DelayAfter(Duration::from_secs(11)),
    ));
    harness
        .sim
        .inject(Fault::post_error(channel, 3, 503, 0, "Service Unavailable"));

    let reply = harness
        .sim
        .click(member, preview, &confirm)
        .unwrap()
        .reply_within(Duration::from_secs(60))
        .await
        .unwrap();
    assert!(
        reply.text().contains("may take a few minutes"),
        "not told that nothing was shared: {}",
        reply.text()
    );
    assert_eq!(copies(&harness, channel), 1, "the first attempt landed");

    // Recovery settles the claim the share kept.
    harness.sim.clear_faults();
    harness.bot().scheduler().settle().await;
    let store = harness.bot().store().clone();
    let shared = store.shared_posts_of(member).await.unwrap();
    assert_eq!(
        shared.len(),
        1,
        "recorded, so it comes down with its reflection"
    );
    let landed = harness
        .sim
        .channel_messages(channel)
        .into_iter()
        .find(|m| m.text().contains("Zebra-quokka"))
        .unwrap();
    assert_eq!(shared[0].message, landed.id);

    // Trying again shares nothing twice, even once Discord has forgotten the nonce.
    harness.sim.forget_nonces();
    let again = harness.press(member, preview, &confirm).await;
    assert!(again.text().contains("already shared"), "{}", again.text());
    harness.clock.advance(chrono::Duration::minutes(10));
    harness.bot().scheduler().settle().await;
    assert_eq!(copies(&harness, channel), 1);
}

#[tokio::test]
async fn a_claim_older_than_a_day_that_is_not_in_the_channel_is_given_up_not_posted() {
    let (harness, member, channel, _) = member_with_a_nudge().await;
    ready_to_share(&harness, member).await;
    let store = harness.bot().store().clone();
    let reflection = store.reflections_of(member).await.unwrap()[0].id;
    // Confirmed and claimed by a process that died before its post left, two days ago.
    let gone = LeaseOwner::for_this_process();
    let now = harness.clock.now();
    store
        .claim_share(reflection, member, channel, Lease::from(&gone, now), now)
        .await
        .unwrap()
        .expect("claimed");

    harness.clock.advance(chrono::Duration::days(2));
    harness.bot().scheduler().settle().await;

    assert_eq!(copies(&harness, channel), 0, "not posted two days late");
    assert!(store.pending_shares_of(member).await.unwrap().is_empty());
    let kept = &store.reflections_of(member).await.unwrap()[0];
    assert_eq!(
        kept.shared_at, None,
        "unshared: its author may share it again"
    );
}

#[tokio::test]
async fn an_interrupted_share_stuck_on_discord_does_not_hold_up_the_next_nudge() {
    let (harness, member, channel, _) = member_with_a_nudge().await;
    ready_to_share(&harness, member).await;
    let store = harness.bot().store().clone();
    let reflection = store.reflections_of(member).await.unwrap()[0].id;
    harness.clock.set(at("2026-11-23T10:00:00Z"));
    let gone = LeaseOwner::for_this_process();
    let now = harness.clock.now();
    store
        .claim_share(reflection, member, channel, Lease::from(&gone, now), now)
        .await
        .unwrap()
        .expect("claimed");
    // Settling the share means looking through the channel first; Discord holds that request.
    let gate = Gate::new();
    harness.sim.inject(Fault::new(
        Some(Method::GET),
        format!("/channels/{channel}/messages"),
        1,
        FaultKind::Held {
            gate: gate.clone(),
            then: Box::new(FaultKind::Delay(Duration::ZERO)),
        },
    ));

    harness.clock.set(at("2026-11-24T09:00:00Z"));
    harness.bot().scheduler().wake();

    let seen = harness
        .sim
        .wait_for_channel_messages(channel, 2, Duration::from_secs(30))
        .await;
    assert!(
        seen.iter()
            .filter(|m| m.button("I tried this").is_some())
            .count()
            == 2,
        "Tuesday's nudge went out while the share was stuck"
    );
    assert!(gate.wait_arrived(1, Duration::from_secs(30)).await);
    gate.open();
    harness.bot().scheduler().settle().await;
    assert_eq!(
        copies(&harness, channel),
        1,
        "and the share was settled after"
    );
}
