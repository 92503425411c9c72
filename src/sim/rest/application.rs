//! Gateway discovery, the application's own info, and command registration.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{parse_id, Answer, ApiError, Call, RouteResult};
use crate::discord_limits::FormErrors;
use crate::sim::payloads;
use crate::sim::world::APPLICATION_ID;

/// Discord's per-scope cap on chat-input commands.
const COMMANDS_MAX: usize = 100;

pub(super) fn route(call: Call<'_>) -> RouteResult {
    match (call.method, call.segments.as_slice()) {
        (&Method::GET, ["gateway"]) => Ok(Answer::Json(
            StatusCode::OK,
            json!({"url": call.shared.gateway_url}),
        )),
        (&Method::GET, ["gateway", "bot"]) => {
            call.require_auth()?;
            Ok(Answer::Json(
                StatusCode::OK,
                json!({"url": call.shared.gateway_url, "shards": call.shared.options.recommended_shards.max(1),
                       "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}}),
            ))
        }
        (&Method::GET, ["oauth2", "applications", "@me"]) => {
            call.require_auth()?;
            Ok(Answer::Json(StatusCode::OK, payloads::application()))
        }
        (&Method::GET, ["users", "@me"]) => {
            call.require_auth()?;
            let me = call
                .shared
                .read(|s| s.world.users.get(&s.world.bot_user_id).map(payloads::user));
            Ok(Answer::Json(StatusCode::OK, me.unwrap_or(Value::Null)))
        }
        (&Method::POST, ["users", "@me", "channels"]) => super::channels::open_dm(call),
        (method, ["applications", app, "commands"]) => commands(&call, method, app, None),
        (method, ["applications", app, "guilds", guild, "commands"]) => {
            let guild = parse_id(guild)?;
            commands(&call, method, app, Some(guild))
        }
        _ => Err(ApiError::new(404, 0, "404: Not Found")),
    }
}

fn commands(call: &Call<'_>, method: &Method, app: &str, guild: Option<u64>) -> RouteResult {
    call.require_auth()?;
    call.admit(None)?;
    if parse_id(app)? != APPLICATION_ID {
        return Err(ApiError::new(403, 50001, "Missing Access"));
    }
    match *method {
        Method::GET => {
            let list = call.shared.read(|s| match guild {
                Some(g) => s.world.guild_commands.get(&g).cloned().unwrap_or_default(),
                None => s.world.global_commands.clone(),
            });
            Ok(Answer::Json(StatusCode::OK, Value::Array(list)))
        }
        Method::PUT => {
            let Some(Value::Array(list)) = call.body.json.clone() else {
                return Err(ApiError::new(400, 50035, "Invalid Form Body"));
            };
            validate_commands(&list)?;
            let registered = call.shared.with(|s| {
                let registered: Vec<Value> = list
                    .into_iter()
                    .map(|c| payloads::registered(c, s.world.next_id(), guild))
                    .collect();
                match guild {
                    Some(g) => {
                        s.world.guild_commands.insert(g, registered.clone());
                    }
                    None => s.world.global_commands = registered.clone(),
                }
                registered
            });
            Ok(Answer::Json(StatusCode::OK, Value::Array(registered)))
        }
        _ => Err(ApiError::new(405, 0, "405: Method Not Allowed")),
    }
}

/// Discord's rules for command definitions: names 1-32 lowercase, descriptions 1-100 characters
/// (an empty description is refused), at most 25 options, and at most 100 commands.
fn validate_commands(list: &[Value]) -> Result<(), ApiError> {
    let mut errors = FormErrors::default();
    if list.len() > COMMANDS_MAX {
        return Err(ApiError::new(
            400,
            30032,
            "Maximum number of application commands reached",
        ));
    }
    for (i, command) in list.iter().enumerate() {
        check_named(command, &format!("{i}"), &mut errors);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::form(&errors))
    }
}

fn check_named(item: &Value, path: &str, errors: &mut FormErrors) {
    let name = item.get("name").and_then(Value::as_str).unwrap_or_default();
    let name_ok = (1..=32).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    let description = item
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !name_ok || !(1..=100).contains(&description.chars().count()) {
        errors.add(
            format!("{path}.name"),
            "Names are 1-32 lowercase characters and descriptions 1-100 characters.",
        );
    }
    let options = item
        .get("options")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if options.len() > 25 {
        errors.add(format!("{path}.options"), "Must be 25 or fewer in length.");
    }
    for (j, option) in options.iter().enumerate() {
        check_named(option, &format!("{path}.options.{j}"), errors);
    }
}
