//! The delivery loop: due practice days -> outbox claim -> post -> mark. It depends on a small
//! [`Outbound`] trait, not on serenity, and is started once per process by `app::start`, never
//! from a gateway `ready` (which fires again on every reconnect); a second loop on the same
//! database in one process is refused.
//!
//! Claims are rows with UNIQUE(cohort, date), so a second process, a restart or a double round
//! cannot post a day twice. Each claim carries a lease (`store::lease`): only its holder posts
//! and records it, and a claim that is not confirmed (a crash, an error mid-round) is taken over
//! by the recovery path once its lease has run out; after Discord may have forgotten the nonce,
//! the channel is searched before anything is posted again.
//!
//! The loop is supervised: a round that fails or panics is logged with its cause and the loop
//! goes on at the next tick; if the loop's task itself ends, [`SchedulerHandle::ended`] says so
//! and `allybot run` exits non-zero for the service manager to restart it.

mod checkins;
mod deliver;
pub mod leadership;
mod maintenance;
mod notices;
pub mod outbound;
pub mod planning;
mod plans;
mod reconcile;
mod registry;
mod shares;
pub mod summaries;
mod summary_post;
mod tick;
mod wake;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::SharedClock;
use crate::content::model::Curriculum;
use crate::store::{LeaseOwner, Store};

pub use leadership::{LeadershipSettings, LEADER_LEASE_ENV};
pub use outbound::{
    CheckinOut, NoticeOut, NudgeOut, Outbound, PlanActionOut, PlanOut, PostError, ShareOut,
    SummaryOut,
};
pub use registry::{running_schedulers, AlreadyRunning};
pub use wake::Wake;

/// The longest the loop sleeps without looking again (schedules can change meanwhile, and a
/// wake-up is cheap).
const MAX_SLEEP: chrono::Duration = chrono::Duration::hours(1);
/// How soon a round that failed (the database was busy, say) is tried again.
const RETRY_SOON: chrono::Duration = chrono::Duration::minutes(1);

#[derive(Debug, Clone, Copy)]
pub struct SchedulerSettings {
    /// `schedule.grace_hours`: a nudge later than this is skipped, not posted.
    pub grace: Duration,
    /// A nudge posted more than this after its due instant is marked late.
    pub late_after: Duration,
    /// Posts in flight at once; the outbound pacer sets the actual rate.
    pub concurrency: usize,
    /// `privacy.reflection_retention_days`: written texts older than this are deleted.
    pub retention: chrono::Duration,
    /// `privacy.min_group_size`: k for organisations that have not chosen their own.
    pub min_group_size: u32,
    /// Whether this process may be one of several, and the leader's lease.
    pub leadership: LeadershipSettings,
}

impl SchedulerSettings {
    pub fn new(grace_hours: u32, retention_days: u32, min_group_size: u32) -> Self {
        Self {
            grace: Duration::from_secs(u64::from(grace_hours) * 3600),
            late_after: Duration::from_secs(15 * 60),
            concurrency: 16,
            retention: chrono::Duration::days(i64::from(retention_days)),
            min_group_size,
            leadership: LeadershipSettings::default(),
        }
    }
}

pub struct Scheduler<O: Outbound> {
    pub(crate) store: Store,
    pub(crate) clock: SharedClock,
    pub(crate) curriculum: Arc<Curriculum>,
    pub(crate) outbound: Arc<O>,
    pub(crate) settings: SchedulerSettings,
    /// The lease holder this process writes into its claims.
    pub(crate) owner: LeaseOwner,
}

#[derive(Debug, Clone, Copy, Default)]
struct Progress {
    started: u64,
    finished: u64,
    /// Wake requests served: those made before the last finished round started.
    served: u64,
}

