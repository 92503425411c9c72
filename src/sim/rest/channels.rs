//! Channels and their messages: posting (JSON or multipart, with permission checks, nonce
//! de-duplication and the per-channel rate limit), reading recent messages, edits, DMs.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{parse_id, Answer, ApiError, Call, RouteResult};
use crate::discord_limits::{self as limits, FormErrors};
use crate::sim::payloads;
use crate::sim::permissions::{
    ATTACH_FILES, EMBED_LINKS, READ_MESSAGE_HISTORY, SEND_MESSAGES, VIEW_CHANNEL,
};
use crate::sim::state::SimState;
use crate::sim::world::{Attachment, Channel, ChannelKind, StoredMessage};

pub(super) fn route(call: Call<'_>) -> RouteResult {
    call.require_auth()?;
    match (call.method, call.segments.as_slice()) {
        (&Method::POST, ["channels", channel, "messages"]) => {
            let channel = parse_id(channel)?;
            create(&call, channel)
        }
        (&Method::GET, ["channels", channel, "messages"]) => {
            let channel = parse_id(channel)?;
            recent(&call, channel)
        }
        (method, ["channels", channel, "messages", message]) => {
            let (channel, message) = (parse_id(channel)?, parse_id(message)?);
            call.admit(Some(channel).filter(|_| *method == Method::PATCH))?;
            own_message(&call, method, channel, message)
        }
        (&Method::GET, ["channels", channel]) => {
            let channel = parse_id(channel)?;
            call.admit(None)?;
            call.shared.read(|s| {
                let found = s.world.channels.get(&channel).filter(|c| !c.deleted);
                let found = found.ok_or_else(|| ApiError::unknown("Channel", 10003))?;
                if s.world.channel_permissions(channel, s.world.bot_user_id) & VIEW_CHANNEL == 0 {
                    return Err(ApiError::new(403, 50001, "Missing Access"));
                }
                Ok(Answer::Json(StatusCode::OK, payloads::channel(found)))
            })
        }
        _ => Err(ApiError::new(404, 0, "404: Not Found")),
    }
}

/// Creates a message from a body and returns its id. Shared with interaction responses.
pub(crate) fn new_message(
    s: &mut SimState,
    channel: u64,
    body: &Value,
    files: Vec<Attachment>,
    visible_to: Option<u64>,
    interaction: Option<u64>,
) -> u64 {
    let id = s.world.next_id();
    let created_at = s.wall_time();
    let list = |field: &str| {
        body.get(field)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let message = StoredMessage {
        id,
        channel_id: channel,
        author_id: s.world.bot_user_id,
        content: body
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        embeds: list("embeds"),
        components: list("components"),
        attachments: files,
        flags: body.get("flags").and_then(Value::as_u64).unwrap_or(0),
        nonce: body.get("nonce").and_then(Value::as_str).map(str::to_owned),
        visible_to,
        interaction_id: interaction,
        deleted: false,
        pending: false,
        created_at,
    };
    s.world.insert_message(message);
    id
}

/// Applies an edit body: fields present replace the old ones.
pub(crate) fn apply_edit(s: &mut SimState, message: u64, body: &Value, files: Vec<Attachment>) {
    let Some(m) = s.world.messages.get_mut(&message) else {
        return;
    };
    if let Some(content) = body.get("content").and_then(Value::as_str) {
        m.content = content.to_owned();
    }
    if let Some(embeds) = body.get("embeds").and_then(Value::as_array) {
        m.embeds = embeds.clone();
    }
    if let Some(components) = body.get("components").and_then(Value::as_array) {
        m.components = components.clone();
    }
    if !files.is_empty() {
        m.attachments = files;
    }
    m.pending = false;
}

fn create(call: &Call<'_>, channel: u64) -> RouteResult {
    call.admit(Some(channel))?;
    let body = call.json();
    let mut errors = FormErrors::default();
    limits::check_message(&body, "", &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::form(&errors));
    }
    let is_empty = body
        .get("content")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
        && body
            .get("embeds")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        && body
            .get("components")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        && call.body.files.is_empty();
    if is_empty {
        return Err(ApiError::new(400, 50006, "Cannot send an empty message"));
    }
    let window = call.shared.options.nonce_window;
    call.shared.with(|s| {
        let target = s
            .world
            .channels
            .get(&channel)
            .filter(|c| !c.deleted)
            .cloned();
        let target = target.ok_or_else(|| ApiError::unknown("Channel", 10003))?;
        check_can_post(s, &target, &body, !call.body.files.is_empty())?;
        let nonce = body.get("nonce").and_then(Value::as_str).map(str::to_owned);
        let enforce = body
            .get("enforce_nonce")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if let (Some(nonce), true) = (&nonce, enforce) {
            if let Some((existing, at)) = s.nonces.get(&(channel, nonce.clone())) {
                if call.now.duration_since(*at) <= window {
                    let json = s
                        .world
                        .messages
                        .get(existing)
                        .map(|m| payloads::message(&s.world, m));
                    return Ok(Answer::Json(StatusCode::OK, json.unwrap_or(Value::Null)));
                }
            }
        }
        let id = new_message(s, channel, &body, call.body.files.clone(), None, None);
        if let Some(nonce) = nonce {
            s.nonces.insert((channel, nonce), (id, call.now));
        }
        let json = s
            .world
            .messages
            .get(&id)
            .map(|m| payloads::message(&s.world, m));
        Ok(Answer::Json(StatusCode::OK, json.unwrap_or(Value::Null)))
    })
}

