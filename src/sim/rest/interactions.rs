//! Interaction responses: the callback (3-second deadline, one acknowledgement), followups and
//! edits of the original response through the application's webhook (valid for 15 minutes).

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::Value;

use super::channels::{apply_edit, new_message};
use super::{parse_id, Answer, ApiError, Call, RouteResult};
use crate::discord_limits::{self as limits, FormErrors};
use crate::sim::payloads;
use crate::sim::state::SimState;
use crate::sim::world::{Ack, InteractionKind, APPLICATION_ID, EPHEMERAL};

const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

pub(super) fn route(call: Call<'_>) -> RouteResult {
    // Interaction endpoints do not count against the global rate limit.
    match (call.method, call.segments.as_slice()) {
        (&Method::POST, ["interactions", id, token, "callback"]) => {
            let id = parse_id(id)?;
            let token = (*token).to_owned();
            callback(&call, id, &token)
        }
        (&Method::POST, ["webhooks", app, token]) => {
            check_app(app)?;
            let token = (*token).to_owned();
            followup(&call, &token)
        }
        (method, ["webhooks", app, token, "messages", which]) => {
            check_app(app)?;
            let (token, which) = ((*token).to_owned(), (*which).to_owned());
            webhook_message(&call, method, &token, &which)
        }
        _ => Err(ApiError::new(404, 0, "404: Not Found")),
    }
}

fn check_app(app: &str) -> Result<(), ApiError> {
    if parse_id(app)? == APPLICATION_ID {
        Ok(())
    } else {
        Err(ApiError::new(404, 10015, "Unknown Webhook"))
    }
}

fn form_check(check: impl FnOnce(&mut FormErrors)) -> Result<(), ApiError> {
    let mut errors = FormErrors::default();
    check(&mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::form(&errors))
    }
}

fn callback(call: &Call<'_>, id: u64, token: &str) -> RouteResult {
    let body = call.json();
    let response_type = body.get("type").and_then(Value::as_u64).unwrap_or(0) as u8;
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    let deadline = call.shared.options.interaction_deadline;
    call.shared.with(|s| {
        let result = acknowledge(s, call, id, token, response_type, &data, deadline);
        if let Err(error) = &result {
            if let Some(record) = s.world.interactions.get_mut(&id) {
                record.rejections.push(error.code());
            }
        }
        result
    })
}

fn acknowledge(
    s: &mut SimState,
    call: &Call<'_>,
    id: u64,
    token: &str,
    response_type: u8,
    data: &Value,
    deadline: Duration,
) -> RouteResult {
    let record = s
        .world
        .interactions
        .get(&id)
        .filter(|r| r.token == token)
        .cloned();
    let Some(record) = record else {
        return Err(ApiError::unknown("interaction", 10062));
    };
    if call.now.duration_since(record.created) > deadline {
        return Err(ApiError::unknown("interaction", 10062));
    }
    if record.ack.is_some() {
        return Err(ApiError::new(
            400,
            40060,
            "Interaction has already been acknowledged.",
        ));
    }
    let from_component = record.source_message.is_some();
    let allowed = match response_type {
        4 | 5 => record.kind != InteractionKind::Autocomplete,
        6 | 7 => from_component,
        8 => record.kind == InteractionKind::Autocomplete,
        9 => matches!(
            record.kind,
            InteractionKind::Command | InteractionKind::Component
        ),
        _ => false,
    };
    if !allowed {
        return Err(ApiError::new(
            400,
            50035,
            "Interaction response type is not valid here",
        ));
    }
    let flags = data.get("flags").and_then(Value::as_u64).unwrap_or(0);
    let mut original = None;
    match response_type {
        4 => {
            form_check(|e| limits::check_message(data, "data", e))?;
            let visible_to = (flags & EPHEMERAL != 0).then_some(record.user_id);
            let message = new_message(
                s,
                record.channel_id,
                data,
                call.body.files.clone(),
                visible_to,
                Some(id),
            );
            original = Some(message);
        }
        5 => {
            let visible_to = (flags & EPHEMERAL != 0).then_some(record.user_id);
            let message = new_message(
                s,
                record.channel_id,
                &Value::Null,
                vec![],
                visible_to,
                Some(id),
            );
            if let Some(m) = s.world.messages.get_mut(&message) {
                m.pending = true;
                m.flags = flags;
            }
            original = Some(message);
        }
        7 => {
            form_check(|e| limits::check_message(data, "data", e))?;
            if let Some(source) = record.source_message {
                apply_edit(s, source, data, call.body.files.clone());
            }
        }
        8 => form_check(|e| limits::check_autocomplete(data, e))?,
        9 => form_check(|e| limits::check_modal(data, e))?,
        _ => {}
    }
    if let Some(r) = s.world.interactions.get_mut(&id) {
        r.ack = Some(Ack {
            response_type,
            data: data.clone(),
            at: Instant::now(),
        });
        r.original_message = original;
    }
    Ok(Answer::NoContent)
}

