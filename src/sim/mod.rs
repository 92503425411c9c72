//! An in-repo Discord for tests and `allybot demo`: REST and gateway on one 127.0.0.1 port, and a
//! test-facing API to build guilds, act as users, read what the bot posted and inject faults.
//!
//! It knows nothing of allybot: it serves what serenity 0.12.5 and poise 0.7.1 call, enforces
//! Discord's documented limits (50035), the interaction deadline (10062) and single
//! acknowledgement (40060), rate limits (429 with Retry-After), and refuses to dispatch any
//! payload serenity's own models cannot parse.

mod conformance;
mod driver;
mod faults;
mod gateway;
mod payloads;
pub mod permissions;
mod ratelimit;
mod rest;
mod sessions;
mod shards;
mod state;
mod view;
mod world;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use serde_json::json;
use tokio::task::JoinHandle;

pub use conformance::check_dispatch;
pub use driver::{Actor, InteractionHandle, SimError};
pub use faults::{Fault, FaultKind, Gate};
pub use permissions::{Overwrite, OverwriteTarget};
pub use ratelimit::{CHANNEL_LIMIT, CHANNEL_WINDOW, GLOBAL_LIMIT};
pub use sessions::shard_of;
pub use shards::ShardSession;
pub use state::{RecordedRequest, SimOptions};
pub use view::{Button, Choice, ModalInput, ModalView, Reply, SimMessage};
pub use world::APPLICATION_ID;

use state::{Outgoing, Shared};
use world::{Channel, ChannelKind, Guild, Member, Role};

/// Counters of the gateway side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GatewayStats {
    pub connected: bool,
    pub identifies: u32,
    pub resumes: u32,
    pub heartbeats: u32,
    pub intents: Option<u64>,
    /// Connections the bot ended with a close frame (a clean shutdown).
    pub clean_closes: u32,
}