fn check_can_post(
    s: &SimState,
    channel: &Channel,
    body: &Value,
    has_files: bool,
) -> Result<(), ApiError> {
    if channel.kind == ChannelKind::Dm {
        let open = channel
            .recipient
            .and_then(|u| s.world.users.get(&u))
            .is_some_and(|u| u.dms_open);
        return if open {
            Ok(())
        } else {
            Err(ApiError::new(
                403,
                50007,
                "Cannot send messages to this user",
            ))
        };
    }
    let bot_in_guild = channel
        .guild_id
        .and_then(|g| s.world.guilds.get(&g))
        .is_some_and(|g| g.bot_present);
    let perms = s.world.channel_permissions(channel.id, s.world.bot_user_id);
    if !bot_in_guild || perms & VIEW_CHANNEL == 0 {
        return Err(ApiError::new(403, 50001, "Missing Access"));
    }
    let has_embeds = body
        .get("embeds")
        .and_then(Value::as_array)
        .is_some_and(|e| !e.is_empty());
    let missing = perms & SEND_MESSAGES == 0
        || (has_embeds && perms & EMBED_LINKS == 0)
        || (has_files && perms & ATTACH_FILES == 0);
    if missing {
        return Err(ApiError::new(403, 50013, "Missing Permissions"));
    }
    Ok(())
}

fn recent(call: &Call<'_>, channel: u64) -> RouteResult {
    call.admit(None)?;
    let limit = call
        .query
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("limit=")))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(50)
        .clamp(1, 100);
    call.shared.read(|s| {
        let target = s.world.channels.get(&channel).filter(|c| !c.deleted);
        let target = target.ok_or_else(|| ApiError::unknown("Channel", 10003))?;
        let perms = s.world.channel_permissions(target.id, s.world.bot_user_id);
        if perms & VIEW_CHANNEL == 0 {
            return Err(ApiError::new(403, 50001, "Missing Access"));
        }
        // Without Read Message History Discord answers with an empty list, not an error.
        if perms & READ_MESSAGE_HISTORY == 0 {
            return Ok(Answer::Json(StatusCode::OK, Value::Array(Vec::new())));
        }
        let messages: Vec<Value> = s
            .world
            .channel_transcript(channel)
            .iter()
            .rev()
            .take(limit)
            .map(|m| payloads::message(&s.world, m))
            .collect();
        Ok(Answer::Json(StatusCode::OK, Value::Array(messages)))
    })
}

fn own_message(call: &Call<'_>, method: &Method, channel: u64, message: u64) -> RouteResult {
    let body = call.json();
    if *method == Method::PATCH {
        let mut errors = FormErrors::default();
        limits::check_message(&body, "", &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::form(&errors));
        }
    }
    call.shared.with(|s| {
        let exists = s
            .world
            .messages
            .get(&message)
            .is_some_and(|m| m.channel_id == channel && !m.deleted);
        if !exists {
            return Err(ApiError::unknown("Message", 10008));
        }
        match *method {
            Method::PATCH => apply_edit(s, message, &body, call.body.files.clone()),
            Method::DELETE => {
                if let Some(m) = s.world.messages.get_mut(&message) {
                    m.deleted = true;
                }
                return Ok(Answer::NoContent);
            }
            Method::GET => {}
            _ => return Err(ApiError::new(405, 0, "405: Method Not Allowed")),
        }
        let json = s
            .world
            .messages
            .get(&message)
            .map(|m| payloads::message(&s.world, m));
        Ok(Answer::Json(StatusCode::OK, json.unwrap_or(Value::Null)))
    })
}

/// `POST /users/@me/channels`: the DM channel with a user, created on first use.
pub(super) fn open_dm(call: Call<'_>) -> RouteResult {
    call.require_auth()?;
    call.admit(None)?;
    let recipient = call
        .json()
        .get("recipient_id")
        .and_then(|v| {
            v.as_str()
                .map(str::to_owned)
                .or_else(|| v.as_u64().map(|n| n.to_string()))
        })
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| ApiError::new(400, 50035, "Invalid Form Body"))?;
    call.shared.with(|s| {
        if !s.world.users.contains_key(&recipient) {
            return Err(ApiError::unknown("User", 10013));
        }
        let existing = s
            .world
            .channels
            .values()
            .find(|c| c.kind == ChannelKind::Dm && c.recipient == Some(recipient));
        let channel = match existing {
            Some(channel) => channel.clone(),
            None => {
                let id = s.world.next_id();
                let channel = Channel {
                    id,
                    guild_id: None,
                    name: String::new(),
                    kind: ChannelKind::Dm,
                    overwrites: vec![],
                    recipient: Some(recipient),
                    deleted: false,
                };
                s.world.channels.insert(id, channel.clone());
                channel
            }
        };
        Ok(Answer::Json(
            StatusCode::OK,
            json!(payloads::channel(&channel)),
        ))
    })
}
