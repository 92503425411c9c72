//! Counts interaction handlers that are running, so shutdown can let them finish.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

#[derive(Clone, Default, Debug)]
pub struct InFlight {
    running: Arc<AtomicUsize>,
    idle: Arc<Notify>,
}

impl InFlight {
    pub fn enter(&self) {
        self.running.fetch_add(1, Ordering::SeqCst);
    }

    pub fn leave(&self) {
        let before = self
            .running
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if before == Ok(1) {
            self.idle.notify_waiters();
        }
    }

    pub fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }

    /// Waits until nothing is running, or `limit` passes. Returns whether it became idle.
    pub async fn wait_idle(&self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.idle.notified();
            if self.running() == 0 {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.running() == 0;
            }
        }
    }

    /// Runs `work`, counted as in flight.
    pub async fn track<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        self.enter();
        let result = work.await;
        self.leave();
        result
    }
}
