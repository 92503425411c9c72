//! The gateway's sessions, one per shard, and which of them each event goes to. Discord sends a
//! guild's events (GUILD_CREATE, channel changes, INTERACTION_CREATE...) only to the shard
//! `(guild_id >> 22) % total`, and everything without a guild (DMs, DM interactions) only to
//! shard 0. A connection that sends no `shard` in IDENTIFY is shard 0 of 1: it gets everything.

use std::collections::BTreeMap;

use serde_json::Value;
use tokio::sync::mpsc;

use super::state::Outgoing;

/// The shard a guild's events go to, by Discord's formula.
pub fn shard_of(guild_id: u64, total: u32) -> u32 {
    let total = u64::from(total.max(1));
    // The remainder is below `total`, which came from a u32.
    ((guild_id >> 22) % total) as u32
}

/// One identified shard: its live connection (if any), its session and the events sent in it.
pub(crate) struct Session {
    pub total: u32,
    pub connection: Option<(u64, mpsc::UnboundedSender<Outgoing>)>,
    pub session_id: String,
    pub seq: u64,
    /// Frames of this session, for RESUME to replay.
    pub backlog: Vec<(u64, String)>,
    /// Guilds whose GUILD_CREATE this session was sent, in order.
    pub guild_creates: Vec<u64>,
}

/// The gateway side: a session per shard, and counters over all of them.
#[derive(Default)]
pub(crate) struct GatewayHub {
    /// By shard id.
    pub sessions: BTreeMap<u32, Session>,
    pub next_connection: u64,
    pub identifies: u32,
    pub resumes: u32,
    pub heartbeats: u32,
    pub intents: Option<u64>,
    pub clean_closes: u32,
}

impl GatewayHub {
    /// Starts a fresh session for `shard` of `total` on `connection`; returns its id. Sessions of
    /// another total are ended: the bot has been resharded, as Discord would see it.
    pub fn identify(
        &mut self,
        shard: u32,
        total: u32,
        connection: (u64, mpsc::UnboundedSender<Outgoing>),
    ) -> String {
        self.identifies += 1;
        let session_id = format!("sim-session-{}", self.identifies);
        self.sessions.retain(|_, s| s.total == total);
        self.sessions.insert(
            shard,
            Session {
                total,
                connection: Some(connection),
                session_id: session_id.clone(),
                seq: 0,
                backlog: Vec::new(),
                guild_creates: Vec::new(),
            },
        );
        session_id
    }

    /// The session `session_id` names, and its shard.
    pub fn session_by_id(&mut self, session_id: &str) -> Option<(u32, &mut Session)> {
        self.sessions
            .iter_mut()
            .find(|(_, s)| s.session_id == session_id)
            .map(|(shard, s)| (*shard, s))
    }

    pub fn any_connected(&self) -> bool {
        self.sessions.values().any(|s| s.connection.is_some())
    }

    /// Forgets `connection` wherever it is live (it has ended).
    pub fn disconnected(&mut self, connection: u64) {
        for session in self.sessions.values_mut() {
            if session
                .connection
                .as_ref()
                .is_some_and(|(id, _)| *id == connection)
            {
                session.connection = None;
            }
        }
    }

    /// Sends `event` to the shards Discord would send it to. Returns the sequence number it
    /// got in the last of them (0 when no shard of the bot is identified: nobody gets it).
    pub fn route(&mut self, event: &str, data: &Value) -> u64 {
        let guild = guild_of(event, data);
        let mut seq = 0;
        for (shard, session) in &mut self.sessions {
            let target = match guild {
                Some(guild) => shard_of(guild, session.total) == *shard,
                None => *shard == 0,
            };
            if target {
                seq = session.send(event, data);
            }
        }
        seq
    }

    /// Sends `event` in `shard`'s session only (READY, RESUMED).
    pub fn send_to(&mut self, shard: u32, event: &str, data: &Value) -> u64 {
        self.sessions
            .get_mut(&shard)
            .map_or(0, |session| session.send(event, data))
    }
}

impl Session {
    fn send(&mut self, event: &str, data: &Value) -> u64 {
        self.seq += 1;
        let frame = serde_json::json!({"op": 0, "s": self.seq, "t": event, "d": data}).to_string();
        self.backlog.push((self.seq, frame.clone()));
        if event == "GUILD_CREATE" {
            if let Some(guild) = guild_of(event, data) {
                self.guild_creates.push(guild);
            }
        }
        if let Some((_, sink)) = &self.connection {
            // A closed connection simply misses it; RESUME replays the backlog.
            let _ = sink.send(Outgoing::Frame(frame));
        }
        self.seq
    }
}

/// The guild an event belongs to: its `guild_id`, or the guild itself for guild events.
fn guild_of(event: &str, data: &Value) -> Option<u64> {
    let field = if event.starts_with("GUILD_") && data.get("guild_id").is_none() {
        "id"
    } else {
        "guild_id"
    };
    data.get(field)
        .and_then(Value::as_str)
        .and_then(|id| id.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_shard_is_the_snowflake_timestamp_modulo_the_total() {
        assert_eq!(shard_of(0, 2), 0);
        assert_eq!(shard_of(1 << 22, 2), 1);
        assert_eq!(shard_of((5 << 22) | 4095, 4), 1);
        assert_eq!(shard_of(12345, 1), 0);
    }

    #[test]
    fn guild_events_go_to_their_shard_and_the_rest_to_shard_zero() {
        let mut hub = GatewayHub::default();
        let (sink, _frames) = mpsc::unbounded_channel();
        hub.identify(0, 2, (1, sink.clone()));
        hub.identify(1, 2, (2, sink));
        let on_one = 3 << 22;
        let on_zero = 4 << 22;
        hub.route("GUILD_CREATE", &json!({"id": on_one.to_string()}));
        hub.route(
            "INTERACTION_CREATE",
            &json!({"guild_id": on_zero.to_string()}),
        );
        hub.route("INTERACTION_CREATE", &json!({"user": {}}));

        let events = |shard: u32| -> Vec<String> {
            hub.sessions[&shard]
                .backlog
                .iter()
                .map(|(_, frame)| frame.clone())
                .collect()
        };
        assert_eq!(events(1).len(), 1);
        assert!(events(1)[0].contains("GUILD_CREATE"));
        assert_eq!(events(0).len(), 2, "the guild on shard 0 and the DM");
        assert_eq!(hub.sessions[&1].guild_creates, vec![on_one]);
    }
}
