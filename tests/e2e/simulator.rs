//! The simulator itself: that it answers like Discord (limits, deadlines, rate limits) and that
//! everything it dispatches parses with serenity's own models. Driven over raw HTTP, as a bot
//! that checks nothing client-side would.

use std::time::Duration;

use allybot::sim::{
    check_dispatch, Actor, Fault, FaultKind, SimOptions, Simulator, APPLICATION_ID,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Raw {
    client: reqwest::Client,
    base: String,
}

impl Raw {
    fn new(sim: &Simulator) -> Self {
        Self {
            client: reqwest::Client::new(),
            base: format!("{}/api/v10", sim.base_url()),
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("Authorization", "Bot raw-test");
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("the simulator answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        )
    }

    async fn post(
        &self,
        path: &str,
        body: Value,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
}

fn world(sim: &Simulator) -> (u64, u64, u64) {
    let owner = sim.add_user("owner");
    let guild = sim.add_guild("Guild", owner);
    let channel = sim.add_text_channel(guild, "general");
    (owner, guild, channel)
}

fn button(custom_id: &str) -> Value {
    json!({"type": 2, "style": 1, "label": "Go", "custom_id": custom_id})
}

#[tokio::test]
async fn messages_over_discords_limits_are_refused_with_50035() {
    let sim = Simulator::start(SimOptions::default()).await.unwrap();
    let (_, guild, channel) = world(&sim);
    let raw = Raw::new(&sim);
    let row = |ids: &[&str]| json!({"type": 1, "components": ids.iter().map(|id| button(id)).collect::<Vec<_>>()});

    let cases = [
        (
            "a 2001-character message",
            json!({"content": "x".repeat(2001)}),
            "/errors/content",
        ),
        (
            "a 101-character custom_id",
            json!({"content": "hi", "components": [row(&[&"c".repeat(101)])]}),
            "/errors/components/0/components/0/custom_id",
        ),
        (
            "a sixth action row",
            json!({"content": "hi", "components": [row(&["a"]), row(&["b"]), row(&["c"]), row(&["d"]), row(&["e"]), row(&["f"])]}),
            "/errors/components",
        ),
        (
            "a 257-character embed title",
            json!({"embeds": [{"title": "t".repeat(257)}]}),
            "/errors/embeds/0/title",
        ),
        (
            "a button label over 80",
            json!({"components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "l".repeat(81), "custom_id": "x"}]}]}),
            "/errors/components/0/components/0/label",
        ),
    ];
    for (what, body, error_path) in cases {
        // A channel per case: refused posts still count against a channel's rate limit.
        let target = sim.add_text_channel(guild, what);
        let (status, _, error) = raw
            .post(&format!("/channels/{target}/messages"), body)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}");
        assert_eq!(error["code"], 50035, "{what}: {error}");
        assert!(error.pointer(error_path).is_some(), "{what}: {error}");
    }
    let (status, _, message) = raw
        .post(
            &format!("/channels/{channel}/messages"),
            json!({"content": "x".repeat(2000)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "2000 characters are fine");
    assert_eq!(message["content"].as_str().map(str::len), Some(2000));
    assert_eq!(
        sim.channel_messages(channel).len(),
        1,
        "refused messages were not posted"
    );
}

#[tokio::test]
async fn posting_without_permission_or_to_a_deleted_channel_fails_like_discord() {
    let sim = Simulator::start(SimOptions::default()).await.unwrap();
    let (_, guild, channel) = world(&sim);
    let raw = Raw::new(&sim);
    let bot = sim.bot_user_id();
    sim.set_overwrite(
        channel,
        allybot::sim::Overwrite {
            target: allybot::sim::OverwriteTarget::Member(bot),
            allow: 0,
            deny: allybot::sim::permissions::SEND_MESSAGES,
        },
    );
    let (status, _, error) = raw
        .post(
            &format!("/channels/{channel}/messages"),
            json!({"content": "hi"}),
        )
        .await;
    assert_eq!(
        (status, error["code"].as_u64()),
        (StatusCode::FORBIDDEN, Some(50013))
    );

    let other = sim.add_text_channel(guild, "other");
    sim.delete_channel(other);
    let (status, _, error) = raw
        .post(
            &format!("/channels/{other}/messages"),
            json!({"content": "hi"}),
        )
        .await;
    assert_eq!(
        (status, error["code"].as_u64()),
        (StatusCode::NOT_FOUND, Some(10003))
    );
}

#[tokio::test]
async fn a_burst_to_one_channel_gets_429_with_retry_after() {
    let sim = Simulator::start(SimOptions::default()).await.unwrap();
    let (_, _, channel) = world(&sim);
    let raw = Raw::new(&sim);

    let mut statuses = Vec::new();
    let mut retry_after = None;
    for i in 0..6 {
        let (status, headers, body) = raw
            .post(
                &format!("/channels/{channel}/messages"),
                json!({"content": format!("m{i}")}),
            )
            .await;
        statuses.push(status.as_u16());
        if status == StatusCode::TOO_MANY_REQUESTS {
            retry_after = headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<f64>().ok());
            assert_eq!(body["global"], false);
            assert!(body["retry_after"].as_f64().unwrap_or(0.0) > 0.0);
        }
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429]);
    let wait = retry_after.expect("Retry-After header in seconds");
    assert!(
        wait > 4.0 && wait <= 5.0,
        "about 5 posts per 5 seconds: {wait}"
    );
}

#[tokio::test]
async fn more_than_fifty_requests_in_a_second_hit_the_global_limit() {
    let sim = Simulator::start(SimOptions::default()).await.unwrap();
    let (_, guild, _) = world(&sim);
    let raw = Raw::new(&sim);
    let channels: Vec<u64> = (0..55)
        .map(|i| sim.add_text_channel(guild, &format!("c{i}")))
        .collect();

    let posts = channels
        .iter()
        .map(|c| raw.post_owned(format!("/channels/{c}/messages"), json!({"content": "hi"})));
    let results = futures::future::join_all(posts).await;

    let limited: Vec<&Value> = results
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .map(|(_, _, b)| b)
        .collect();
    assert!(!limited.is_empty(), "55 posts at once exceed 50/s");
    assert!(limited.iter().all(|b| b["global"] == true));
}

impl Raw {
    async fn post_owned(
        &self,
        path: String,
        body: Value,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        self.post(&path, body).await
    }
}

async fn registered_ping(sim: &Simulator, raw: &Raw, guild: u64) {
    let commands = json!([{"name": "ping", "description": "Ping", "options": []}]);
    let (status, _, _) = raw
        .send(
            reqwest::Method::PUT,
            &format!("/applications/{APPLICATION_ID}/guilds/{guild}/commands"),
            Some(commands),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sim.registered_commands(Some(guild)).len(), 1);
}

#[tokio::test]
async fn an_interaction_is_acknowledged_once_and_only_within_three_seconds() {
    let options = SimOptions {
        interaction_deadline: Duration::from_millis(300),
        ..SimOptions::default()
    };
    let sim = Simulator::start(options).await.unwrap();
    let (owner, guild, channel) = world(&sim);
    let raw = Raw::new(&sim);
    registered_ping(&sim, &raw, guild).await;
    let actor = Actor {
        user: owner,
        guild: Some(guild),
        channel,
    };
    let callback = |id: u64| format!("/interactions/{id}/sim-token-{id}/callback");
    let pong = json!({"type": 4, "data": {"content": "pong"}});

    let first = sim.slash(actor, "ping", &[]).unwrap();
    let (status, _, _) = raw.post(&callback(first.id), pong.clone()).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, error) = raw.post(&callback(first.id), pong.clone()).await;
    assert_eq!(
        (status, error["code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some(40060)),
        "second acknowledgement"
    );
    assert_eq!(first.reply().await.unwrap().message().content, "pong");

    let late = sim.slash(actor, "ping", &[]).unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (status, _, error) = raw.post(&callback(late.id), pong).await;
    assert_eq!(
        (status, error["code"].as_u64()),
        (StatusCode::NOT_FOUND, Some(10062)),
        "past the deadline"
    );
    assert_eq!(late.rejections(), [10062]);
}

#[tokio::test]
async fn injected_faults_answer_the_next_matching_requests() {
    let sim = Simulator::start(SimOptions::default()).await.unwrap();
    let (_, _, channel) = world(&sim);
    let raw = Raw::new(&sim);
    sim.inject(Fault::post_error(channel, 1, 503, 0, "Service Unavailable"));
    sim.inject(Fault::new(
        None,
        format!("/channels/{channel}/messages"),
        1,
        FaultKind::RateLimited {
            retry_after: Duration::from_millis(250),
            global: false,
        },
    ));

    let path = format!("/channels/{channel}/messages");
    let (first, _, _) = raw.post(&path, json!({"content": "a"})).await;
    let (second, headers, _) = raw.post(&path, json!({"content": "b"})).await;
    let (third, _, _) = raw.post(&path, json!({"content": "c"})).await;

    assert_eq!(
        (first.as_u16(), second.as_u16(), third.as_u16()),
        (503, 429, 200)
    );
    assert_eq!(
        headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("0.250")
    );
    assert_eq!(sim.channel_messages(channel).len(), 1);
}

#[tokio::test]
async fn a_repeated_nonce_with_enforce_nonce_returns_the_first_message() {
    let sim = Simulator::start(SimOptions::default()).await.unwrap();
    let (_, _, channel) = world(&sim);
    let raw = Raw::new(&sim);
    let body = json!({"content": "once", "nonce": "ally-7-20261123", "enforce_nonce": true});

    let (_, _, first) = raw
        .post(&format!("/channels/{channel}/messages"), body.clone())
        .await;
    let (_, _, second) = raw
        .post(&format!("/channels/{channel}/messages"), body)
        .await;

    assert_eq!(first["id"], second["id"]);
    assert_eq!(sim.channel_messages(channel).len(), 1);
}

#[tokio::test]
async fn every_dispatch_parses_with_serenitys_models_and_a_broken_one_is_refused() {
    let sim = Simulator::start(SimOptions::default()).await.unwrap();
    let (owner, guild, channel) = world(&sim);
    let raw = Raw::new(&sim);
    registered_ping(&sim, &raw, guild).await;
    // Exercise every event the simulator produces: guild and channel events, and each
    // interaction kind with its envelope.
    sim.slash(
        Actor {
            user: owner,
            guild: Some(guild),
            channel,
        },
        "ping",
        &[],
    )
    .unwrap();
    let other = sim.add_text_channel(guild, "x");
    sim.delete_channel(other);
    sim.guild_outage(guild);
    sim.remove_bot_from_guild(guild);
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());

    let missing_field = json!({"id": "1", "application_id": "1", "type": 2, "token": "t", "version": 1,
        "channel_id": "3", "locale": "en-US", "entitlements": [], "data": {"id": "4", "name": "ping", "type": 1}});
    let problem = check_dispatch("INTERACTION_CREATE", &missing_field).unwrap_err();
    assert!(problem.contains("attachment_size_limit"), "{problem}");
}
