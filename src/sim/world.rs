//! The simulator's picture of Discord: users, guilds, roles, channels, messages, registered
//! commands and interactions. Plain data; the REST and gateway layers read and change it.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::permissions::{self, Overwrite, PermissionQuery};

pub const APPLICATION_ID: u64 = 1_100_000_000_000_000_001;
/// Snowflakes handed out by the simulator start here and only grow.
const FIRST_ID: u64 = 1_300_000_000_000_000_000;
/// Discord's snowflake layout: milliseconds since 2015 above bit 22, a counter below.
const TIMESTAMP_SHIFT: u32 = 22;
const COUNTER_MASK: u64 = (1 << 12) - 1;

#[derive(Debug, Clone)]
pub struct User {
    pub id: u64,
    pub name: String,
    pub bot: bool,
    /// Whether the user accepts DMs from the bot (Discord error 50007 when not).
    pub dms_open: bool,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub id: u64,
    pub name: String,
    pub permissions: u64,
    pub position: u32,
}

#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: u64,
    pub roles: Vec<u64>,
}

#[derive(Debug, Clone)]
pub struct Guild {
    pub id: u64,
    pub name: String,
    pub owner_id: u64,
    /// The first role is @everyone, whose id is the guild's id.
    pub roles: Vec<Role>,
    pub members: BTreeMap<u64, Member>,
    pub bot_present: bool,
    /// Guild-level command permission overrides: command name -> users allowed to see it even
    /// without its `default_member_permissions` (what an admin can set in Server Settings).
    pub command_overrides: HashMap<String, Vec<u64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    GuildText,
    Dm,
}

#[derive(Debug, Clone)]
pub struct Channel {
    pub id: u64,
    pub guild_id: Option<u64>,
    pub name: String,
    pub kind: ChannelKind,
    pub overwrites: Vec<Overwrite>,
    pub recipient: Option<u64>,
    pub deleted: bool,
}

#[derive(Debug, Clone)]
pub struct Attachment {
    pub filename: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct StoredMessage {
    pub id: u64,
    pub channel_id: u64,
    pub author_id: u64,
    pub content: String,
    pub embeds: Vec<Value>,
    pub components: Vec<Value>,
    pub attachments: Vec<Attachment>,
    pub flags: u64,
    pub nonce: Option<String>,
    /// For ephemeral messages: the only user who can see (and click) them.
    pub visible_to: Option<u64>,
    pub interaction_id: Option<u64>,
    pub deleted: bool,
    /// A deferred response not yet filled in ("Bot is thinking...").
    pub pending: bool,
    /// When it was posted, by the simulator's clock (its `timestamp`).
    pub created_at: DateTime<Utc>,
}

pub const EPHEMERAL: u64 = 1 << 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InteractionKind {
    Command = 2,
    Component = 3,
    Autocomplete = 4,
    ModalSubmit = 5,
}

#[derive(Debug, Clone)]
pub struct Ack {
    pub response_type: u8,
    pub data: Value,
    pub at: Instant,
}

#[derive(Debug, Clone)]
pub struct InteractionRecord {
    pub id: u64,
    pub token: String,
    pub kind: InteractionKind,
    pub user_id: u64,
    pub guild_id: Option<u64>,
    pub channel_id: u64,
    pub created: Instant,
    pub ack: Option<Ack>,
    /// The message created by a type 4 or 5 response.
    pub original_message: Option<u64>,
    /// For component interactions: the message whose button was clicked.
    pub source_message: Option<u64>,
    pub followups: Vec<u64>,
    /// Rejections the bot received for this interaction (10062, 40060, 50035...).
    pub rejections: Vec<u32>,
    /// When the bot last edited a message through this interaction's webhook.
    pub edited_at: Option<Instant>,
}

#[derive(Debug, Default)]
pub struct World {
    /// How many ids were handed out, and the timestamp of the last (see [`World::next_id`]).
    next_id: u64,
    millis: u64,
    pub users: BTreeMap<u64, User>,
    pub guilds: BTreeMap<u64, Guild>,
    pub channels: BTreeMap<u64, Channel>,
    pub messages: BTreeMap<u64, StoredMessage>,
    pub global_commands: Vec<Value>,
    pub guild_commands: BTreeMap<u64, Vec<Value>>,
    pub interactions: HashMap<u64, InteractionRecord>,
    /// Message ids per channel, oldest first, and interaction ids per token: under load (10,000
    /// channels, hundreds of interactions a second) a scan of every message or interaction on
    /// each call would make the simulator, not the bot, the bottleneck.
    channel_messages: HashMap<u64, Vec<u64>>,
    interaction_tokens: HashMap<String, u64>,
    pub bot_user_id: u64,
    pub owner_user_id: u64,
}

impl World {
    pub fn new() -> Self {
        let mut world = Self {
            next_id: 0,
            millis: FIRST_ID >> TIMESTAMP_SHIFT,
            ..Self::default()
        };
        world.bot_user_id = APPLICATION_ID;
        world.users.insert(
            APPLICATION_ID,
            User {
                id: APPLICATION_ID,
                name: "allybot".into(),
                bot: true,
                dms_open: false,
            },
        );
        world.owner_user_id = world.add_user("app-owner");
        world
    }