/// A running simulator. Dropping it stops the server.
pub struct Simulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: JoinHandle<()>,
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Simulator {
    pub async fn start(options: SimOptions) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(options, format!("ws://{addr}/gateway-ws")));
        let app = Router::new()
            .route("/gateway-ws", get(gateway::upgrade))
            .fallback(rest::handle)
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "simulator server stopped");
            }
        });
        Ok(Self {
            shared,
            addr,
            server,
        })
    }

    /// The URL to give the bot as `discord.proxy_url`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn bot_user_id(&self) -> u64 {
        self.shared.read(|s| s.world.bot_user_id)
    }

    pub fn add_user(&self, name: &str) -> u64 {
        self.shared.with(|s| s.world.add_user(name))
    }

    pub fn user_name(&self, user: u64) -> String {
        self.shared.read(|s| {
            s.world
                .users
                .get(&user)
                .map(|u| u.name.clone())
                .unwrap_or_default()
        })
    }

    /// A guild owned by `owner`, with the bot in it and @everyone at Discord's defaults.
    pub fn add_guild(&self, name: &str, owner: u64) -> u64 {
        self.shared.with(|s| insert_guild(s, name, owner))
    }

    pub fn add_role(&self, guild: u64, name: &str, permissions: u64) -> u64 {
        self.shared.with(|s| {
            let id = s.world.next_id();
            if let Some(g) = s.world.guilds.get_mut(&guild) {
                let position = g.roles.len() as u32;
                g.roles.push(Role {
                    id,
                    name: name.to_owned(),
                    permissions,
                    position,
                });
            }
            id
        })
    }

    /// Sets a role's permissions (e.g. to take Send Messages away from the bot).
    pub fn set_role_permissions(&self, guild: u64, role: u64, permissions: u64) {
        self.shared.with(|s| {
            if let Some(r) = s
                .world
                .guilds
                .get_mut(&guild)
                .and_then(|g| g.roles.iter_mut().find(|r| r.id == role))
            {
                r.permissions = permissions;
            }
        });
    }

    pub fn add_member(&self, guild: u64, user: u64, roles: &[u64]) {
        self.shared.with(|s| {
            if let Some(g) = s.world.guilds.get_mut(&guild) {
                g.members.insert(
                    user,
                    Member {
                        user_id: user,
                        roles: roles.to_vec(),
                    },
                );
            }
        });
    }

    pub fn add_text_channel(&self, guild: u64, name: &str) -> u64 {
        self.shared.with(|s| {
            let id = s.world.next_id();
            let channel = Channel {
                id,
                guild_id: Some(guild),
                name: name.to_owned(),
                kind: ChannelKind::GuildText,
                overwrites: vec![],
                recipient: None,
                deleted: false,
            };
            s.world.channels.insert(id, channel);
            id
        })
    }

    /// Sets (replacing any for the same target) a permission overwrite on a channel.
    pub fn set_overwrite(&self, channel: u64, overwrite: Overwrite) {
        self.shared.with(|s| {
            let Some(c) = s.world.channels.get_mut(&channel) else {
                return;
            };
            c.overwrites.retain(|o| o.target != overwrite.target);
            c.overwrites.push(overwrite);
            let update = payloads::channel(c);
            let _ = s.dispatch("CHANNEL_UPDATE", update);
        });
    }

    /// Deletes a channel, as an admin would in Discord.
    pub fn delete_channel(&self, channel: u64) {
        self.shared.with(|s| {
            let Some(c) = s.world.channels.get_mut(&channel) else {
                return;
            };
            c.deleted = true;
            let gone = payloads::channel(c);
            let _ = s.dispatch("CHANNEL_DELETE", gone);
        });
    }

    /// Kicks the bot out of a guild (GUILD_DELETE without `unavailable`).
    pub fn remove_bot_from_guild(&self, guild: u64) {
        self.shared.with(|s| {
            if let Some(g) = s.world.guilds.get_mut(&guild) {
                g.bot_present = false;
            }
            let _ = s.dispatch("GUILD_DELETE", json!({"id": guild.to_string()}));
        });
    }

    /// A guild outage (GUILD_DELETE with `unavailable: true`): the bot is still a member.
    pub fn guild_outage(&self, guild: u64) {
        self.shared.with(|s| {
            let _ = s.dispatch(
                "GUILD_DELETE",
                json!({"id": guild.to_string(), "unavailable": true}),
            );
        });
    }

    /// Whether `user` accepts DMs from the bot.
    pub fn set_dms_open(&self, user: u64, open: bool) {
        self.shared.with(|s| {
            if let Some(u) = s.world.users.get_mut(&user) {
                u.dms_open = open;
            }
        });
    }

    /// Shows `command` to `user` although they lack its default permissions, as a guild's
    /// per-command override in Server Settings would.
    pub fn expose_command_to(&self, guild: u64, command: &str, user: u64) {
        self.shared.with(|s| {
            if let Some(g) = s.world.guilds.get_mut(&guild) {
                g.command_overrides
                    .entry(command.to_owned())
                    .or_default()
                    .push(user);
            }
        });
    }

    /// Messages everybody sees in a channel, oldest first.
    pub fn channel_messages(&self, channel: u64) -> Vec<SimMessage> {
        self.shared.read(|s| {
            s.world
                .channel_transcript(channel)
                .into_iter()
                .map(SimMessage::from_stored)
                .collect()
        })
    }

    /// Messages the bot sent `user` by DM, oldest first.
    pub fn dm_messages(&self, user: u64) -> Vec<SimMessage> {
        self.shared.read(|s| {
            let dm = s
                .world
                .channels
                .values()
                .find(|c| c.kind == ChannelKind::Dm && c.recipient == Some(user));
            dm.map(|c| {
                s.world
                    .channel_transcript(c.id)
                    .into_iter()
                    .map(SimMessage::from_stored)
                    .collect()
            })
            .unwrap_or_default()
        })
    }

    /// A moderator deletes a message (the bot's or anyone's): it is gone from the channel, and
    /// the bot's own delete then answers 404 / 10008 Unknown Message, as Discord does.
    pub fn delete_message(&self, message: u64) {
        self.shared.with(|s| {
            if let Some(m) = s.world.messages.get_mut(&message) {
                m.deleted = true;
            }
        });
    }

    /// Someone other than the bot (a person, a webhook, another bot) posts `embeds` in
    /// `channel`; returns the message id.
    pub fn post_as(&self, author: u64, channel: u64, embeds: Vec<serde_json::Value>) -> u64 {
        self.shared.with(|s| {
            let body = json!({ "embeds": embeds });
            let id = rest::new_message(s, channel, &body, Vec::new(), None, None);
            if let Some(m) = s.world.messages.get_mut(&id) {
                m.author_id = author;
            }
            id
        })
    }

    /// Sets the time at Discord, which new messages carry as their `timestamp` (real time until
    /// a test sets it; tests give it the bot's settable clock).
    pub fn set_clock(
        &self,
        now: impl Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync + 'static,
    ) {
        self.shared.with(|s| s.clock = Some(Arc::new(now)));
    }

    pub fn message(&self, id: u64) -> Option<SimMessage> {
        self.shared
            .read(|s| s.world.messages.get(&id).map(SimMessage::from_stored))
    }

    /// Waits until `channels` together hold at least `count` messages; returns how many they
    /// hold.
    pub async fn wait_for_messages_in(
        &self,
        channels: &[u64],
        count: usize,
        timeout: Duration,
    ) -> usize {
        let held = |s: &state::SimState| -> usize {
            channels
                .iter()
                .map(|channel| s.world.channel_transcript(*channel).len())
                .sum()
        };
        self.shared.wait_until(timeout, |s| held(s) >= count).await;
        self.shared.read(held)
    }

    /// Waits until `channel` holds at least `count` messages; returns them all.
    pub async fn wait_for_channel_messages(
        &self,
        channel: u64,
        count: usize,
        timeout: Duration,
    ) -> Vec<SimMessage> {
        self.shared
            .wait_until(timeout, |s| {
                s.world.channel_transcript(channel).len() >= count
            })
            .await;
        self.channel_messages(channel)
    }

    pub async fn wait_for_dms(
        &self,
        user: u64,
        count: usize,
        timeout: Duration,
    ) -> Vec<SimMessage> {
        self.shared
            .wait_until(timeout, |s| {
                s.world
                    .channels
                    .values()
                    .filter(|c| c.kind == ChannelKind::Dm && c.recipient == Some(user))
                    .map(|c| s.world.channel_transcript(c.id).len())
                    .sum::<usize>()
                    >= count
            })
            .await;
        self.dm_messages(user)
    }

    /// Waits until message `id` (as it is now, edits included) satisfies `ready`, or `timeout`
    /// passes; returns it as it is then.
    pub async fn wait_for_message(
        &self,
        id: u64,
        timeout: Duration,
        ready: impl Fn(&SimMessage) -> bool,
    ) -> Option<SimMessage> {
        self.shared
            .wait_until(timeout, |s| {
                s.world
                    .messages
                    .get(&id)
                    .is_some_and(|m| ready(&SimMessage::from_stored(m)))
            })
            .await;
        self.message(id)
    }

    /// Every REST call so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.read(|s| s.requests.clone())
    }

    /// The REST calls so far that match `matches`, oldest first. Copies only those: under load
    /// the full list holds hundreds of thousands of calls.
    pub fn requests_matching(
        &self,
        matches: impl Fn(&RecordedRequest) -> bool,
    ) -> Vec<RecordedRequest> {
        self.shared
            .read(|s| s.requests.iter().filter(|r| matches(r)).cloned().collect())
    }

    /// How many REST calls so far match `matches`, without copying any (for polling).
    pub fn count_requests(&self, matches: impl Fn(&RecordedRequest) -> bool) -> usize {
        self.shared
            .read(|s| s.requests.iter().filter(|r| matches(r)).count())
    }

    /// Waits for a REST call matching `matches`; returns it.
    pub async fn wait_for_request(
        &self,
        timeout: Duration,
        matches: impl Fn(&RecordedRequest) -> bool,
    ) -> Option<RecordedRequest> {
        self.shared
            .wait_until(timeout, |s| s.requests.iter().any(&matches))
            .await;
        self.shared
            .read(|s| s.requests.iter().find(|r| matches(r)).cloned())
    }

    /// Forgets every nonce, as Discord does after "a few minutes": a re-post with an old nonce
    /// then creates a second message. Tests use it to model a restart long after a crash.
    pub fn forget_nonces(&self) {
        self.shared.with(|s| s.nonces.clear());
    }

    pub fn inject(&self, fault: Fault) {
        self.shared.with(|s| s.faults.push(fault));
    }

    /// Ends every injected fault: Discord has recovered.
    pub fn clear_faults(&self) {
        self.shared.with(|s| s.faults.clear());
    }

    /// Closes the bot's gateway connections (every shard's) with `code` (4000 invites a RESUME).
    pub fn drop_gateway(&self, code: u16) {
        self.shared.with(|s| {
            for session in s.gateway.sessions.values_mut() {
                if let Some((_, sink)) = session.connection.take() {
                    let _ = sink.send(Outgoing::Close(code));
                }
            }
        });
    }

    pub fn gateway_stats(&self) -> GatewayStats {
        self.shared.read(gateway_stats_of)
    }

    /// Payloads the simulator refused to send because serenity could not parse them.
    pub fn violations(&self) -> Vec<String> {
        self.shared.read(|s| s.violations.clone())
    }

    /// Waits until the bot is connected and has registered its commands.
    pub async fn wait_until_ready(&self, timeout: Duration) -> bool {
        self.shared
            .wait_until(timeout, |s| {
                s.gateway.any_connected()
                    && (!s.world.global_commands.is_empty() || !s.world.guild_commands.is_empty())
            })
            .await
    }

    pub async fn wait_for_gateway(
        &self,
        timeout: Duration,
        ready: impl Fn(GatewayStats) -> bool,
    ) -> bool {
        self.shared
            .wait_until(timeout, |s| ready(gateway_stats_of(s)))
            .await
    }

    /// The commands registered globally, or in `guild` when given.
    pub fn registered_commands(&self, guild: Option<u64>) -> Vec<serde_json::Value> {
        self.shared.read(|s| match guild {
            Some(g) => s.world.guild_commands.get(&g).cloned().unwrap_or_default(),
            None => s.world.global_commands.clone(),
        })
    }
}

