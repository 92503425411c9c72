//! JSON in the shapes Discord sends. Field lists follow what serenity 0.12.5 requires (see
//! research/discord-protocol.md section 3); [`super::conformance`] checks every dispatch against
//! serenity's own model types, so a missing field fails loudly here instead of being dropped.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::permissions::OverwriteTarget;
use super::world::{
    Channel, ChannelKind, Guild, Member, Role, StoredMessage, User, World, APPLICATION_ID,
};

pub const TIMESTAMP: &str = "2026-01-01T00:00:00.000000+00:00";

pub fn user(user: &User) -> Value {
    json!({
        "id": user.id.to_string(),
        "username": user.name,
        "discriminator": "0",
        "global_name": user.name,
        "avatar": null,
        "bot": user.bot,
    })
}

pub fn role(role: &Role) -> Value {
    json!({
        "id": role.id.to_string(), "name": role.name, "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false, "icon": null, "unicode_emoji": null, "position": role.position,
        "permissions": role.permissions.to_string(), "managed": false, "mentionable": false, "flags": 0,
    })
}

pub fn member(world: &World, member: &Member, permissions: Option<u64>) -> Value {
    let user = world
        .users
        .get(&member.user_id)
        .map(user)
        .unwrap_or(Value::Null);
    let mut value = json!({
        "user": user,
        "roles": member.roles.iter().map(u64::to_string).collect::<Vec<_>>(),
        "joined_at": TIMESTAMP, "deaf": false, "mute": false, "flags": 0, "pending": false,
        "nick": null, "avatar": null,
    });
    if let Some(perms) = permissions {
        value["permissions"] = json!(perms.to_string());
    }
    value
}

pub fn channel(channel: &Channel) -> Value {
    match channel.kind {
        ChannelKind::GuildText => json!({
            "id": channel.id.to_string(), "type": 0,
            "guild_id": channel.guild_id.map(|g| g.to_string()),
            "name": channel.name, "position": 0, "nsfw": false, "parent_id": null, "topic": null,
            "last_message_id": null, "rate_limit_per_user": 0,
            "permission_overwrites": channel.overwrites.iter().map(|o| {
                let (id, kind) = match o.target {
                    OverwriteTarget::Role(id) => (id, 0),
                    OverwriteTarget::Member(id) => (id, 1),
                };
                json!({"id": id.to_string(), "type": kind, "allow": o.allow.to_string(), "deny": o.deny.to_string()})
            }).collect::<Vec<_>>(),
        }),
        ChannelKind::Dm => json!({
            "id": channel.id.to_string(), "type": 1, "last_message_id": null,
            "recipients": [{"id": channel.recipient.unwrap_or_default().to_string(), "username": "member", "discriminator": "0"}],
        }),
    }
}

/// Every guild's channels, found in one pass: IDENTIFY sends every guild's GUILD_CREATE, and
/// looking through all channels for each guild is quadratic (minutes at 10,000 guilds).
pub fn channels_by_guild(world: &World) -> HashMap<u64, Vec<&Channel>> {
    let mut by_guild: HashMap<u64, Vec<&Channel>> = HashMap::new();
    for c in world.channels.values() {
        if let Some(guild) = c.guild_id {
            by_guild.entry(guild).or_default().push(c);
        }
    }
    by_guild
}

/// GUILD_CREATE for `guild`, whose channels (deleted ones included) are `channels`.
pub fn guild_create_with(world: &World, guild: &Guild, channels: &[&Channel]) -> Value {
    let channels: Vec<Value> = channels
        .iter()
        .filter(|c| !c.deleted)
        .map(|c| channel(c))
        .collect();
    let bot_member = Member {
        user_id: world.bot_user_id,
        roles: vec![],
    };
    // Discord always includes the bot's own member object; other members need a privileged intent.
    let own = guild.members.get(&world.bot_user_id).unwrap_or(&bot_member);
    let members = vec![member(world, own, None)];
    json!({
        "id": guild.id.to_string(), "name": guild.name, "icon": null, "splash": null, "discovery_splash": null,
        "owner_id": guild.owner_id.to_string(), "afk_channel_id": null, "afk_timeout": 300,
        "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
        "roles": guild.roles.iter().map(role).collect::<Vec<_>>(),
        "emojis": [], "features": [], "mfa_level": 0, "application_id": null, "system_channel_id": null,
        "system_channel_flags": 0, "rules_channel_id": null, "vanity_url_code": null, "description": null,
        "banner": null, "premium_tier": 0, "preferred_locale": "en-US", "public_updates_channel_id": null,
        "nsfw_level": 0, "stickers": [], "premium_progress_bar_enabled": false, "joined_at": TIMESTAMP,
        "large": false, "unavailable": false, "member_count": guild.members.len(), "voice_states": [],
        "members": members, "channels": channels, "threads": [], "presences": [], "stage_instances": [],
        "guild_scheduled_events": [], "soundboard_sounds": [],
    })
}

