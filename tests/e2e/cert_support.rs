//! What the certification and action-plan tests share: a cohort on the shortened test track
//! (tests/fixtures/cert-track: modules 1 and 2, then the project as module 3, two practice
//! days each), practice days, reflections, quizzes, commitments and proposals through the
//! simulator.

use std::path::PathBuf;
use std::time::Duration;

use allybot::sim::{InteractionHandle, Reply, SimMessage};

use crate::harness::{at, Harness};
use crate::quizzer::Quizzer;

pub const WAIT: Duration = Duration::from_secs(10);

/// The practice days of the test cohort (UTC, Monday to Friday): module 1, 2, then 3.
pub const DAYS: [&str; 6] = [
    "2026-11-23",
    "2026-11-24",
    "2026-11-25",
    "2026-11-26",
    "2026-11-27",
    "2026-11-30",
];

pub struct World {
    pub harness: Harness,
    pub nudges: u64,
    pub summaries: u64,
}

fn fixture(settings: &mut allybot::config::Settings) {
    settings.content.dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cert-track");
}

/// A cohort "Blue" on the test track from Monday 23 November 2026 at 09:00 UTC, with its
/// channel, and the organisation's summary channel.
pub async fn world() -> World {
    let harness = Harness::start_tweaked(fixture).await;
    let nudges = harness.sim.add_text_channel(harness.guild, "nudges");
    let summaries = harness.sim.add_text_channel(harness.guild, "org-summaries");
    let owner = harness.owner;
    let channel = nudges.to_string();
    let setup: [(&str, Vec<(&str, &str)>); 3] = [
        (
            "cohort create",
            vec![("name", "Blue"), ("track", "cert"), ("start", "2026-11-23")],
        ),
        (
            "cohort channel",
            vec![("cohort", "Blue"), ("channel", &channel)],
        ),
        (
            "cohort schedule",
            vec![("cohort", "Blue"), ("time", "09:00"), ("timezone", "UTC")],
        ),
    ];
    for (command, options) in setup {
        harness.command(owner, command, &options).await;
    }
    let set = harness
        .command(
            owner,
            "org summary-channel",
            &[("channel", &summaries.to_string())],
        )
        .await;
    assert!(
        set.text().contains("summaries will go to"),
        "{}",
        set.text()
    );
    World {
        harness,
        nudges,
        summaries,
    }
}

impl World {
    pub async fn member(&self, name: &str) -> u64 {
        let user = self.harness.add_member(name);
        let joined = self
            .harness
            .command(user, "join", &[("cohort", "Blue")])
            .await;
        assert!(joined.text().contains("Welcome"), "{}", joined.text());
        user
    }

    /// Moves to 09:00 on practice day `day` (1-6); returns that day's nudge.
    pub async fn day(&self, day: usize) -> SimMessage {
        self.harness
            .clock
            .set(at(&format!("{}T09:00:00Z", DAYS[day - 1])));
        self.harness.bot().scheduler().settle().await;
        self.harness
            .clock
            .set(at(&format!("{}T10:00:00Z", DAYS[day - 1])));
        self.harness
            .sim
            .channel_messages(self.nudges)
            .into_iter()
            .rev()
            .find(|m| m.button("I tried this").is_some())
            .expect("a nudge")
    }

    pub async fn tried(&self, user: u64, nudge: &SimMessage) {
        let button = nudge.button("I tried this").unwrap().custom_id;
        let reply = self.harness.press(user, nudge.id, &button).await;
        assert!(reply.text().contains("Counted"), "{}", reply.text());
    }

    /// Reflects on `nudge` (through the one-time consent notice if it comes).
    pub async fn reflect(&self, user: u64, nudge: &SimMessage) {
        let reflect = nudge.button("Reflect").unwrap().custom_id;
        self.reflect_by(user, nudge.id, &reflect).await;
    }

    /// Presses a Reflect button (`custom_id` on `message`) and writes a reflection.
    pub async fn reflect_by(&self, user: u64, message: u64, custom_id: &str) {
        let sim = &self.harness.sim;
        let mut opened: InteractionHandle = sim.click(user, message, custom_id).unwrap();
        if let Reply::Message(notice) = opened.reply().await.unwrap() {
            let agree = notice.button("I understand, continue").expect("consent");
            opened = sim.click(user, notice.id, &agree.custom_id).unwrap();
            assert!(matches!(opened.reply().await.unwrap(), Reply::Modal(_)));
        }
        let saved = sim
            .submit_modal(&opened, &[("text", "I noticed who was heard.")])
            .unwrap()
            .reply()
            .await
            .unwrap();
        assert!(saved.text().contains("Saved"), "{}", saved.text());
    }

