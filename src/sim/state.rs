//! The simulator's mutable state behind one lock, and the change signal tests wait on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::sync::watch;

use super::conformance;
use super::faults::Fault;
use super::ratelimit::RateLimiter;
use super::sessions::GatewayHub;
use super::world::World;

/// Knobs a test can turn.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Sent in HELLO. Large by default so short tests never heartbeat.
    pub heartbeat_interval: Duration,
    /// Discord's initial-response deadline.
    pub interaction_deadline: Duration,
    /// How long `enforce_nonce` remembers a nonce ("the past few minutes" in Discord's docs).
    pub nonce_window: Duration,
    pub enforce_rate_limits: bool,
    /// The shard count `GET /gateway/bot` recommends (what `start_autosharded` would run).
    pub recommended_shards: u32,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            heartbeat_interval: Duration::from_millis(41_250),
            interaction_deadline: Duration::from_secs(3),
            nonce_window: Duration::from_secs(300),
            enforce_rate_limits: true,
            recommended_shards: 1,
        }
    }
}

/// One REST call as the simulator received it. Headers are not kept: they carry the token.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub body: Option<Value>,
    pub files: Vec<String>,
    pub status: u16,
    pub at: Instant,
}

pub(crate) enum Outgoing {
    Frame(String),
    Close(u16),
}

#[derive(Default)]
pub(crate) struct SimState {
    pub world: World,
    pub requests: Vec<RecordedRequest>,
    pub faults: Vec<Fault>,
    pub limiter: RateLimiter,
    /// (channel, nonce) -> (message id, when).
    pub nonces: HashMap<(u64, String), (u64, Instant)>,
    pub gateway: GatewayHub,
    /// Payloads the simulator refused to dispatch because serenity could not parse them.
    pub violations: Vec<String>,
    /// What time it is at Discord, for message timestamps: real time unless a test sets it.
    pub clock: Option<WallClock>,
}

/// The time a test says it is at Discord (`Simulator::set_clock`).
pub(crate) type WallClock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

impl SimState {
    /// Now, at Discord: a new message's timestamp.
    pub fn wall_time(&self) -> DateTime<Utc> {
        self.clock.as_ref().map_or_else(Utc::now, |clock| clock())
    }
}

pub(crate) struct Shared {
    state: Mutex<SimState>,
    changed: watch::Sender<u64>,
    pub options: SimOptions,
    pub gateway_url: String,
}

impl Shared {
    pub fn new(options: SimOptions, gateway_url: String) -> Self {
        let state = SimState {
            world: World::new(),
            ..SimState::default()
        };
        Self {
            state: Mutex::new(state),
            changed: watch::channel(0).0,
            options,
            gateway_url,
        }
    }

    /// Runs `f` on the state and wakes everybody waiting for a change.
    pub fn with<R>(&self, f: impl FnOnce(&mut SimState) -> R) -> R {
        let result = f(&mut self.lock());
        self.changed.send_modify(|version| *version += 1);
        result
    }

    pub fn read<R>(&self, f: impl FnOnce(&SimState) -> R) -> R {
        f(&self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, SimState> {
        // A panic while holding the lock is a simulator bug; keep serving so the test reports it.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until `ready` holds for the state, or `timeout` passes. Returns whether it held.
    pub async fn wait_until(&self, timeout: Duration, ready: impl Fn(&SimState) -> bool) -> bool {
        let mut changes = self.changed.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if self.read(&ready) {
                return true;
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => continue,
                _ => return self.read(&ready),
            }
        }
    }
}

impl SimState {
    /// Sends one dispatch on the gateway (to the shard Discord would send it to), after checking
    /// serenity can parse it. Returns the sequence number, or the conformance problem (also kept
    /// in `violations`).
    pub fn dispatch(&mut self, event: &str, data: Value) -> Result<u64, String> {
        if let Err(problem) = conformance::check_dispatch(event, &data) {
            self.violations.push(problem.clone());
            return Err(problem);
        }
        Ok(self.gateway.route(event, &data))
    }

    /// Like [`SimState::dispatch`], to one shard's session only (READY, RESUMED).
    pub fn dispatch_to_shard(
        &mut self,
        shard: u32,
        event: &str,
        data: Value,
    ) -> Result<u64, String> {
        if let Err(problem) = conformance::check_dispatch(event, &data) {
            self.violations.push(problem.clone());
            return Err(problem);
        }
        Ok(self.gateway.send_to(shard, event, &data))
    }
}
