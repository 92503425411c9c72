//! Guild reads the bot needs to work out its own permissions in a channel.

use axum::http::{Method, StatusCode};
use serde_json::Value;

use super::{parse_id, Answer, ApiError, Call, RouteResult};
use crate::sim::payloads;
use crate::sim::world::Member;

pub(super) fn route(call: Call<'_>) -> RouteResult {
    call.require_auth()?;
    call.admit(None)?;
    let (guild, rest) = match call.segments.as_slice() {
        ["guilds", guild, rest @ ..] => (parse_id(guild)?, rest.to_vec()),
        _ => return Err(ApiError::new(404, 0, "404: Not Found")),
    };
    if *call.method != Method::GET {
        return Err(ApiError::new(405, 0, "405: Method Not Allowed"));
    }
    call.shared.read(|s| {
        let g = s.world.guilds.get(&guild).filter(|g| g.bot_present);
        let g = g.ok_or_else(|| ApiError::unknown("Guild", 10004))?;
        let body = match rest.as_slice() {
            [] => payloads::partial_guild(g),
            ["roles"] => Value::Array(g.roles.iter().map(payloads::role).collect()),
            ["channels"] => Value::Array(
                s.world
                    .channels
                    .values()
                    .filter(|c| c.guild_id == Some(guild) && !c.deleted)
                    .map(payloads::channel)
                    .collect(),
            ),
            ["members", user] => {
                let user = parse_id(user)?;
                let bot_member = Member {
                    user_id: s.world.bot_user_id,
                    roles: vec![],
                };
                let member = g
                    .members
                    .get(&user)
                    .or((user == s.world.bot_user_id).then_some(&bot_member))
                    .ok_or_else(|| ApiError::unknown("Member", 10007))?;
                let mut value = payloads::member(&s.world, member, None);
                value["guild_id"] = Value::String(guild.to_string());
                value
            }
            _ => return Err(ApiError::new(404, 0, "404: Not Found")),
        };
        Ok(Answer::Json(StatusCode::OK, body))
    })
}
