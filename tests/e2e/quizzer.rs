//! A participant taking quizzes through the simulator, reading questions as they see them: the
//! scenario and lettered options in the embed, answered by the lettered buttons.

use std::sync::Arc;
use std::time::Duration;

use allybot::app;
use allybot::content::model::{Curriculum, QuizItem};
use allybot::sim::{Reply, SimMessage};

use crate::harness::Harness;

/// A guild with an accomplice cohort "Blue" starting on `start`, and a member in it.
pub async fn member_of_cohort_starting(start: &str) -> (Harness, u64) {
    let harness = Harness::start().await;
    let created = harness
        .command(
            harness.owner,
            "cohort create",
            &[("name", "Blue"), ("track", "accomplice"), ("start", start)],
        )
        .await;
    assert!(
        created.text().contains("Created **Blue**"),
        "{}",
        created.text()
    );
    let member = harness.add_member("Ana");
    let joined = harness.command(member, "join", &[("cohort", "Blue")]).await;
    assert!(joined.text().contains("Welcome"), "{}", joined.text());
    (harness, member)
}

pub struct Quizzer<'a> {
    pub harness: &'a Harness,
    pub user: u64,
    curriculum: Arc<Curriculum>,
}

impl<'a> Quizzer<'a> {
    pub fn new(harness: &'a Harness, user: u64) -> Self {
        let curriculum = app::load_curriculum(&harness.settings()).expect("curriculum loads");
        Self {
            harness,
            user,
            curriculum,
        }
    }

    /// Runs `/quiz` with `options`; returns the quiz message.
    pub async fn start(&self, options: &[(&str, &str)]) -> SimMessage {
        let reply = self.harness.command(self.user, "quiz", options).await;
        let message = reply.message().clone();
        assert!(message.ephemeral, "a quiz is private");
        message
    }

    /// The curriculum item a question message shows.
    pub fn item(&self, message: &SimMessage) -> &QuizItem {
        let description = description(message);
        self.curriculum
            .tracks
            .iter()
            .flat_map(|t| &t.modules)
            .flat_map(|m| &m.quiz)
            .find(|q| description.contains(q.scenario.trim()))
            .unwrap_or_else(|| panic!("no item matches:\n{}", message.text()))
    }

    /// The letter shown for the best option (`best`), or for a tempting other one.
    pub fn letter(&self, message: &SimMessage, best: bool) -> String {
        let item = self.item(message);
        let wanted = item
            .options
            .iter()
            .find(|o| o.correct == best)
            .expect("an option of that kind");
        let description = description(message);
        ["A", "B", "C", "D"]
            .iter()
            .find(|letter| description.contains(&format!("**{letter}.** {}", wanted.text.trim())))
            .map(|l| (*l).to_owned())
            .unwrap_or_else(|| panic!("option not shown:\n{description}"))
    }

    /// Clicks the button labelled `label` on `message`.
    pub async fn press(&self, message: &SimMessage, label: &str) -> Reply {
        let button = message
            .button(label)
            .unwrap_or_else(|| panic!("no button {label:?} on:\n{}", message.text()));
        self.harness
            .sim
            .click(self.user, message.id, &button.custom_id)
            .unwrap()
            .reply_within(Duration::from_secs(10))
            .await
            .unwrap()
    }

    /// Answers the question on `message` with the best option or another one; returns the
    /// feedback (the same message, updated in place).
    pub async fn answer(&self, message: &SimMessage, best: bool) -> SimMessage {
        let letter = self.letter(message, best);
        let reply = self.press(message, &letter).await;
        assert!(
            matches!(reply, Reply::Updated(_)),
            "updated in place: {reply:?}"
        );
        reply.message().clone()
    }

    /// Clicks a button expected to update the quiz in place.
    pub async fn step(&self, message: &SimMessage, label: &str) -> SimMessage {
        let reply = self.press(message, label).await;
        assert!(
            matches!(reply, Reply::Updated(_)),
            "updated in place: {reply:?}"
        );
        reply.message().clone()
    }
}

pub fn description(message: &SimMessage) -> String {
    message.embeds[0]["description"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The attempt id inside the answer buttons' custom_ids (`qa:<attempt>:<question>:<choice>`).
pub fn attempt_of(message: &SimMessage) -> i64 {
    let button = message.button("A").expect("answer buttons");
    button.custom_id.split(':').nth(1).unwrap().parse().unwrap()
}

/// A channel message carrying buttons the bot never put there (as a forged or copied message
/// would), posted through the simulator's REST API.
pub async fn forged_message(harness: &Harness, buttons: &[(&str, &str)]) -> u64 {
    let components: Vec<serde_json::Value> = buttons
        .iter()
        .map(|(label, id)| serde_json::json!({"type": 2, "style": 1, "label": label, "custom_id": id}))
        .collect();
    let body = serde_json::json!({"content": "click me", "components": [{"type": 1, "components": components}]});
    let response = reqwest::Client::new()
        .post(format!(
            "{}/api/v10/channels/{}/messages",
            harness.sim.base_url(),
            harness.general
        ))
        .header("Authorization", "Bot test")
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let message: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    message["id"].as_str().unwrap().parse().unwrap()
}
