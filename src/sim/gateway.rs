//! The gateway WebSocket: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, RESUME with
//! replay of missed events, and close codes on request. Plain-text JSON frames (serenity accepts
//! them although it asks for compression).

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::payloads;
use super::state::{Outgoing, Shared};

/// Intents that need Discord's approval; an unapproved bot asking for them gets close 4014.
const PRIVILEGED_INTENTS: u64 = (1 << 1) | (1 << 8) | (1 << 15);

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
    shared.with(|s| {
        if s.gateway
            .connection
            .as_ref()
            .is_some_and(|(id, _)| *id == connection)
        {
            s.gateway.connection = None;
        }
    });
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
    shared.with(|s| {
        let hub = &mut s.gateway;
        hub.identifies += 1;
        hub.intents = Some(intents);
        hub.session_id = Some(format!("sim-session-{}", hub.identifies));
        hub.seq = 0;
        hub.backlog.clear();
        hub.connection = Some((connection, sink.clone()));
        let session = hub.session_id.clone().unwrap_or_default();
        let ready = payloads::ready(&s.world, &session, &shared.gateway_url);
        let _ = s.dispatch("READY", ready);
        let channels = payloads::channels_by_guild(&s.world);
        let guilds: Vec<Value> = s
            .world
            .guilds
            .values()
            .filter(|g| g.bot_present)
            .map(|g| {
                let own = channels.get(&g.id).map_or(&[][..], Vec::as_slice);
                payloads::guild_create_with(&s.world, g, own)
            })
            .collect();
        for guild in guilds {
            let _ = s.dispatch("GUILD_CREATE", guild);
        }
    });
    None
}

fn resume(shared: &Shared, connection: u64, sink: &mpsc::UnboundedSender<Outgoing>, d: &Value) {
    let session = d
        .get("session_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let last_seq = d.get("seq").and_then(Value::as_u64).unwrap_or(0);
    shared.with(|s| {
        let hub = &mut s.gateway;
        if hub.session_id.as_deref() != Some(session.as_str()) {
            // Unknown session: tell the bot to identify afresh.
            let _ = sink.send(Outgoing::Frame(
                json!({"op": 9, "d": false, "s": null, "t": null}).to_string(),
            ));
            return;
        }
        hub.resumes += 1;
        hub.connection = Some((connection, sink.clone()));
        for (_, frame) in hub.backlog.iter().filter(|(seq, _)| *seq > last_seq) {
            let _ = sink.send(Outgoing::Frame(frame.clone()));
        }
        let _ = s.dispatch("RESUMED", json!({}));
    });
}