    /// A new snowflake, made like Discord's: a timestamp that moves on by an irregular 1 to 4
    /// ms per id, and a counter. The timestamp is what sharding reads (`(id >> 22) % total`), so
    /// guilds made one after another spread over the shards as real ones do; ids made from a
    /// plain counter would all sit on one shard.
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.millis += Self::step(self.next_id);
        (self.millis << TIMESTAMP_SHIFT) | (self.next_id & COUNTER_MASK)
    }

    /// The id [`World::next_id`] will hand out next.
    pub fn peek_next_id(&self) -> u64 {
        let n = self.next_id + 1;
        ((self.millis + Self::step(n)) << TIMESTAMP_SHIFT) | (n & COUNTER_MASK)
    }

    /// How far the clock moves for the `n`th id: 1 to 4 ms, scrambled (splitmix64's finaliser)
    /// so that the timestamps walk at random and any few ids in a row are as likely on one shard
    /// as on another. Never 0, so ids only grow.
    fn step(n: u64) -> u64 {
        let mut z = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        1 + ((z ^ (z >> 31)) >> 62)
    }

    pub fn add_user(&mut self, name: &str) -> u64 {
        let id = self.next_id();
        self.users.insert(
            id,
            User {
                id,
                name: name.to_owned(),
                bot: false,
                dms_open: true,
            },
        );
        id
    }

    pub fn guild_of_channel(&self, channel: u64) -> Option<&Guild> {
        self.channels
            .get(&channel)
            .and_then(|c| c.guild_id)
            .and_then(|g| self.guilds.get(&g))
    }

    fn role_table(guild: &Guild) -> Vec<(u64, u64)> {
        guild.roles.iter().map(|r| (r.id, r.permissions)).collect()
    }

    /// A member's guild-wide permissions (no channel overwrites).
    pub fn guild_permissions(&self, guild: &Guild, user: u64) -> u64 {
        let member_roles = guild
            .members
            .get(&user)
            .map(|m| m.roles.clone())
            .unwrap_or_default();
        let roles = Self::role_table(guild);
        permissions::base_permissions(&PermissionQuery {
            guild_id: guild.id,
            owner_id: guild.owner_id,
            user_id: user,
            roles: &roles,
            member_roles: &member_roles,
            overwrites: &[],
        })
    }

    /// A user's effective permissions in a channel; DMs allow the basics to both sides.
    pub fn channel_permissions(&self, channel: u64, user: u64) -> u64 {
        let Some(chan) = self.channels.get(&channel) else {
            return 0;
        };
        let Some(guild) = chan.guild_id.and_then(|g| self.guilds.get(&g)) else {
            return permissions::VIEW_CHANNEL
                | permissions::SEND_MESSAGES
                | permissions::EMBED_LINKS
                | permissions::ATTACH_FILES
                | permissions::READ_MESSAGE_HISTORY;
        };
        if !guild.members.contains_key(&user) && guild.owner_id != user {
            return 0;
        }
        let member_roles = guild
            .members
            .get(&user)
            .map(|m| m.roles.clone())
            .unwrap_or_default();
        let roles = Self::role_table(guild);
        permissions::channel_permissions(&PermissionQuery {
            guild_id: guild.id,
            owner_id: guild.owner_id,
            user_id: user,
            roles: &roles,
            member_roles: &member_roles,
            overwrites: &chan.overwrites,
        })
    }

    /// The registered definition of a top-level command, preferring the guild's registration.
    pub fn registered_command(&self, guild: Option<u64>, name: &str) -> Option<&Value> {
        let in_guild = guild
            .and_then(|g| self.guild_commands.get(&g))
            .into_iter()
            .flatten();
        in_guild
            .chain(self.global_commands.iter())
            .find(|command| command.get("name").and_then(Value::as_str) == Some(name))
    }

    /// Stores a new message (ids only grow, so a channel's list stays oldest first).
    pub fn insert_message(&mut self, message: StoredMessage) {
        self.channel_messages
            .entry(message.channel_id)
            .or_default()
            .push(message.id);
        self.messages.insert(message.id, message);
    }

    /// The messages of a channel that everybody sees, oldest first.
    pub fn channel_transcript(&self, channel: u64) -> Vec<&StoredMessage> {
        self.channel_messages
            .get(&channel)
            .into_iter()
            .flatten()
            .filter_map(|id| self.messages.get(id))
            .filter(|m| m.visible_to.is_none() && !m.deleted && !m.pending)
            .collect()
    }

    pub fn insert_interaction(&mut self, record: InteractionRecord) {
        self.interaction_tokens
            .insert(record.token.clone(), record.id);
        self.interactions.insert(record.id, record);
    }

    pub fn interaction_by_token(&self, token: &str) -> Option<&InteractionRecord> {
        self.interaction_tokens
            .get(token)
            .and_then(|id| self.interactions.get(id))
    }
}
