//! Private reflections: consent first, the text sealed at rest, over-long text handed back,
//! anonymous sharing after a confirmation, and purging after the retention period.

use allybot::sim::{Fault, FaultKind, Reply, SimMessage};
use axum::http::Method;

use crate::cohorts::with_cohort;
use crate::harness::{at, Harness};

pub const SECRET_TEXT: &str =
    "Zebra-quokka canary: I stayed quiet when Priya was talked over and I want to change that.";

/// A member of cohort Blue who has seen Monday's nudge.
pub async fn member_with_a_nudge() -> (Harness, u64, u64, SimMessage) {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let member = harness.add_member("Imani");
    harness.command(member, "join", &[("cohort", "Blue")]).await;
    harness.clock.set(at("2026-11-23T09:00:00Z"));
    harness.bot().scheduler().settle().await;
    let nudge = harness
        .sim
        .channel_messages(channel)
        .into_iter()
        .find(|m| m.button("Reflect").is_some())
        .unwrap();
    (harness, member, channel, nudge)
}

/// Clicks through the consent notice; returns the handle that opened the form.
async fn consent_and_open(
    harness: &Harness,
    member: u64,
    notice: &Reply,
) -> allybot::sim::InteractionHandle {
    let agree = notice
        .message()
        .button("I understand, continue")
        .expect("a consent button");
    let handle = harness
        .sim
        .click(member, notice.message().id, &agree.custom_id)
        .unwrap();
    assert!(
        matches!(handle.reply().await.unwrap(), Reply::Modal(_)),
        "consent opens the form"
    );
    handle
}

fn file_contains(path: &std::path::Path, needle: &str) -> bool {
    std::fs::read(path)
        .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
}

#[tokio::test]
async fn a_reflection_needs_consent_once_and_is_never_stored_in_plaintext() {
    let (harness, member, _, _) = member_with_a_nudge().await;

    let notice = harness.command(member, "reflect", &[]).await;
    assert!(
        notice.text().contains("only you can read it"),
        "{}",
        notice.text()
    );
    let form = consent_and_open(&harness, member, &notice).await;
    let modal = form.reply().await.unwrap().modal().clone();
    assert!(modal.title.chars().count() <= 45);
    assert!(
        modal.inputs[0]
            .placeholder
            .as_deref()
            .is_some_and(|q| q.ends_with('?')),
        "the day's question"
    );
    let saved = harness
        .sim
        .submit_modal(&form, &[("text", SECRET_TEXT)])
        .unwrap()
        .reply()
        .await
        .unwrap();
    assert!(
        saved.text().contains("Saved, privately"),
        "{}",
        saved.text()
    );
    assert!(saved.message().ephemeral);

    // The second time, the form opens at once.
    let again = harness
        .sim
        .slash(harness.in_general(member), "reflect", &[])
        .unwrap();
    assert!(matches!(again.reply().await.unwrap(), Reply::Modal(_)));

    let store = harness.bot().store();
    assert_eq!(store.reflections_of(member).await.unwrap().len(), 1);
    let db = harness.db_path();
    for file in [
        db.clone(),
        db.with_extension("db-wal"),
        db.with_extension("db-shm"),
    ] {
        assert!(
            !file_contains(&file, "Zebra-quokka"),
            "{} holds the text in plaintext",
            file.display()
        );
    }
}

#[tokio::test]
async fn the_nudges_reflect_button_asks_that_days_question() {
    let (harness, member, _, nudge) = member_with_a_nudge().await;
    let reflect = nudge.button("Reflect").unwrap();

    let notice = harness.press(member, nudge.id, &reflect.custom_id).await;
    consent_and_open(&harness, member, &notice).await;
    let form = harness
        .sim
        .click(member, nudge.id, &reflect.custom_id)
        .unwrap();
    let modal = form.reply().await.unwrap().modal().clone();

    let question = modal.inputs[0].placeholder.clone().unwrap();
    assert!(
        nudge.text().contains(&question),
        "the nudge's own question: {question}"
    );
    let saved = harness
        .sim
        .submit_modal(&form, &[("text", "Short and private.")])
        .unwrap()
        .reply()
        .await
        .unwrap();
    assert!(saved.text().contains("Saved"));
}

