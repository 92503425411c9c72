//! Which process's scheduler runs rounds (issue 14). Every process runs a scheduler; the one
//! holding the `scheduler` row of `leader_leases` (`store::leader`) runs rounds, the others are
//! warm standbys that try for the row every third of a lease and take it once it has expired.
//! Taking it raises the epoch, which the outbox leases are fenced by: the former leader, if it
//! is only paused, cannot start another post.
//!
//! On SQLite one process holds the file lock, so it seizes the row at start-up. On PostgreSQL
//! a process that becomes the leader first ends the claim leases of every other owner (their
//! posts are recovered at once, as after a restart on SQLite: re-posted with the same nonce, or
//! looked for in the channel first), then runs the start-up recovery, then its rounds. A
//! standby that hears of a schedule change passes it to the leader by NOTIFY (`wake.rs`), and
//! the leader also looks every [`POLL`] in case a notification was lost.

use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::wake::Wake;
use super::{supervised, Outbound, Scheduler};

/// How long the leader's lease lasts unrenewed: a standby takes over this long after the
/// leader stops renewing it (a crash, a freeze, a lost database connection). Renewed every
/// third of it.
pub const LEADER_LEASE: Duration = Duration::from_secs(30);
/// Set only by tests that start the real binary: the leader's lease in whole seconds, so a
/// standby takes over within a test's patience.
pub const LEADER_LEASE_ENV: &str = "ALLYBOT_LEADER_LEASE_SECONDS";
/// On PostgreSQL the leader looks for work at least this often, whatever it was told.
pub const POLL: chrono::Duration = chrono::Duration::seconds(60);
/// How soon a lost listening connection is opened again.
const RELISTEN: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy)]
pub struct LeadershipSettings {
    /// This process holds the database alone (SQLite's file lock): it seizes leadership at
    /// start-up, and only it ever leads.
    pub exclusive: bool,
    pub lease: Duration,
}

impl Default for LeadershipSettings {
    fn default() -> Self {
        Self {
            exclusive: true,
            lease: LEADER_LEASE,
        }
    }
}

impl LeadershipSettings {
    /// The lease from [`LEADER_LEASE_ENV`] if set to a whole number of seconds from 1 to 3600.
    pub fn lease_from_env(env: &[(String, String)]) -> Duration {
        env.iter()
            .find(|(name, _)| name == LEADER_LEASE_ENV)
            .and_then(|(_, value)| value.parse::<u64>().ok())
            .filter(|seconds| (1..=3600).contains(seconds))
            .map_or(LEADER_LEASE, Duration::from_secs)
    }
}

impl<O: Outbound> Scheduler<O> {
    /// One claim or renewal of the lease. Keeps the lease owner's epoch (the fencing value its
    /// statements bind) and the outbound budget in step, and says the epoch on a change.
    pub(super) async fn take_turn(&self, first: bool) -> anyhow::Result<i64> {
        let now = self.clock.now();
        let lease = chrono::Duration::from_std(self.settings.leadership.lease)?;
        let epoch = if first && self.settings.leadership.exclusive {
            Some(self.store.seize_leadership(&self.owner, now, lease).await?)
        } else {
            self.store.claim_leadership(&self.owner, now, lease).await?
        };
        let epoch = epoch.unwrap_or(0);
        let before = self.owner.epoch();
        if epoch != before {
            self.owner.set_epoch(epoch);
            self.outbound.leading(epoch != 0);
            if epoch != 0 {
                tracing::info!(epoch, "this process leads the scheduler");
            } else {
                tracing::warn!(epoch = before, "this process no longer leads the scheduler");
            }
        } else if first && epoch == 0 {
            self.outbound.leading(false);
            tracing::info!("another process leads the scheduler; this one stands by");
        }
        Ok(epoch)
    }

    /// Renews the lease (or, standing by, tries for it) every third of a lease until `stop`;
    /// `epoch` hears every change. A leader that could not renew for a whole lease stops
    /// leading by itself: another process may lead by now, and this one must not claim.
    pub(super) async fn keep_leadership(
        &self,
        epoch: watch::Sender<i64>,
        mut stop: watch::Receiver<bool>,
    ) {
        let lease = self.settings.leadership.lease;
        let mut renewed = Instant::now();
        loop {
            tokio::select! {
                () = tokio::time::sleep(lease / 3) => {}
                _ = stop.changed() => return,
            }
            let now = match supervised(self.take_turn(false)).await {
                Ok(now) => {
                    renewed = Instant::now();
                    now
                }
                Err(failure) => {
                    failure.log("leadership renewal");
                    if !self.owner.leads() || renewed.elapsed() < lease {
                        continue;
                    }
                    tracing::warn!(
                        epoch = self.owner.epoch(),
                        "this process could not renew its lease on the scheduler; it no longer leads"
                    );
                    self.owner.set_epoch(0);
                    self.outbound.leading(false);
                    0
                }
            };
            epoch.send_if_modified(|known| std::mem::replace(known, now) != now);
        }
    }

    /// On PostgreSQL: passes this process's wake-up requests to the others, and theirs to this
    /// scheduler, until `stop`. Nothing on SQLite.
    pub(super) async fn bridge_wakes(&self, wake: &Wake, mut stop: watch::Receiver<bool>) {
        if self.store.backend() != crate::store::Backend::Postgres {
            return;
        }
        let me = self.owner.as_str();
        loop {
            let listening = match self.store.schedule_changes().await {
                Ok(changes) => changes,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for schedule changes; polling meanwhile");
                    None
                }
            };
            let Some(mut changes) = listening else {
                tokio::select! {
                    () = tokio::time::sleep(RELISTEN) => continue,
                    _ = stop.changed() => return,
                }
            };
            loop {
                tokio::select! {
                    heard = changes.next() => match heard {
                        Ok(from) if from != me => {
                            wake.notify_local();
                        }
                        Ok(_) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, "stopped hearing schedule changes; listening again");
                            tokio::select! {
                                () = tokio::time::sleep(RELISTEN) => break,
                                _ = stop.changed() => return,
                            }
                        }
                    },
                    () = wake.outgoing() => {
                        if let Err(e) = self.store.announce_schedule_change(me).await {
                            tracing::warn!(error = %e, "could not announce a schedule change; the leader will see it at its next poll");
                        }
                    }
                    _ = stop.changed() => return,
                }
            }
        }
    }
}
