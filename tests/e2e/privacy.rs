//! Each person's control over their data: what is kept, a complete export, a complete delete.

use serde_json::Value;

use crate::cohorts::with_cohort;
use crate::commit_support::{checkin_dms, click, settle_at};
use crate::harness::{at, Harness};

/// A member of Blue who joined, tried Monday's nudge and wrote a reflection; returns their id.
pub async fn active_member(harness: &Harness, channel: u64) -> u64 {
    let member = harness.add_member("Lior");
    harness.command(member, "join", &[("cohort", "Blue")]).await;
    harness.clock.set(at("2026-11-23T09:00:00Z"));
    harness.bot().scheduler().settle().await;
    let nudge = harness
        .sim
        .channel_messages(channel)
        .into_iter()
        .find(|m| m.button("I tried this").is_some())
        .unwrap();
    harness
        .press(
            member,
            nudge.id,
            &nudge.button("I tried this").unwrap().custom_id,
        )
        .await;
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
        .press(member, quiz.message().id, &first_option.custom_id)
        .await;
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
    assert!(
        text.contains(
            "commitments: **encrypted**, readable only by you; kept until you delete them"
        ),
        "{text}"
    );
    assert!(text.contains("employment"), "{text}");
}

/// The export's name for each table that holds a person's rows (the same name where absent).
/// `quiz_questions` has no person column: its rows go out inside `quiz_attempts`.
fn exported_as(table: &str) -> &str {
    match table {
        "reflection_consents" => "reflection_consent",
        "participant_settings" => "settings",
        "summary_baselines" => "summary_counted_in",
        // A share's channel and time go out with its reflection.
        "reflection_shares" => "reflections",
        other => other,
    }
}

#[tokio::test]
async fn export_returns_everything_about_the_person_with_reflections_readable() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let member = active_member(&harness, channel).await;
    harness
        .command(member, "settings", &[("quiet_hours", "22:00-07:00")])
        .await;
    // The commitment's check-in DM on its due day, answered: a reminder row and an answer.
    settle_at(&harness, at("2026-11-26T09:00:00Z")).await;
    let dm = checkin_dms(&harness, member).remove(0);
    click(&harness, member, &dm, "Tried it").await;

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
    let attempt = &data["quiz_attempts"][0];
    assert_eq!(attempt["started_from"], "command");
    let shown = attempt["questions"][0]["options_shown"].as_array().unwrap();
    assert!(shown.len() >= 2 && shown.iter().all(|o| o.as_u64() >= Some(1)));
    assert_eq!(
        data["commitments"][0]["i_will"],
        "I will hand the floor back to them."
    );
    assert_eq!(data["checkin_answers"][0]["answer"], "tried");
    assert_eq!(data["reminder_dms"][0]["status"], "sent");
    assert_eq!(data["settings"]["quiet_hours"], "22:00-07:00");

    // Completeness: every table that holds a row with this person's id is in the export.
    let tables = harness.bot().store().rows_mentioning(member).await.unwrap();
    for (table, column, count) in tables {
        let exported = &data[exported_as(&table)];
        let present = exported
            .as_array()
            .map_or(exported.is_object(), |rows| !rows.is_empty());
        assert!(
            present,
            "{count} row(s) of {table}.{column} hold the person's id but the export has no \"{}\"",
            exported_as(&table)
        );
    }
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
        .press(member, confirm.message().id, &button.custom_id)
        .await;

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
        .press(owner, confirm.message().id, &button.custom_id)
        .await;
    harness.clock.set(at("2026-11-23T09:00:00Z"));
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

#[tokio::test]
async fn a_deleted_text_is_overwritten_in_the_database_file_not_left_in_its_free_space() {
    use allybot::store::{NewReflection, Store};
    const MARK: &[u8] = b"sealed-bytes-canary-3f9e1c";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("allybot.db");
    let store = Store::open(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let written = at("2026-11-23T09:00:00Z");
    for (text, when) in [
        (MARK.to_vec(), written),
        (vec![0x55; 40], written + chrono::Duration::days(1)),
    ] {
        let reflection = NewReflection {
            user_id: 1_400_000_000_000_000_009,
            cohort_id: None,
            delivery_id: None,
            question: "What did you notice?",
        };
        store
            .save_reflection(reflection, |_| Ok(text.clone()), when)
            .await
            .unwrap();
    }

    let purged = store
        .purge_reflections_before(written + chrono::Duration::hours(1), &[])
        .await
        .unwrap();
    assert_eq!(purged, 1);
    store.close().await; // checkpoints the write-ahead log into the file

    let bytes = std::fs::read(&file).unwrap();
    assert!(
        !bytes.windows(MARK.len()).any(|w| w == MARK),
        "the deleted row's bytes are gone from the page it was on"
    );
}