#[tokio::test]
async fn a_reflection_refused_after_the_form_opened_is_handed_back() {
    let (harness, member, _, _) = member_with_a_nudge().await;
    let notice = harness.command(member, "reflect", &[]).await;
    let form = consent_and_open(&harness, member, &notice).await;
    // While the form is open, the person leaves their cohort.
    harness.command(member, "leave", &[]).await;

    let reply = harness
        .sim
        .submit_modal(&form, &[("text", SECRET_TEXT)])
        .unwrap()
        .reply()
        .await
        .unwrap();

    assert!(reply.text().contains("/join"), "{}", reply.text());
    assert_eq!(
        reply.message().embeds[0]["description"].as_str(),
        Some(SECRET_TEXT),
        "nothing is lost"
    );
    let kept = harness.bot().store().reflections_of(member).await.unwrap();
    assert!(kept.is_empty(), "nothing was saved");
}

#[tokio::test]
async fn an_over_long_reflection_is_refused_and_handed_back_whole() {
    let (harness, member, _, _) = member_with_a_nudge().await;
    let notice = harness.command(member, "reflect", &[]).await;
    let form = consent_and_open(&harness, member, &notice).await;
    let long: String = "I keep noticing patterns in who speaks first. ".repeat(60);

    let reply = harness
        .sim
        .submit_modal(&form, &[("text", &long)])
        .unwrap()
        .reply()
        .await
        .unwrap();

    assert!(
        reply.text().contains("the limit is 2000"),
        "{}",
        reply.text()
    );
    assert_eq!(
        reply.message().embeds[0]["description"].as_str().unwrap(),
        long.trim(),
        "nothing is lost"
    );
    assert!(
        harness
            .bot()
            .store()
            .reflections_of(member)
            .await
            .unwrap()
            .is_empty(),
        "nothing was saved"
    );
}

#[tokio::test]
async fn sharing_anonymously_posts_once_without_a_name_after_confirmation() {
    let (harness, member, channel, _) = member_with_a_nudge().await;
    let notice = harness.command(member, "reflect", &[]).await;
    let form = consent_and_open(&harness, member, &notice).await;
    let saved = harness
        .sim
        .submit_modal(&form, &[("text", SECRET_TEXT)])
        .unwrap()
        .reply()
        .await
        .unwrap();
    let before = harness.sim.channel_messages(channel).len();

    let share = saved
        .message()
        .button("Share anonymously with my cohort")
        .unwrap();
    let preview = harness
        .press(member, saved.message().id, &share.custom_id)
        .await;
    assert_eq!(
        harness.sim.channel_messages(channel).len(),
        before,
        "nothing is posted before confirming"
    );
    let confirm = preview
        .message()
        .button("Yes, share it without my name")
        .unwrap();
    let shared = harness
        .press(member, preview.message().id, &confirm.custom_id)
        .await;
    let twice = harness
        .press(member, preview.message().id, &confirm.custom_id)
        .await;

    assert!(
        shared.text().contains("without your name"),
        "{}",
        shared.text()
    );
    assert!(twice.text().contains("already shared"), "{}", twice.text());
    let posted = harness.sim.channel_messages(channel);
    assert_eq!(posted.len(), before + 1, "posted once");
    let post = posted.last().unwrap();
    assert!(post.text().contains("Zebra-quokka"));
    assert!(
        !post.text().contains("Imani") && !post.text().contains(&member.to_string()),
        "no name, no id"
    );
}

#[tokio::test]
async fn someone_else_cannot_share_another_persons_reflection() {
    let (harness, member, channel, _) = member_with_a_nudge().await;
    let notice = harness.command(member, "reflect", &[]).await;
    let form = consent_and_open(&harness, member, &notice).await;
    harness
        .sim
        .submit_modal(&form, &[("text", SECRET_TEXT)])
        .unwrap()
        .reply()
        .await
        .unwrap();
    let id = harness.bot().store().reflections_of(member).await.unwrap()[0].id;
    let other = harness.add_member("Jonas");
    // A message carrying the share buttons, as a forger would make one.
    let forged = serde_json::json!({"content": "x", "components": [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "Share", "custom_id": format!("rs:{id}")},
        {"type": 2, "style": 1, "label": "Confirm", "custom_id": format!("rsc:{id}")}]}]});
    let response = reqwest::Client::new()
        .post(format!(
            "{}/api/v10/channels/{}/messages",
            harness.sim.base_url(),
            harness.general
        ))
        .header("Authorization", "Bot test")
        .header("Content-Type", "application/json")
        .body(forged.to_string())
        .send()
        .await
        .unwrap();
    let message: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    let message: u64 = message["id"].as_str().unwrap().parse().unwrap();

    for custom_id in [format!("rs:{id}"), format!("rsc:{id}")] {
        let reply = harness.press(other, message, &custom_id).await;
        assert!(reply.text().contains("no longer valid"), "{}", reply.text());
        assert!(
            !reply.text().contains("Zebra"),
            "the text is never shown to anyone else"
        );
    }
    assert!(harness
        .sim
        .channel_messages(channel)
        .iter()
        .all(|m| !m.text().contains("Zebra")));
}

