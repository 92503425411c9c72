//! How commands (and tests, through `SchedulerHandle::settle`) ask the scheduler for a round.
//! Requests are counted: a round serves every request made before it started, so a wake-up
//! left over from a request an earlier round already served runs no extra round, and a caller
//! can wait for the round that serves its own request.
//!
//! With several processes the round that matters may be another process's (the leader's): a
//! request is also handed to the scheduler's announcer, which tells the other processes
//! (`leadership.rs`), whose listeners ask their own scheduler with [`Wake::notify_local`].

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Notify;

#[derive(Debug, Default)]
pub struct Wake {
    notify: Notify,
    requested: AtomicU64,
    /// Requests to pass on to the other processes.
    outgoing: Notify,
}

impl Wake {
    /// Asks for a round (a schedule, channel or calendar changed), here and in the process that
    /// leads; returns the request's number.
    pub fn notify_one(&self) -> u64 {
        self.outgoing.notify_one();
        self.notify_local()
    }

    /// Asks this process's scheduler only (a request that came from another process).
    pub fn notify_local(&self) -> u64 {
        let ticket = self.requested.fetch_add(1, Ordering::SeqCst) + 1;
        self.notify.notify_one();
        ticket
    }

    /// Requests made so far.
    pub(super) fn requested(&self) -> u64 {
        self.requested.load(Ordering::SeqCst)
    }

    pub(super) async fn notified(&self) {
        self.notify.notified().await;
    }

    /// Resolves when a request should be passed on to the other processes.
    pub(super) async fn outgoing(&self) {
        self.outgoing.notified().await;
    }
}
