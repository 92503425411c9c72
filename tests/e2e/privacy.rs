//! Each person's control over their data: what is kept, a complete export, a complete delete.

use serde_json::Value;

use crate::cohorts::with_cohort;
use crate::harness::Harness;

/// A member of Blue who joined, tried Monday's nudge and wrote a reflection; returns their id.
async fn active_member(harness: &Harness, channel: u64) -> u64 {
    let member = harness.add_member("Lior");
    harness.command(member, "join", &[("cohort", "Blue")]).await;
    harness.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
            .unwrap()
            .to_utc(),
    );
    harness.bot().scheduler().settle().await;
    let nudge = harness
        .sim
        .channel_messages(channel)
        .into_iter()
        .find(|m| m.button("I tried this").is_some())
        .unwrap();
    harness
        .sim
        .click(
            member,
            nudge.id,
            &nudge.button("I tried this").unwrap().custom_id,
        )
        .unwrap()
        .reply()
        .await
        .unwrap();
    let notice = harness.command(member, "reflect", &[]).await;
    let agree = notice.message().button("I understand, continue").unwrap();
    let form = harness
        .sim
        .click(member, notice.message().id, &agree.custom_id)
        .unwrap();
    form.reply().await.unwrap();
    harness
        .sim
        .submit_modal(&form, &[("text", "Exported in full, deleted in full.")])
        .unwrap()
        .reply()
        .await
        .unwrap();
    // A quiz answer and a commitment too.
    let quiz = harness.command(member, "quiz", &[]).await;
    let first_option = quiz.message().button("A").unwrap();
    harness
        .sim
        .click(member, quiz.message().id, &first_option.custom_id)
        .unwrap()
        .reply()
        .await
        .unwrap();
    let form = harness
        .sim
        .slash(harness.in_general(member), "commit", &[])
        .unwrap();
    form.reply().await.unwrap();
    let when = "When someone is talked over in stand-up,";
    let will = "I will hand the floor back to them.";
    harness
        .sim
        .submit_modal(&form, &[("when", when), ("will", will), ("days", "3")])
        .unwrap()
        .reply()
        .await
        .unwrap();
    member
}

#[tokio::test]
async fn privacy_info_says_what_is_kept_who_sees_it_and_for_how_long() {
    let harness = Harness::start().await;
    let member = harness.add_member("Mo");

    let info = harness.command(member, "privacy info", &[]).await;

    let text = info.text();
    assert!(info.message().ephemeral);
    assert!(
        text.contains("encrypted") && text.contains("180 days"),
        "{text}"
    );
    assert!(text.contains("at least 5 people"), "{text}");
    assert!(text.contains("employment"), "{text}");
}

#[tokio::test]
async fn export_returns_everything_about_the_person_with_reflections_readable() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let member = active_member(&harness, channel).await;

    let reply = harness.command(member, "privacy export", &[]).await;

    let message = reply.message();
    assert!(message.ephemeral);
    let (name, bytes) = &message.attachments[0];
    assert_eq!(name, "allybot-export.json");
    let document: Value = serde_json::from_slice(bytes).unwrap();
    assert_eq!(document["format"], "allybot-export/1");
    assert_eq!(document["user_id"], member.to_string());
    let data = &document["data"];
    assert_eq!(data["memberships"][0]["cohort"], "Blue");
    assert_eq!(data["engagements"][0]["kind"], "tried");
    assert_eq!(
        data["reflections"][0]["text"],
        "Exported in full, deleted in full."
    );
    assert!(data["reflection_consent"][0]["given_at"].is_string());
    assert_eq!(data["quiz_answers"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        data["commitments"][0]["i_will"],
        "I will hand the floor back to them."
    );
    assert_eq!(data["settings"]["reminders"], "on");
}

#[tokio::test]
async fn delete_removes_every_row_keyed_to_the_person_after_confirmation() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let member = active_member(&harness, channel).await;
    let store = harness.bot().store();
    assert!(
        !store.rows_mentioning(member).await.unwrap().is_empty(),
        "there was something to delete"
    );

    let confirm = harness.command(member, "privacy delete", &[]).await;
    assert!(
        !store.rows_mentioning(member).await.unwrap().is_empty(),
        "nothing is deleted before confirming"
    );
    let button = confirm.message().button("Delete all my data").unwrap();
    let done = harness
        .sim
        .click(member, confirm.message().id, &button.custom_id)
        .unwrap()
        .reply()
        .await
        .unwrap();

    assert!(done.text().starts_with("Done:"), "{}", done.text());
    let left = store.rows_mentioning(member).await.unwrap();
    assert!(left.is_empty(), "rows still keyed to the person: {left:?}");
    let today = harness.command(member, "today", &[]).await;
    assert!(today.text().contains("not in a cohort"), "{}", today.text());
}

#[tokio::test]
async fn an_admin_deleting_their_data_leaves_the_cohorts_they_created_running() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let owner = harness.owner;

    let confirm = harness.command(owner, "privacy delete", &[]).await;
    let button = confirm.message().button("Delete all my data").unwrap();
    harness
        .sim
        .click(owner, confirm.message().id, &button.custom_id)
        .unwrap()
        .reply()
        .await
        .unwrap();
    harness.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
            .unwrap()
            .to_utc(),
    );
    harness.bot().scheduler().settle().await;

    assert!(harness
        .bot()
        .store()
        .rows_mentioning(owner)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        harness.sim.channel_messages(channel).len(),
        1,
        "the cohort still gets its nudge"
    );
}
