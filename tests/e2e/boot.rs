//! The real bot against the simulator: start-up, command registration, /about, a gateway drop,
//! and a clean shutdown.

use std::time::Duration;

use allybot::sim::{SimOptions, GLOBAL_LIMIT};
use serde_json::Value;

use crate::harness::{Harness, READY};

#[tokio::test]
async fn the_bot_connects_with_no_privileged_intent_and_registers_described_commands() {
    let harness = Harness::start().await;

    let gateway = harness.sim.gateway_stats();
    assert_eq!(
        gateway.intents,
        Some(1),
        "GUILDS only: no privileged or message intents"
    );
    let commands = harness.sim.registered_commands(Some(harness.guild));
    assert!(
        commands.iter().any(|c| c["name"] == "about"),
        "{commands:?}"
    );
    for command in &commands {
        assert_described(command);
    }
    assert!(
        harness.sim.violations().is_empty(),
        "{:?}",
        harness.sim.violations()
    );
}

fn assert_described(item: &Value) {
    let description = item["description"].as_str().unwrap_or_default();
    assert!(
        (1..=100).contains(&description.chars().count()),
        "`{}` needs a 1-100 character description, has {description:?}",
        item["name"]
    );
    for option in item["options"].as_array().into_iter().flatten() {
        assert_described(option);
    }
}

#[tokio::test]
async fn about_answers_ephemerally_with_what_the_bot_does_and_how_to_begin() {
    let harness = Harness::start().await;
    let member = harness.add_member("Bao");

    let reply = harness.command(member, "about", &[]).await;

    let message = reply.message();
    assert!(message.ephemeral, "only the asker sees it");
    let text = message.text();
    assert!(text.contains("4 As"), "{text}");
    assert!(text.contains("How to begin"), "{text}");
    assert!(text.contains("/join"), "{text}");
    assert!(text.contains("/privacy delete"), "{text}");
}

#[tokio::test]
async fn the_bot_resumes_after_the_gateway_drops_and_keeps_answering() {
    let harness = Harness::start().await;
    let member = harness.add_member("Chioma");

    harness.sim.drop_gateway(4000);
    assert!(
        harness
            .sim
            .wait_for_gateway(READY, |g| g.connected && g.resumes == 1)
            .await,
        "serenity resumes after close code 4000: {:?}",
        harness.sim.gateway_stats()
    );
    let reply = harness.command(member, "about", &[]).await;

    assert!(reply.message().text().contains("How to begin"));
    assert_eq!(
        harness.sim.gateway_stats().identifies,
        1,
        "a resume, not a new session"
    );
}

#[tokio::test]
async fn a_restarted_bot_identifies_again_on_the_same_database() {
    let mut harness = Harness::start().await;

    harness.restart().await;
    let reply = harness.command(harness.owner, "about", &[]).await;

    assert!(reply.message().ephemeral);
    assert_eq!(harness.sim.gateway_stats().identifies, 2);
}

#[tokio::test]
async fn heartbeats_are_acknowledged_and_carry_on() {
    let options = SimOptions {
        heartbeat_interval: Duration::from_millis(200),
        ..SimOptions::default()
    };
    let harness = Harness::start_with(options).await;

    assert!(
        harness
            .sim
            .wait_for_gateway(READY, |g| g.heartbeats >= 3)
            .await
    );
    assert_eq!(
        harness.sim.gateway_stats().identifies,
        1,
        "no zombie reconnects"
    );
}

#[tokio::test]
async fn shutdown_closes_the_gateway_cleanly_and_the_database() {
    let mut harness = Harness::start().await;
    let store = harness.bot().store().clone();

    harness.stop().await;

    assert!(
        harness
            .sim
            .wait_for_gateway(READY, |g| !g.connected && g.clean_closes == 1)
            .await,
        "{:?}",
        harness.sim.gateway_stats()
    );
    assert!(store.table_names().await.is_err(), "the pool is closed");
    assert!(
        harness.sim.requests().iter().all(|r| r.status != 429),
        "start-up stays under {GLOBAL_LIMIT}/s"
    );
}
