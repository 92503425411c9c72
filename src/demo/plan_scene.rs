//! The demo's last scene: a certification cohort's collaborative action plan, jumping ahead to
//! its project module (the admin opens the plan early). Five people switch to the cohort,
//! propose actions (one anonymously, one named), vote (the tally stays hidden until k people
//! have voted), volunteer as owners (one named, one not), and the admin publishes the plan to
//! the organisation's summary channel.

use anyhow::Context as _;

use super::Stage;
use crate::sim::Reply;

const COHORT: &str = "Northwind Accomplices";

pub async fn play(stage: &mut Stage) -> anyhow::Result<()> {
    stage
        .transcript
        .heading("Jumping ahead: a certification cohort's module 7 builds a shared action plan");
    let admin = stage.cast.admin;
    let channel = stage.sim.add_text_channel(stage.cast.guild, "accomplices");
    let channel_text = channel.to_string();
    stage
        .command(
            admin,
            "cohort channel",
            &[("cohort", COHORT), ("channel", &channel_text)],
        )
        .await?;
    let people: Vec<(&'static str, u64)> = stage.cast.members.iter().take(5).copied().collect();
    for (_, user) in &people {
        let offer = stage.command(*user, "join", &[("cohort", COHORT)]).await?;
        let switch = format!("Switch to {COHORT}");
        // Someone already in the Everyday cohort is offered a switch; anyone else joins.
        if offer.message().button(&switch).is_some() {
            stage.click(*user, offer.message().id, &switch).await?;
        }
    }
    stage
        .command(admin, "cohort plan open", &[("cohort", COHORT)])
        .await?;
    let (bao, chioma) = (people[0].1, people[1].1);
    propose(
        stage,
        bao,
        &[
            (
                "what",
                "Meeting notes rotate, so the same people are not always asked to take them",
            ),
            ("who", "Colleagues who are usually handed the notes"),
            ("step", "Put a note-taking rota in the team calendar"),
            ("date", "2026-12-18"),
        ],
    )
    .await?;
    propose(
        stage,
        chioma,
        &[
            ("what", "Credit ideas by name in the weekly update"),
            ("who", "People whose ideas get repeated by someone else"),
            ("step", "Add a credits line to the update template"),
            ("date", "2027-01-15"),
            ("name", "Chioma"),
        ],
    )
    .await?;
    let proposal = |stage: &Stage, number: u32| {
        stage
            .sim
            .channel_messages(channel)
            .into_iter()
            .find(|m| m.text().contains(&format!("Proposal {number} ·")))
            .context("a proposal message")
    };
    for (_, user) in people.iter().skip(1) {
        let id = proposal(stage, 1)?.id;
        stage.click(*user, id, "Support").await?;
    }
    stage
        .transcript
        .note("Four votes: the tally stays hidden until 5 people (k) have voted.");
    let first = proposal(stage, 1)?;
    stage.transcript.message("#accomplices", &first);
    stage.click(bao, first.id, "Not for now").await?;
    // The post shows the tally a moment after the voter's answer.
    let tallied = stage
        .sim
        .wait_for_message(first.id, std::time::Duration::from_secs(10), |m| {
            m.text().contains("Not for now 1")
        })
        .await
        .context("the proposal")?;
    stage.transcript.message("#accomplices", &tallied);
    let second = proposal(stage, 2)?.id;
    stage.click(people[2].1, second, "Support").await?;
    volunteer(stage, people[2].1, proposal(stage, 1)?.id, "Dmitri").await?;
    volunteer(stage, people[3].1, proposal(stage, 1)?.id, "").await?;
    stage
        .command(admin, "cohort plan publish", &[("cohort", COHORT)])
        .await?;
    stage.bot.scheduler().settle().await;
    let plan = stage
        .sim
        .channel_messages(stage.cast.summaries)
        .into_iter()
        .find(|m| m.text().contains("Action plan ·"))
        .context("the published plan")?;
    stage.transcript.message("#org-summaries", &plan);
    Ok(())
}

async fn propose(stage: &mut Stage, user: u64, fields: &[(&str, &str)]) -> anyhow::Result<()> {
    let who = stage.name(user).to_owned();
    stage.transcript.action(&who, "/plan propose");
    let opened = stage.sim.slash(stage.actor(user), "plan propose", &[])?;
    let form = opened.reply().await?;
    stage.transcript.reply(&who, &form);
    let typed: Vec<String> = fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    stage
        .transcript
        .action(&who, format!("fills in the form ({})", typed.join("; ")));
    let saved = stage.sim.submit_modal(&opened, fields)?.reply().await?;
    stage.transcript.reply(&who, &saved);
    Ok(())
}

async fn volunteer(stage: &mut Stage, user: u64, message: u64, name: &str) -> anyhow::Result<()> {
    let who = stage.name(user).to_owned();
    let found = stage.sim.message(message).context("the proposal")?;
    let button = found.button("Volunteer as owner").context("Volunteer")?;
    stage.transcript.action(&who, "clicks [Volunteer as owner]");
    let handle = stage.sim.click(user, message, &button.custom_id)?;
    let form = handle.reply().await?;
    anyhow::ensure!(matches!(form, Reply::Modal(_)), "a form to volunteer");
    stage.transcript.reply(&who, &form);
    let fields: Vec<(&str, &str)> = if name.is_empty() {
        Vec::new()
    } else {
        vec![("name", name)]
    };
    stage.transcript.action(
        &who,
        if name.is_empty() {
            "leaves the name empty (an owner, not named)".to_owned()
        } else {
            format!("gives the name \"{name}\"")
        },
    );
    let saved = stage.sim.submit_modal(&handle, &fields)?.reply().await?;
    stage.transcript.reply(&who, &saved);
    Ok(())
}
