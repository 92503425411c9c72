//! Counts interaction handlers that are running, so shutdown can let them finish. A handler is
//! counted by a guard: when it ends in any way (an answer, an error, a panic that unwinds its
//! task), the guard is dropped and the count goes down, so shutdown never waits for a handler
//! that is gone.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

#[derive(Clone, Default, Debug)]
pub struct InFlight {
    running: Arc<AtomicUsize>,
    idle: Arc<Notify>,
}

/// One running handler; dropping it ends the count.
#[must_use = "the handler counts as running only while the guard lives"]
#[derive(Debug)]
pub struct Running(InFlight);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.leave();
    }
}

impl InFlight {
    /// Counts a handler as running until the returned guard is dropped.
    pub fn guard(&self) -> Running {
        self.enter();
        Running(self.clone())
    }

    /// For poise's hooks, where the start and the end of a command are separate callbacks
    /// (`pre_command`, then `post_command` or `on_error`, which poise also calls for a panic it
    /// caught): every `enter` must be matched by one `leave`.
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

    /// Runs `work`, counted as in flight for as long as it runs, however it ends.
    pub async fn track<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        let _running = self.guard();
        work.await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_handler_that_panics_is_no_longer_counted_and_shutdown_does_not_wait_for_it() {
        let in_flight = InFlight::default();
        let handler = {
            let in_flight = in_flight.clone();
            tokio::spawn(async move {
                in_flight
                    .track(async {
                        tokio::task::yield_now().await;
                        panic!("a handler bug");
                    })
                    .await
            })
        };

        assert!(handler.await.unwrap_err().is_panic());
        assert_eq!(in_flight.running(), 0);
        assert!(
            in_flight.wait_idle(Duration::ZERO).await,
            "idle at once, not after the drain limit"
        );
    }

    #[tokio::test]
    async fn a_running_handler_is_waited_for_until_it_ends() {
        let in_flight = InFlight::default();
        let release = Arc::new(Notify::new());
        let handler = {
            let (in_flight, release) = (in_flight.clone(), release.clone());
            tokio::spawn(async move { in_flight.track(release.notified()).await })
        };
        while in_flight.running() == 0 {
            tokio::task::yield_now().await;
        }
        assert!(!in_flight.wait_idle(Duration::ZERO).await);

        release.notify_one();
        handler.await.unwrap();
        assert!(in_flight.wait_idle(Duration::ZERO).await);
    }
}
