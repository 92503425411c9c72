//! The test-facing side of sharding: which shards the bot identified, which guilds each one was
//! given, guilds placed on a chosen shard, and the state a process that does not run shard 0
//! starts into (commands already registered by another process, DM channels).

use std::time::Duration;

use serde_json::Value;

use super::sessions::shard_of;
use super::state::SimState;
use super::world::{Channel, ChannelKind};
use super::{insert_guild, payloads, Simulator};

/// One shard the bot identified as, as the simulator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardSession {
    pub shard: u32,
    pub total: u32,
    pub connected: bool,
    /// Guilds whose GUILD_CREATE this shard was sent, in order.
    pub guild_creates: Vec<u64>,
}

impl Simulator {
    /// The shards the bot identified as, by shard id.
    pub fn shard_sessions(&self) -> Vec<ShardSession> {
        self.shared.read(sessions_of)
    }

    /// Waits until the shard sessions satisfy `ready`, or `timeout` passes. Returns whether they
    /// did.
    pub async fn wait_for_shards(
        &self,
        timeout: Duration,
        ready: impl Fn(&[ShardSession]) -> bool,
    ) -> bool {
        self.shared
            .wait_until(timeout, |s| ready(&sessions_of(s)))
            .await
    }

    /// Like [`Simulator::add_guild`], with an id that puts the guild on `shard` of `total`.
    pub fn add_guild_on_shard(&self, name: &str, owner: u64, shard: u32, total: u32) -> u64 {
        assert!(shard < total, "shard {shard} of {total} does not exist");
        self.shared.with(|s| {
            // Skip ids (as time passing at Discord would) until the next one lands on `shard`.
            while shard_of(s.world.peek_next_id(), total) != shard {
                s.world.next_id();
            }
            insert_guild(s, name, owner)
        })
    }

    /// The DM channel between the bot and `user` (opened now if it is not yet), for a test that
    /// acts in a DM before the bot has written there.
    pub fn dm_channel(&self, user: u64) -> u64 {
        self.shared.with(|s| {
            let existing = s
                .world
                .channels
                .values()
                .find(|c| c.kind == ChannelKind::Dm && c.recipient == Some(user))
                .map(|c| c.id);
            existing.unwrap_or_else(|| {
                let id = s.world.next_id();
                let channel = Channel {
                    id,
                    guild_id: None,
                    name: String::new(),
                    kind: ChannelKind::Dm,
                    overwrites: vec![],
                    recipient: Some(user),
                    deleted: false,
                };
                s.world.channels.insert(id, channel);
                id
            })
        })
    }

    /// Registers `commands` (as a `PUT .../commands` body would) without a request, as another
    /// process (the one running shard 0) did: for a test of a process that does not register.
    /// Globally, or in `guild` when given.
    pub fn install_commands(&self, guild: Option<u64>, commands: Vec<Value>) {
        self.shared.with(|s| {
            let registered: Vec<Value> = commands
                .into_iter()
                .map(|c| payloads::registered(c, s.world.next_id(), guild))
                .collect();
            match guild {
                Some(g) => {
                    s.world.guild_commands.insert(g, registered);
                }
                None => s.world.global_commands = registered,
            }
        });
    }
}

/// Read under the state's lock (so never through `Simulator::shard_sessions`, which takes it).
fn sessions_of(s: &SimState) -> Vec<ShardSession> {
    s.gateway
        .sessions
        .iter()
        .map(|(shard, session)| ShardSession {
            shard: *shard,
            total: session.total,
            connected: session.connection.is_some(),
            guild_creates: session.guild_creates.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::world::World;
    use super::*;

    #[test]
    fn ids_made_one_after_another_spread_over_the_shards_and_only_grow() {
        let mut world = World::new();
        let mut last = 0;
        for total in [2u32, 3, 4] {
            // Every id, and every other id (a guild, then its channel, then the next guild...).
            for stride in [1, 2] {
                let mut per_shard = vec![0u32; total as usize];
                for _ in 0..300 {
                    let mut id = 0;
                    for _ in 0..stride {
                        id = world.next_id();
                        assert!(id > last, "snowflakes only grow");
                        last = id;
                    }
                    per_shard[shard_of(id, total) as usize] += 1;
                }
                let fair = 300 / total;
                assert!(
                    per_shard.iter().all(|n| *n > fair / 2),
                    "{total} shards, every {stride}: {per_shard:?}"
                );
            }
        }
    }

    #[test]
    fn the_next_id_is_the_one_peeked_at() {
        let mut world = World::new();
        let peeked = world.peek_next_id();
        assert_eq!(world.next_id(), peeked);
    }
}
