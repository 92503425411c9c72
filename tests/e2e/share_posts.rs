//! An anonymous share's post after it is up: deleted by a moderator, or out of the bot's reach.
//! The retention purge and `/privacy delete` tell a post that is already gone (done) from one
//! that is still there (reported, with its ids in the log for an admin).

use allybot::clock::Clock;
use allybot::sim::{Fault, FaultKind, Reply};
use allybot::store::{Lease, LeaseOwner};
use axum::http::Method;

use crate::harness::Harness;
use crate::log_capture::Logs;
use crate::reflections::{member_with_a_nudge, shared_post, SECRET_TEXT};
use crate::share_search::write;

/// `member` runs `/privacy delete` and confirms; returns what they see.
async fn delete_my_data(harness: &Harness, member: u64) -> Reply {
    let ask = harness.command(member, "privacy delete", &[]).await;
    let button = ask.message().button("Delete all my data").unwrap();
    harness
        .press(member, ask.message().id, &button.custom_id)
        .await
}

/// Statuses Discord answered to the bot's deletes of `message`, in order.
fn deletes_of(harness: &Harness, message: u64) -> Vec<u16> {
    let path = format!("/messages/{message}");
    harness
        .sim
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE" && r.path.ends_with(&path))
        .map(|r| r.status)
        .collect()
}

#[tokio::test]
async fn a_share_a_moderator_deleted_is_purged_on_time_and_discord_is_asked_once() {
    let (harness, member, channel, _) = member_with_a_nudge().await;
    let post = shared_post(&harness, member, channel).await;
    harness.sim.delete_message(post.id);
    let store = harness.bot().store().clone();

    harness.clock.advance(chrono::Duration::days(181));
    harness.bot().scheduler().settle().await;

    assert!(
        store.reflections_of(member).await.unwrap().is_empty(),
        "purged in the first round past the retention period"
    );
    assert_eq!(
        deletes_of(&harness, post.id),
        vec![404],
        "Unknown Message is final: not retried"
    );
}

#[tokio::test]
async fn privacy_delete_counts_a_post_a_moderator_already_deleted_as_removed() {
    let (harness, member, channel, _) = member_with_a_nudge().await;
    let post = shared_post(&harness, member, channel).await;
    harness.sim.delete_message(post.id);

    let done = delete_my_data(&harness, member).await;

    assert!(done.text().starts_with("Done"), "{}", done.text());
    assert!(
        !done.text().contains("could not be removed"),
        "{}",
        done.text()
    );
    assert_eq!(deletes_of(&harness, post.id), vec![404]);
}

#[tokio::test]
async fn a_post_the_bot_lost_access_to_is_still_up_and_privacy_delete_says_so() {
    let (harness, member, channel, _) = member_with_a_nudge().await;
    let post = shared_post(&harness, member, channel).await;
    // The bot was shut out of the channel: everyone else still sees the post.
    harness.sim.inject(Fault::new(
        Some(Method::DELETE),
        format!("/messages/{}", post.id),
        usize::MAX,
        FaultKind::Error {
            status: 403,
            code: 50001,
            message: "Missing Access".into(),
        },
    ));

    let done = delete_my_data(&harness, member).await;

    assert!(
        done.text()
            .contains("1 post could not be removed from its channel; ask an admin to delete it."),
        "{}",
        done.text()
    );
}

#[tokio::test]
async fn privacy_delete_logs_the_ids_of_a_post_it_could_not_remove_and_never_its_text() {
    let logs = Logs::capture();
    let (harness, member, channel, _) = member_with_a_nudge().await;
    let post = shared_post(&harness, member, channel).await;
    harness.sim.inject(Fault::new(
        Some(Method::DELETE),
        format!("/messages/{}", post.id),
        usize::MAX,
        FaultKind::Error {
            status: 403,
            code: 50001,
            message: "Missing Access".into(),
        },
    ));

    delete_my_data(&harness, member).await;

    let text = logs.text();
    let line = text
        .lines()
        .find(|l| l.contains("ERROR") && l.contains("could not remove the anonymous post"))
        .unwrap_or_else(|| panic!("an error line for an admin: {text}"));
    assert!(line.contains(&format!("channel_id={channel}")), "{line}");
    assert!(line.contains(&format!("message_id={}", post.id)), "{line}");
    assert!(!text.contains("Zebra-quokka"), "ids only, never the text");
}

#[tokio::test]
async fn the_purge_waits_for_a_share_still_being_posted_then_takes_post_and_text_down() {
    let (harness, member, channel, _) = member_with_a_nudge().await;
    write(&harness, member, SECRET_TEXT).await;
    let store = harness.bot().store().clone();
    let reflection = store.reflections_of(member).await.unwrap()[0].id;
    // Past the retention period, its author shares it; the post is on its way (in a process
    // that then dies) when the purge runs.
    harness.clock.advance(chrono::Duration::days(181));
    let gone = LeaseOwner::for_this_process();
    let now = harness.clock.now();
    store
        .claim_share(reflection, member, channel, Lease::from(&gone, now), now)
        .await
        .unwrap()
        .expect("claimed");
    harness.bot().scheduler().settle().await;
    assert_eq!(
        store.reflections_of(member).await.unwrap().len(),
        1,
        "kept: the row is the only record of where its post may be"
    );

    // The claim runs out; recovery settles it, and the purge then takes post and text down.
    harness.clock.advance(chrono::Duration::minutes(10));
    harness.bot().scheduler().settle().await;
    harness.bot().scheduler().settle().await;

    assert!(store.reflections_of(member).await.unwrap().is_empty());
    let taken_down = harness
        .sim
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE" && r.status == 204)
        .count();
    assert_eq!(taken_down, 1, "its post went up, and came down with it");
    assert!(
        harness
            .sim
            .channel_messages(channel)
            .iter()
            .all(|m| !m.text().contains("Zebra-quokka")),
        "no post left behind"
    );
}