/// `GET /guilds/{id}`: a guild without the gateway-only fields.
pub fn partial_guild(guild: &Guild) -> Value {
    json!({
        "id": guild.id.to_string(), "name": guild.name, "icon": null, "splash": null, "discovery_splash": null,
        "owner_id": guild.owner_id.to_string(), "afk_channel_id": null, "afk_timeout": 300,
        "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
        "roles": guild.roles.iter().map(role).collect::<Vec<_>>(), "emojis": [], "features": [],
        "mfa_level": 0, "application_id": null, "system_channel_id": null, "system_channel_flags": 0,
        "rules_channel_id": null, "vanity_url_code": null, "description": null, "banner": null,
        "premium_tier": 0, "preferred_locale": "en-US", "public_updates_channel_id": null, "nsfw_level": 0,
        "stickers": [], "premium_progress_bar_enabled": false,
    })
}

pub fn ready(world: &World, session_id: &str, gateway_url: &str) -> Value {
    let bot = world
        .users
        .get(&world.bot_user_id)
        .map(user)
        .unwrap_or(Value::Null);
    let guilds: Vec<Value> = world
        .guilds
        .values()
        .filter(|g| g.bot_present)
        .map(|g| json!({"id": g.id.to_string(), "unavailable": true}))
        .collect();
    json!({
        "v": 10, "user": bot, "guilds": guilds, "session_id": session_id,
        "resume_gateway_url": gateway_url, "shard": [0, 1],
        "application": {"id": APPLICATION_ID.to_string(), "flags": 0},
    })
}

pub fn message(world: &World, message: &StoredMessage) -> Value {
    let author = world
        .users
        .get(&message.author_id)
        .map(user)
        .unwrap_or(Value::Null);
    let attachments: Vec<Value> = message
        .attachments
        .iter()
        .enumerate()
        .map(|(i, a)| {
            json!({
                "id": (message.id + i as u64).to_string(), "filename": a.filename, "size": a.bytes.len(),
                "url": format!("https://cdn.invalid/{}/{}", message.id, a.filename),
                "proxy_url": format!("https://cdn.invalid/{}/{}", message.id, a.filename),
                "content_type": a.content_type,
            })
        })
        .collect();
    let timestamp = message
        .created_at
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, false);
    let mut value = json!({
        "id": message.id.to_string(), "channel_id": message.channel_id.to_string(), "author": author,
        "content": message.content, "timestamp": timestamp, "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": attachments,
        "embeds": message.embeds, "pinned": false, "type": if message.interaction_id.is_some() { 20 } else { 0 },
        "components": message.components, "flags": message.flags,
    });
    if let Some(nonce) = &message.nonce {
        value["nonce"] = json!(nonce);
    }
    if let Some(guild) = world.guild_of_channel(message.channel_id) {
        value["guild_id"] = json!(guild.id.to_string());
    }
    value
}

/// The envelope shared by every interaction type.
pub struct InteractionEnvelope<'a> {
    pub id: u64,
    pub token: &'a str,
    pub kind: u8,
    pub user_id: u64,
    pub guild_id: Option<u64>,
    pub channel_id: u64,
    pub data: Value,
    pub message: Option<Value>,
}

pub fn interaction(world: &World, envelope: InteractionEnvelope<'_>) -> Value {
    let channel_value = world
        .channels
        .get(&envelope.channel_id)
        .map(channel)
        .unwrap_or(Value::Null);
    let app_permissions = world.channel_permissions(envelope.channel_id, world.bot_user_id);
    let mut value = json!({
        "id": envelope.id.to_string(), "application_id": APPLICATION_ID.to_string(), "type": envelope.kind,
        "token": envelope.token, "version": 1, "channel_id": envelope.channel_id.to_string(),
        "channel": channel_value, "app_permissions": app_permissions.to_string(),
        "locale": "en-US", "entitlements": [], "attachment_size_limit": 10_485_760, "data": envelope.data,
    });
    match envelope.guild_id.and_then(|g| world.guilds.get(&g)) {
        Some(guild) => {
            let perms = world.channel_permissions(envelope.channel_id, envelope.user_id);
            let member_value = guild
                .members
                .get(&envelope.user_id)
                .cloned()
                .unwrap_or(Member {
                    user_id: envelope.user_id,
                    roles: vec![],
                });
            value["guild_id"] = json!(guild.id.to_string());
            value["guild_locale"] = json!("en-US");
            value["member"] = member(world, &member_value, Some(perms));
            value["context"] = json!(0);
            value["authorizing_integration_owners"] = json!({"0": guild.id.to_string()});
        }
        None => {
            value["user"] = world
                .users
                .get(&envelope.user_id)
                .map(user)
                .unwrap_or(Value::Null);
            value["context"] = json!(1);
        }
    }
    if let Some(message) = envelope.message {
        value["message"] = message;
    }
    value
}

pub fn application() -> Value {
    json!({
        "id": APPLICATION_ID.to_string(), "name": "allybot", "icon": null, "description": "",
        "bot_public": true, "bot_require_code_grant": false, "verify_key": "00",
        "owner": {"id": "1", "username": "app-owner", "discriminator": "0", "global_name": null, "avatar": null},
        "team": null, "flags": 0,
    })
}

/// Discord echoes registered commands back with ids and versions.
pub fn registered(mut command: Value, id: u64, guild: Option<u64>) -> Value {
    command["id"] = json!(id.to_string());
    command["application_id"] = json!(APPLICATION_ID.to_string());
    command["version"] = json!(id.to_string());
    command["type"] = command.get("type").cloned().unwrap_or(json!(1));
    if let Some(guild) = guild {
        command["guild_id"] = json!(guild.to_string());
    }
    command
}
