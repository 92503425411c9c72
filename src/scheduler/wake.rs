//! How commands (and tests, through `SchedulerHandle::settle`) ask the scheduler for a round.
//! Requests are counted: a round serves every request made before it started, so a wake-up
//! left over from a request an earlier round already served runs no extra round, and a caller
//! can wait for the round that serves its own request.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Notify;

#[derive(Debug, Default)]
pub struct Wake {
    notify: Notify,
    requested: AtomicU64,
}

impl Wake {
    /// Asks for a round (a schedule, channel or calendar changed); returns the request's number.
    pub fn notify_one(&self) -> u64 {
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
}