/// A guild owned by `owner`, with the bot in it and @everyone at Discord's defaults; its id.
fn insert_guild(s: &mut state::SimState, name: &str, owner: u64) -> u64 {
    let id = s.world.next_id();
    let everyone = Role {
        id,
        name: "@everyone".into(),
        permissions: permissions::EVERYONE_DEFAULT,
        position: 0,
    };
    let mut guild = Guild {
        id,
        name: name.to_owned(),
        owner_id: owner,
        roles: vec![everyone],
        members: Default::default(),
        bot_present: true,
        command_overrides: Default::default(),
    };
    guild.members.insert(
        owner,
        Member {
            user_id: owner,
            roles: vec![],
        },
    );
    let bot = s.world.bot_user_id;
    guild.members.insert(
        bot,
        Member {
            user_id: bot,
            roles: vec![],
        },
    );
    s.world.guilds.insert(id, guild);
    if let Some(g) = s.world.guilds.get(&id) {
        // A guild just made has no channels yet: no need to look through them all.
        let create = payloads::guild_create_with(&s.world, g, &[]);
        let _ = s.dispatch("GUILD_CREATE", create);
    }
    id
}

fn gateway_stats_of(s: &state::SimState) -> GatewayStats {
    GatewayStats {
        connected: s.gateway.any_connected(),
        identifies: s.gateway.identifies,
        resumes: s.gateway.resumes,
        heartbeats: s.gateway.heartbeats,
        intents: s.gateway.intents,
        clean_closes: s.gateway.clean_closes,
    }
}