    /// `/quiz module:N`, every question answered with the best answer.
    pub async fn pass_quiz(&self, user: u64, module: u8) {
        let quizzer = Quizzer::new(&self.harness, user);
        let mut message = quizzer.start(&[("module", &module.to_string())]).await;
        loop {
            let feedback = quizzer.answer(&message, true).await;
            if feedback.button("Finish").is_some() {
                quizzer.step(&feedback, "Finish").await;
                return;
            }
            message = quizzer.step(&feedback, "Next question").await;
        }
    }

    /// A commitment, checked in on at once with "Tried it" (through `/checkin`).
    pub async fn commit_and_check_in(&self, user: u64) {
        crate::commit_support::commit(
            &self.harness,
            user,
            "When a meeting starts,",
            "I will notice who speaks.",
            "3",
        )
        .await;
        let list = self.harness.command(user, "checkin", &[]).await;
        crate::commit_support::click(&self.harness, user, list.message(), "Tried it").await;
    }

    /// `/plan propose` with `fields` (what, who, step, date, name); the reply.
    pub async fn propose(&self, user: u64, fields: &[(&str, &str)]) -> Reply {
        let opened = self
            .harness
            .sim
            .slash(self.harness.in_general(user), "plan propose", &[])
            .unwrap();
        let form = opened.reply().await.unwrap();
        assert!(matches!(form, Reply::Modal(_)), "{form:?}");
        self.harness
            .sim
            .submit_modal(&opened, fields)
            .unwrap()
            .reply()
            .await
            .unwrap()
    }

    /// The proposal message numbered `number` in the cohort's channel, as it is now.
    pub fn proposal(&self, number: u32) -> SimMessage {
        self.harness
            .sim
            .channel_messages(self.nudges)
            .into_iter()
            .find(|m| {
                m.text()
                    .contains(&format!("Proposal {number} · Blue's action plan"))
            })
            .unwrap_or_else(|| panic!("no proposal {number}"))
    }

    /// Proposal `number`'s message once it shows `text` (an edit that follows an answer).
    pub async fn proposal_showing(&self, number: u32, text: &str) -> SimMessage {
        let id = self.proposal(number).id;
        let shown = self
            .harness
            .sim
            .wait_for_message(id, WAIT, |m| m.text().contains(text))
            .await
            .expect("the proposal");
        assert!(
            shown.text().contains(text),
            "{text:?} not in {}",
            shown.text()
        );
        shown
    }

    pub async fn press_on(&self, user: u64, message: &SimMessage, label: &str) -> Reply {
        let button = message
            .button(label)
            .unwrap_or_else(|| panic!("no {label} on {}", message.text()));
        self.harness
            .press(user, message.id, &button.custom_id)
            .await
    }

    /// Volunteers `user` as an owner of proposal `number`, with `name` ("" for none).
    pub async fn volunteer(&self, user: u64, number: u32, name: &str) -> Reply {
        let message = self.proposal(number);
        let button = message.button("Volunteer as owner").unwrap().custom_id;
        let opened = self.harness.sim.click(user, message.id, &button).unwrap();
        assert!(matches!(opened.reply().await.unwrap(), Reply::Modal(_)));
        let fields: Vec<(&str, &str)> = if name.is_empty() {
            vec![]
        } else {
            vec![("name", name)]
        };
        self.harness
            .sim
            .submit_modal(&opened, &fields)
            .unwrap()
            .reply()
            .await
            .unwrap()
    }

    /// The "Certification" field of `/progress` for `user`.
    pub async fn certification(&self, user: u64) -> (String, Reply) {
        let progress = self.harness.command(user, "progress", &[]).await;
        let field = progress.message().embeds[0]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "Certification")
            .map(|f| f["value"].as_str().unwrap().to_owned())
            .expect("a Certification section");
        (field, progress)
    }

    /// Plan messages in the summary channel.
    pub fn plan_posts(&self) -> Vec<SimMessage> {
        self.harness
            .sim
            .channel_messages(self.summaries)
            .into_iter()
            .filter(|m| m.text().contains("Action plan · Blue"))
            .collect()
    }
}