/// Finds the interaction behind a webhook token, checking it was acknowledged and is still valid.
fn usable_interaction(s: &SimState, token: &str, now: Instant) -> Result<u64, ApiError> {
    let record = s
        .world
        .interaction_by_token(token)
        .ok_or_else(|| ApiError::unknown("Webhook", 10015))?;
    if record.ack.is_none() {
        return Err(ApiError::unknown("Webhook", 10015));
    }
    if now.duration_since(record.created) > TOKEN_LIFETIME {
        return Err(ApiError::new(401, 50027, "Invalid Webhook Token"));
    }
    Ok(record.id)
}

fn followup(call: &Call<'_>, token: &str) -> RouteResult {
    let body = call.json();
    form_check(|e| limits::check_message(&body, "", e))?;
    call.shared.with(|s| {
        let id = usable_interaction(s, token, call.now)?;
        let record = s
            .world
            .interactions
            .get(&id)
            .cloned()
            .ok_or_else(|| ApiError::unknown("Webhook", 10015))?;
        // After a deferred response, the first followup fills in the "thinking..." message.
        let pending = record
            .original_message
            .filter(|m| s.world.messages.get(m).is_some_and(|m| m.pending));
        let message = match pending {
            Some(message) => {
                apply_edit(s, message, &body, call.body.files.clone());
                message
            }
            None => {
                let flags = body.get("flags").and_then(Value::as_u64).unwrap_or(0);
                let visible_to = (flags & EPHEMERAL != 0).then_some(record.user_id);
                let message = new_message(
                    s,
                    record.channel_id,
                    &body,
                    call.body.files.clone(),
                    visible_to,
                    Some(id),
                );
                if let Some(r) = s.world.interactions.get_mut(&id) {
                    r.followups.push(message);
                }
                message
            }
        };
        let json = s
            .world
            .messages
            .get(&message)
            .map(|m| payloads::message(&s.world, m));
        Ok(Answer::Json(StatusCode::OK, json.unwrap_or(Value::Null)))
    })
}

fn webhook_message(call: &Call<'_>, method: &Method, token: &str, which: &str) -> RouteResult {
    let body = call.json();
    if *method == Method::PATCH {
        form_check(|e| limits::check_message(&body, "", e))?;
    }
    call.shared.with(|s| {
        let id = usable_interaction(s, token, call.now)?;
        let record = s
            .world
            .interactions
            .get(&id)
            .cloned()
            .ok_or_else(|| ApiError::unknown("Webhook", 10015))?;
        let message = if which == "@original" {
            record.original_message.or(record.source_message)
        } else {
            parse_id(which)
                .ok()
                .filter(|m| record.followups.contains(m) || Some(*m) == record.original_message)
        };
        let Some(message) = message.filter(|m| s.world.messages.get(m).is_some_and(|m| !m.deleted))
        else {
            return Err(ApiError::unknown("Message", 10008));
        };
        match *method {
            Method::GET => {}
            Method::PATCH => {
                apply_edit(s, message, &body, call.body.files.clone());
                if let Some(r) = s.world.interactions.get_mut(&id) {
                    r.edited_at = Some(Instant::now());
                }
            }
            Method::DELETE => {
                if let Some(m) = s.world.messages.get_mut(&message) {
                    m.deleted = true;
                }
                return Ok(Answer::NoContent);
            }
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