/// Controls a running scheduler.
pub struct SchedulerHandle {
    wake: Arc<Wake>,
    progress: watch::Receiver<Progress>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl<O: Outbound> Scheduler<O> {
    pub fn new(
        store: Store,
        clock: SharedClock,
        curriculum: Arc<Curriculum>,
        outbound: Arc<O>,
        settings: SchedulerSettings,
        owner: LeaseOwner,
    ) -> Self {
        Self {
            store,
            clock,
            curriculum,
            outbound,
            settings,
            owner,
        }
    }

    /// Starts the loop for the database `database` (its URL); `wake` is how commands ask for
    /// a round after a change. Refused if this process already runs one on that database.
    pub fn spawn(self, wake: Arc<Wake>, database: &str) -> Result<SchedulerHandle, AlreadyRunning> {
        let registration = registry::register(database)?;
        let (progress_tx, progress) = watch::channel(Progress::default());
        let (stop, stop_rx) = watch::channel(false);
        let loop_wake = Arc::clone(&wake);
        let task = tokio::spawn(async move {
            let _registration = registration; // unregisters when the loop ends or is aborted
            self.run(loop_wake, progress_tx, stop_rx).await;
        });
        Ok(SchedulerHandle {
            wake,
            progress,
            stop,
            task: Some(task),
        })
    }

    async fn run(
        self,
        wake: Arc<Wake>,
        progress: watch::Sender<Progress>,
        stop: watch::Receiver<bool>,
    ) {
        tracing::info!(lease_owner = %self.owner, "scheduler started");
        let first = match supervised(self.take_turn(true)).await {
            Ok(epoch) => epoch,
            Err(failure) => {
                failure.log("leadership");
                0
            }
        };
        let (epoch_tx, epoch) = watch::channel(first);
        // The lease is kept until the last round has finished, not only until the stop request:
        // a round finishing its posts after SIGTERM is still the leader's.
        let (rounds_done, rounds_ended) = watch::channel(false);
        let rounds = async {
            self.rounds(&wake, progress, stop.clone(), epoch).await;
            let _ = rounds_done.send(true);
        };
        // Three parts, one task: if any panics outside its supervised steps, the task ends and
        // `SchedulerHandle::ended` says so.
        tokio::join!(
            self.keep_leadership(epoch_tx, rounds_ended),
            self.bridge_wakes(&wake, stop.clone()),
            rounds,
        );
        if self.owner.leads() {
            // A standby takes over at once instead of when the lease would have run out.
            if let Err(e) = self.store.resign_leadership(&self.owner).await {
                tracing::warn!(error = %e, "could not hand the scheduler's lease back");
            }
        }
        tracing::info!("scheduler stopped");
    }

    /// Runs rounds while this process leads; stands by otherwise.
    async fn rounds(
        &self,
        wake: &Wake,
        progress: watch::Sender<Progress>,
        mut stop: watch::Receiver<bool>,
        mut epoch: watch::Receiver<i64>,
    ) {
        let mut led_in = 0;
        'rounds: loop {
            if *stop.borrow() {
                break;
            }
            let leading = self.owner.epoch();
            if leading == 0 {
                // Standing by until this process leads.
                tokio::select! {
                    changed = epoch.changed() => if changed.is_err() { break },
                    _ = stop.changed() => break,
                }
                continue;
            }
            if leading != led_in {
                led_in = leading;
                self.begin_leading().await;
            }
            let serving = wake.requested();
            progress.send_modify(|p| p.started += 1);
            let now = self.clock.now();
            let next = match supervised(self.tick(now)).await {
                Ok(next) => next,
                Err(failure) => {
                    failure.log("scheduler round");
                    now + RETRY_SOON
                }
            };
            progress.send_modify(|p| {
                p.finished += 1;
                p.served = serving;
            });
            let longest = if self.settings.leadership.exclusive {
                MAX_SLEEP
            } else {
                leadership::POLL
            };
            let next = next.min(now + longest);
            loop {
                tokio::select! {
                    () = self.clock.sleep_until(next) => break,
                    // A wake-up whose request this round already served is not a new request.
                    () = wake.notified() => if wake.requested() > serving { break },
                    // Leadership lost (or regained in another epoch): back to the top.
                    changed = epoch.changed() => match changed {
                        Err(_) => break 'rounds, // the leadership task ended: stopping
                        Ok(()) => if self.owner.epoch() != led_in { break },
                    },
                    _ = stop.changed() => break 'rounds,
                }
            }
        }
    }

