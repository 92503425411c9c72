//! Where "now" comes from. Production code never calls `Utc::now()` directly: it asks a [`Clock`],
//! so tests and the demo can run days of schedule in seconds with a [`ManualClock`].

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use tokio::sync::watch;

/// A source of wall-clock time that can also wait for a moment in that time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// Resolves once `now() >= deadline`. With the system clock this is a timer; with a manual
    /// clock it resolves when a test moves time past the deadline.
    fn sleep_until(&self, deadline: DateTime<Utc>) -> BoxFuture<'static, ()>;
}

pub type SharedClock = Arc<dyn Clock>;

/// Real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> BoxFuture<'static, ()> {
        let wait = (deadline - Utc::now()).to_std().unwrap_or(Duration::ZERO);
        Box::pin(tokio::time::sleep(wait))
    }
}

/// Real time shifted by a fixed offset: runs at normal speed from a chosen start. Used when the
/// real binary is started by a test that needs it to believe it is, say, 08:59:58 somewhere.
#[derive(Debug, Clone, Copy)]
pub struct OffsetClock {
    offset: chrono::Duration,
}

impl OffsetClock {
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            offset: start - Utc::now(),
        }
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> BoxFuture<'static, ()> {
        let wait = (deadline - self.now()).to_std().unwrap_or(Duration::ZERO);
        Box::pin(tokio::time::sleep(wait))
    }
}

/// Time that only moves when told to. Cloning shares the same time.
#[derive(Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
    changed: watch::Sender<DateTime<Utc>>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        let (changed, _) = watch::channel(start);
        Self {
            now: Arc::new(Mutex::new(start)),
            changed,
        }
    }

    /// Moves time to `to`. Moving backwards is allowed (tests of clock skew) but wakes nobody early.
    pub fn set(&self, to: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = to;
        self.changed.send_replace(to);
    }

    pub fn advance(&self, by: chrono::Duration) {
        let to = self.now() + by;
        self.set(to);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> BoxFuture<'static, ()> {
        let mut changes = self.changed.subscribe();
        Box::pin(async move {
            loop {
                if *changes.borrow_and_update() >= deadline {
                    return;
                }
                if changes.changed().await.is_err() {
                    // The clock is gone, so time can never reach the deadline: wait forever, like
                    // a timer that is never polled to completion.
                    std::future::pending::<()>().await;
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[tokio::test]
    async fn a_manual_sleep_ends_only_when_time_reaches_the_deadline() {
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
        let clock = ManualClock::new(start);
        let sleeper = tokio::spawn(clock.sleep_until(start + chrono::Duration::hours(1)));

        clock.advance(chrono::Duration::minutes(59));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished(), "59 minutes is not an hour");

        clock.advance(chrono::Duration::minutes(1));
        tokio::time::timeout(Duration::from_secs(2), sleeper)
            .await
            .expect("the sleep should end once the hour has passed")
            .unwrap();
    }
}
