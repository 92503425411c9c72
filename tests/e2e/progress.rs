//! `/progress`: a forgiving streak, consistency, quizzes and commitments, privately.

use allybot::sim::SimMessage;

use crate::cohorts::with_cohort;
use crate::harness::{at, Harness};

fn field(message: &SimMessage, name: &str) -> String {
    let fields = message.embeds[0]["fields"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let found = fields
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("a {name} field"));
    found["value"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn progress_counts_practice_days_forgives_a_missed_one_and_shows_what_is_next() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let member = harness.add_member("Pia");
    harness.command(member, "join", &[("cohort", "Blue")]).await;
    // Monday to Friday; Pia practises every day but Wednesday.
    for (day, practise) in [
        ("23", true),
        ("24", true),
        ("25", false),
        ("26", true),
        ("27", true),
    ] {
        harness.clock.set(at(&format!("2026-11-{day}T09:00:00Z")));
        harness.bot().scheduler().settle().await;
        harness.clock.set(at(&format!("2026-11-{day}T12:00:00Z")));
        if practise {
            let nudge = harness
                .sim
                .channel_messages(channel)
                .into_iter()
                .rev()
                .find(|m| m.button("I tried this").is_some())
                .unwrap();
            harness
                .press(
                    member,
                    nudge.id,
                    &nudge.button("I tried this").unwrap().custom_id,
                )
                .await;
        }
    }
    let quiz = harness.command(member, "quiz", &[]).await;
    let option = quiz.message().button("A").unwrap();
    harness
        .press(member, quiz.message().id, &option.custom_id)
        .await;

    let shown = harness.command(member, "progress", &[]).await;

    let message = shown.message();
    assert!(message.ephemeral);
    assert!(
        field(message, "Streak").contains("**4** practice days, with 1 missed day forgiven"),
        "{}",
        field(message, "Streak")
    );
    assert!(
        field(message, "Consistency").contains("4 of the last 5 practice days (80%)"),
        "{}",
        field(message, "Consistency")
    );
    assert!(
        field(message, "Quizzes").contains("1 quiz taken")
            && field(message, "Quizzes").contains("Module 1:")
    );
    assert!(field(message, "Commitments").contains("None yet"));
    assert!(
        field(message, "Next").contains("Next nudge <t:"),
        "{}",
        field(message, "Next")
    );
}

#[tokio::test]
async fn progress_for_someone_in_no_cohort_says_how_to_join() {
    let harness = Harness::start().await;
    let stranger = harness.add_member("Quinn");

    let shown = harness.command(stranger, "progress", &[]).await;

    assert!(shown.text().contains("`/join`"), "{}", shown.text());
}