    /// What a process does on becoming the leader, before its first round: on PostgreSQL, end
    /// the scheduler's claim leases of every other owner (on SQLite `app::start` ended them all,
    /// under the file lock); then recover what was left unfinished.
    async fn begin_leading(&self) {
        let now = self.clock.now();
        if !self.settings.leadership.exclusive {
            match self.store.end_former_leaders_leases(&self.owner, now).await {
                Ok(0) => {}
                Ok(count) => {
                    tracing::info!(count, "claims of the former leader will be recovered")
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not end the former leader's leases; they are recovered when they run out")
                }
            }
        }
        if let Err(failure) = supervised(self.reconcile(now)).await {
            failure.log("start-up recovery");
        }
    }
}

/// Why a supervised step did not finish.
enum StepFailure {
    Failed(anyhow::Error),
    Panicked(String),
}

impl StepFailure {
    fn log(&self, step: &str) {
        match self {
            StepFailure::Failed(e) => {
                tracing::error!(step, error.cause_chain = ?e, "scheduler step failed; trying again shortly")
            }
            StepFailure::Panicked(message) => {
                tracing::error!(step, panic = %message, "scheduler step panicked; trying again shortly")
            }
        }
    }
}

/// Runs one step of the loop, turning an error or a panic into a [`StepFailure`] so the loop
/// outlives it. Whatever the step had claimed stays claimed, with a lease: recovery takes it
/// over once the lease runs out.
async fn supervised<T>(
    step: impl std::future::Future<Output = anyhow::Result<T>>,
) -> Result<T, StepFailure> {
    match AssertUnwindSafe(step).catch_unwind().await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(StepFailure::Failed(e)),
        Err(panic) => Err(StepFailure::Panicked(panic_message(panic.as_ref()))),
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

impl SchedulerHandle {
    /// Asks for a round now (a schedule or channel changed).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Asks for a round and waits for the one that serves the request (it starts after this
    /// call): everything due at the clock's current time has then been handled, and no extra
    /// round is left running. Tests and the demo move a settable clock and then settle.
    pub async fn settle(&self) {
        let mut progress = self.progress.clone();
        let ticket = self.wake.notify_one();
        let _ = progress.wait_for(|p| p.served >= ticket).await;
    }

    /// Resolves if the loop's task ends without being asked to stop (a panic outside a round,
    /// which the loop cannot survive); the error says why. Pending while the loop runs.
    pub async fn ended(&mut self) -> anyhow::Result<()> {
        let Some(task) = self.task.as_mut() else {
            return std::future::pending().await;
        };
        let outcome = task.await;
        self.task = None;
        match outcome {
            Err(e) if e.is_panic() => Err(anyhow::anyhow!(
                "the scheduler stopped: it panicked ({})",
                panic_message(e.into_panic().as_ref())
            )),
            Err(e) => Err(anyhow::anyhow!("the scheduler stopped: {e}")),
            Ok(()) => Err(anyhow::anyhow!("the scheduler stopped unexpectedly")),
        }
    }

    /// Stops after the round in progress (its posts finish and are recorded).
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        let Some(task) = self.task.take() else {
            return;
        };
        if tokio::time::timeout(Duration::from_secs(60), task)
            .await
            .is_err()
        {
            tracing::warn!("the scheduler did not stop within a minute");
        }
    }
}

/// The nonce of a cohort's practice day: deterministic, so a retry after a crash is recognised
/// by Discord as the same message, and at most 25 characters.
pub fn nonce_for(cohort: i64, date: chrono::NaiveDate) -> String {
    format!(
        "a{}-{}",
        to_base36(cohort.unsigned_abs()),
        date.format("%Y%m%d")
    )
}

fn to_base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_deterministic_and_fit_discords_limit() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(nonce_for(35, date), "az-20261123");
        assert!(nonce_for(i64::MAX, date).len() <= 25);
        assert_ne!(nonce_for(1, date), nonce_for(2, date));
    }
}
