//! Finding an interrupted share's post in its channel. The post carries no marker, only its
//! text, and two people can share the same few words: a post counts only if this bot made it,
//! no earlier than the claim, and no other share has recorded it.

use allybot::clock::Clock;
use allybot::sim::{Reply, SimMessage};
use allybot::store::{Lease, LeaseOwner};
use serde_json::json;

use crate::harness::Harness;
use crate::reflections::member_with_a_nudge;

/// Short enough that two people may well write it.
const SAME_WORDS: &str = "Same here.";

/// `member` writes `text` (agreeing to the notice the first time); returns the saved reply.
pub async fn write(harness: &Harness, member: u64, text: &str) -> Reply {
    let opened = harness
        .sim
        .slash(harness.in_general(member), "reflect", &[])
        .unwrap();
    let form = match opened.reply().await.unwrap() {
        Reply::Modal(_) => opened,
        notice => {
            let agree = notice.message().button("I understand, continue").unwrap();
            let form = harness
                .sim
                .click(member, notice.message().id, &agree.custom_id)
                .unwrap();
            form.reply().await.unwrap();
            form
        }
    };
    harness
        .sim
        .submit_modal(&form, &[("text", text)])
        .unwrap()
        .reply()
        .await
        .unwrap()
}

/// `member` writes `text` and shares it with the buttons; returns the post.
async fn share(harness: &Harness, member: u64, channel: u64, text: &str) -> SimMessage {
    let saved = write(harness, member, text).await;
    let button = saved
        .message()
        .button("Share anonymously with my cohort")
        .unwrap();
    let preview = harness
        .press(member, saved.message().id, &button.custom_id)
        .await;
    let confirm = preview
        .message()
        .button("Yes, share it without my name")
        .unwrap();
    let before = posts_of(harness, channel, text).len();
    let shared = harness
        .press(member, preview.message().id, &confirm.custom_id)
        .await;
    assert!(shared.text().contains("Shared in"), "{}", shared.text());
    posts_of(harness, channel, text)[before].clone()
}

/// `member` writes `text` and confirms sharing it, in a process that dies before its post
/// leaves: a claim with a five-minute lease and nothing in the channel.
async fn interrupted_share(harness: &Harness, member: u64, channel: u64, text: &str) {
    write(harness, member, text).await;
    let store = harness.bot().store();
    let reflection = store
        .reflections_of(member)
        .await
        .unwrap()
        .last()
        .unwrap()
        .id;
    let gone = LeaseOwner::for_this_process();
    let now = harness.clock.now();
    store
        .claim_share(reflection, member, channel, Lease::from(&gone, now), now)
        .await
        .unwrap()
        .expect("claimed");
}

fn posts_of(harness: &Harness, channel: u64, text: &str) -> Vec<SimMessage> {
    harness
        .sim
        .channel_messages(channel)
        .into_iter()
        .filter(|m| m.embeds.iter().any(|e| e["description"] == text))
        .collect()
}

/// Time passes beyond the claim's lease and Discord's memory of nonces; a round settles it.
async fn recover(harness: &Harness) {
    harness.sim.forget_nonces();
    harness.clock.advance(chrono::Duration::minutes(10));
    harness.bot().scheduler().settle().await;
}

async fn recorded_post(harness: &Harness, member: u64) -> u64 {
    let posts = harness.bot().store().shared_posts_of(member).await.unwrap();
    assert_eq!(posts.len(), 1, "{posts:?}");
    posts[0].message
}

async fn second_member(harness: &Harness) -> u64 {
    let other = harness.add_member("Tomas");
    harness.command(other, "join", &[("cohort", "Blue")]).await;
    other
}

#[tokio::test]
async fn a_post_already_recorded_for_someone_elses_identical_share_is_not_taken() {
    let (harness, first, channel, _) = member_with_a_nudge().await;
    let second = second_member(&harness).await;
    interrupted_share(&harness, second, channel, SAME_WORDS).await;
    // After that claim, someone else shares the same words, and their post is recorded.
    let theirs = share(&harness, first, channel, SAME_WORDS).await;

    recover(&harness).await;

    let posts = posts_of(&harness, channel, SAME_WORDS);
    assert_eq!(posts.len(), 2, "the interrupted share was posted after all");
    assert_ne!(recorded_post(&harness, second).await, theirs.id);
    assert_eq!(recorded_post(&harness, first).await, theirs.id);
}

#[tokio::test]
async fn an_identical_post_older_than_the_claim_is_not_taken() {
    let (harness, first, channel, _) = member_with_a_nudge().await;
    let second = second_member(&harness).await;
    // An hour earlier, someone shared the same words; that share was given up since (its
    // record gone, its post left in the channel).
    let old = share(&harness, first, channel, SAME_WORDS).await;
    let db = harness.raw_database().await;
    sqlx::query("DELETE FROM reflection_shares WHERE user_id = $1")
        .bind(i64::try_from(first).unwrap())
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    harness.clock.advance(chrono::Duration::hours(1));
    interrupted_share(&harness, second, channel, SAME_WORDS).await;

    recover(&harness).await;

    assert_eq!(posts_of(&harness, channel, SAME_WORDS).len(), 2);
    assert_ne!(recorded_post(&harness, second).await, old.id);
}

#[tokio::test]
async fn the_same_words_posted_by_someone_else_are_not_taken() {
    let (harness, member, channel, _) = member_with_a_nudge().await;
    interrupted_share(&harness, member, channel, SAME_WORDS).await;
    // A person (or a webhook, another bot) posts a copy of the anonymous embed.
    let person = harness.add_member("Quinn");
    let copy = harness.sim.post_as(
        person,
        channel,
        vec![json!({
            "title": "A reflection from someone in the cohort",
            "description": SAME_WORDS,
        })],
    );

    recover(&harness).await;

    assert_eq!(posts_of(&harness, channel, SAME_WORDS).len(), 2);
    assert_ne!(recorded_post(&harness, member).await, copy);
}

#[tokio::test]
async fn privacy_delete_leaves_up_someone_elses_post_of_the_same_words() {
    let (harness, first, channel, _) = member_with_a_nudge().await;
    let second = second_member(&harness).await;
    interrupted_share(&harness, second, channel, SAME_WORDS).await;
    let theirs = share(&harness, first, channel, SAME_WORDS).await;
    harness.clock.advance(chrono::Duration::minutes(10));

    let ask = harness.command(second, "privacy delete", &[]).await;
    let button = ask.message().button("Delete all my data").unwrap();
    let done = harness
        .press(second, ask.message().id, &button.custom_id)
        .await;

    assert!(done.text().starts_with("Done"), "{}", done.text());
    // Whatever a round was settling meanwhile is finished.
    harness.bot().scheduler().settle().await;
    let left: Vec<u64> = posts_of(&harness, channel, SAME_WORDS)
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(left, vec![theirs.id], "only the other person's post is up");
}