#[tokio::test]
async fn reflections_are_purged_after_the_retention_period() {
    let (harness, member, _, _) = member_with_a_nudge().await;
    let notice = harness.command(member, "reflect", &[]).await;
    let form = consent_and_open(&harness, member, &notice).await;
    harness
        .sim
        .submit_modal(&form, &[("text", "Something to keep for a while.")])
        .unwrap()
        .reply()
        .await
        .unwrap();
    let store = harness.bot().store().clone();

    harness.clock.advance(chrono::Duration::days(179));
    harness.bot().scheduler().settle().await;
    assert_eq!(
        store.reflections_of(member).await.unwrap().len(),
        1,
        "kept for 180 days"
    );

    harness.clock.advance(chrono::Duration::days(2));
    harness.bot().scheduler().settle().await;
    assert!(
        store.reflections_of(member).await.unwrap().is_empty(),
        "gone after 180 days"
    );
}

pub fn in_channel(harness: &Harness, channel: u64, message: u64) -> bool {
    harness
        .sim
        .channel_messages(channel)
        .iter()
        .any(|m| m.id == message)
}

/// `member` writes a reflection and shares it anonymously; returns the channel post.
pub async fn shared_post(harness: &Harness, member: u64, channel: u64) -> SimMessage {
    let notice = harness.command(member, "reflect", &[]).await;
    let form = consent_and_open(harness, member, &notice).await;
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
    harness
        .press(member, preview.message().id, &confirm.custom_id)
        .await;
    let posted = harness.sim.channel_messages(channel);
    posted
        .into_iter()
        .find(|m| m.text().contains("Zebra-quokka"))
        .expect("the shared post")
}

#[tokio::test]
async fn an_expired_reflections_anonymous_post_comes_down_even_if_discord_fails_at_first() {
    let (harness, member, channel, _) = member_with_a_nudge().await;
    let post = shared_post(&harness, member, channel).await;
    let store = harness.bot().store().clone();
    // Every attempt fails, as a passing outage would, however many rounds run meanwhile.
    harness.sim.inject(Fault::new(
        Some(Method::DELETE),
        format!("/messages/{}", post.id),
        usize::MAX,
        FaultKind::Error {
            status: 503,
            code: 0,
            message: "Service Unavailable".into(),
        },
    ));

    harness.clock.advance(chrono::Duration::days(181));
    harness.bot().scheduler().settle().await;
    assert!(
        in_channel(&harness, channel, post.id),
        "Discord refused the first time"
    );
    assert_eq!(
        store.reflections_of(member).await.unwrap().len(),
        1,
        "kept, so the next round still knows where the post is"
    );

    harness.sim.clear_faults();
    harness.clock.advance(chrono::Duration::minutes(5));
    harness.bot().scheduler().settle().await;
    assert!(!in_channel(&harness, channel, post.id), "the post is down");
    assert!(
        store.reflections_of(member).await.unwrap().is_empty(),
        "and the text is gone"
    );
}

#[tokio::test]
async fn deleting_your_data_takes_your_anonymous_posts_down() {
    let (harness, member, channel, _) = member_with_a_nudge().await;
    let post = shared_post(&harness, member, channel).await;

    let confirm = harness.command(member, "privacy delete", &[]).await;
    let button = confirm.message().button("Delete all my data").unwrap();
    let done = harness
        .press(member, confirm.message().id, &button.custom_id)
        .await;

    assert!(
        !done.text().contains("could not be removed"),
        "{}",
        done.text()
    );
    assert!(!in_channel(&harness, channel, post.id), "the post is down");
}

#[tokio::test]
async fn someone_in_no_cohort_is_told_how_to_join() {
    let harness = Harness::start().await;
    let stranger = harness.add_member("Kofi");

    let reply = harness.command(stranger, "reflect", &[]).await;

    assert!(reply.text().contains("`/join`"), "{}", reply.text());
}
