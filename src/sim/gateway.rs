//! The gateway WebSocket: HELLO, IDENTIFY (with its shard) -> READY + that shard's GUILD_CREATEs,
//! heartbeats, RESUME with replay of missed events, and close codes on request. Plain-text JSON
//! frames (serenity accepts them although it asks for compression). Which shard gets which
//! event is `sessions`' business.

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::payloads;
use super::sessions::shard_of;
use super::state::{Outgoing, Shared};

/// Intents that need Discord's approval; an unapproved bot asking for them gets close 4014.
const PRIVILEGED_INTENTS: u64 = (1 << 1) | (1 << 8) | (1 << 15);
/// Close code for an IDENTIFY whose `shard` is not `[id, total]` with `id < total`.
const INVALID_SHARD: u16 = 4010;

pub(crate) async fn upgrade(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>) -> Response {
    ws.on_upgrade(move |socket| serve(socket, shared))
}

async fn serve(socket: WebSocket, shared: Arc<Shared>) {
    let (mut to_bot, mut from_bot) = socket.split();
    let (sink, mut outgoing) = mpsc::unbounded_channel();
    let connection = shared.with(|s| {
        s.gateway.next_connection += 1;
        s.gateway.next_connection
    });
    let hello = json!({"op": 10, "d": {"heartbeat_interval": shared.options.heartbeat_interval.as_millis()}, "s": null, "t": null});
    if to_bot.send(Message::Text(hello.to_string())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            incoming = from_bot.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if let Some(code) = handle_frame(&shared, connection, &sink, &text) {
                        let _ = to_bot.send(close(code)).await;
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) => {
                    shared.with(|s| s.gateway.clean_closes += 1);
                    // The WebSocket layer has queued the answering close frame; serenity waits for
                    // it before it considers the shutdown clean, so flush it out before dropping.
                    let _ = to_bot.flush().await;
                    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), from_bot.next()).await;
                    break;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            Some(out) = outgoing.recv() => match out {
                Outgoing::Frame(frame) => {
                    if to_bot.send(Message::Text(frame)).await.is_err() {
                        break;
                    }
                }
                Outgoing::Close(code) => {
                    let _ = to_bot.send(close(code)).await;
                    break;
                }
            },
        }
    }
    shared.with(|s| s.gateway.disconnected(connection));
}

fn close(code: u16) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: "".into(),
    }))
}

/// Handles one frame from the bot; returns a close code if the connection must end.
fn handle_frame(
    shared: &Shared,
    connection: u64,
    sink: &mpsc::UnboundedSender<Outgoing>,
    text: &str,
) -> Option<u16> {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        return Some(4002);
    };
    match frame.get("op").and_then(Value::as_u64) {
        Some(1) => {
            shared.with(|s| s.gateway.heartbeats += 1);
            let _ = sink.send(Outgoing::Frame(json!({"op": 11}).to_string()));
            None
        }
        Some(2) => identify(shared, connection, sink, &frame["d"]),
        Some(6) => {
            resume(shared, connection, sink, &frame["d"]);
            None
        }
        Some(3) | Some(8) => None, // presence updates and member requests: accepted, unused
        _ => Some(4001),
    }
}

fn identify(
    shared: &Shared,
    connection: u64,
    sink: &mpsc::UnboundedSender<Outgoing>,
    d: &Value,
) -> Option<u16> {
    let token_ok = d
        .get("token")
        .and_then(Value::as_str)
        .is_some_and(|t| t.starts_with("Bot ") && t.len() > 4);
    if !token_ok {
        return Some(4004);
    }
    let intents = d.get("intents").and_then(Value::as_u64).unwrap_or(0);
    if intents & PRIVILEGED_INTENTS != 0 {
        return Some(4014);
    }
    // No `shard` field: shard 0 of 1, which gets every event.
    let (shard, total) = match d.get("shard") {
        None | Some(Value::Null) => (0, 1),
        Some(pair) => match parse_shard(pair) {
            Some(pair) => pair,
            None => return Some(INVALID_SHARD),
        },
    };
    shared.with(|s| {
        s.gateway.intents = Some(intents);
        let session = s.gateway.identify(shard, total, (connection, sink.clone()));
        let mut ready = payloads::ready(&s.world, &session, &shared.gateway_url);
        // READY names this shard and lists only the guilds it will get a GUILD_CREATE for.
        ready["shard"] = json!([shard, total]);
        if let Some(Value::Array(guilds)) = ready.get_mut("guilds") {
            guilds.retain(|g| {
                g.get("id")
                    .and_then(Value::as_str)
                    .and_then(|id| id.parse::<u64>().ok())
                    .is_some_and(|id| shard_of(id, total) == shard)
            });
        }
        let _ = s.dispatch_to_shard(shard, "READY", ready);
        let channels = payloads::channels_by_guild(&s.world);
        let guilds: Vec<Value> = s
            .world
            .guilds
            .values()
            .filter(|g| g.bot_present && shard_of(g.id, total) == shard)
            .map(|g| {
                let own = channels.get(&g.id).map_or(&[][..], Vec::as_slice);
                payloads::guild_create_with(&s.world, g, own)
            })
            .collect();
        for guild in guilds {
            let _ = s.dispatch_to_shard(shard, "GUILD_CREATE", guild);
        }
    });
    None
}

/// IDENTIFY's `shard: [id, total]`, if it is one Discord would accept.
fn parse_shard(pair: &Value) -> Option<(u32, u32)> {
    let [id, total] = pair.as_array()?.as_slice() else {
        return None;
    };
    let id = u32::try_from(id.as_u64()?).ok()?;
    let total = u32::try_from(total.as_u64()?).ok()?;
    (total >= 1 && id < total).then_some((id, total))
}

fn resume(shared: &Shared, connection: u64, sink: &mpsc::UnboundedSender<Outgoing>, d: &Value) {
    let session = d
        .get("session_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let last_seq = d.get("seq").and_then(Value::as_u64).unwrap_or(0);
    shared.with(|s| {
        let Some((shard, found)) = s.gateway.session_by_id(&session) else {
            // Unknown session: tell the bot to identify afresh.
            let _ = sink.send(Outgoing::Frame(
                json!({"op": 9, "d": false, "s": null, "t": null}).to_string(),
            ));
            return;
        };
        found.connection = Some((connection, sink.clone()));
        for (_, frame) in found.backlog.iter().filter(|(seq, _)| *seq > last_seq) {
            let _ = sink.send(Outgoing::Frame(frame.clone()));
        }
        s.gateway.resumes += 1;
        let _ = s.dispatch_to_shard(shard, "RESUMED", json!({}));
    });
}
