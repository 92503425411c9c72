//! How long write transactions waited before they held SQLite's write lock: from asking for a
//! connection to `BEGIN IMMEDIATE` returning. One writer at a time is SQLite's model, so this
//! is where interactions queue behind the scheduler (and each other) under load; the benchmarks
//! read it to report lock waits. A few relaxed atomic additions per transaction, no lock of its
//! own, so it costs nothing next to the transaction it measures.
//!
//! Single-statement writes outside a transaction wait inside SQLite's busy handler, where the
//! wait cannot be seen from here; they are not counted.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the histogram's buckets; the last bucket holds everything longer.
pub const WAIT_BUCKETS: [Duration; 4] = [
    Duration::from_millis(1),
    Duration::from_millis(10),
    Duration::from_millis(100),
    Duration::from_secs(1),
];

/// Counters shared by every clone of a [`Store`](super::Store).
#[derive(Debug, Default)]
pub(crate) struct WriteWaitCounters {
    count: AtomicU64,
    total_micros: AtomicU64,
    max_micros: AtomicU64,
    buckets: [AtomicU64; WAIT_BUCKETS.len() + 1],
}

/// A snapshot of the waits so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteWaits {
    /// Write transactions begun.
    pub count: u64,
    pub total: Duration,
    pub max: Duration,
    /// Transactions per bucket: under 1 ms, 1–10 ms, 10–100 ms, 100 ms–1 s, 1 s and over.
    pub buckets: [u64; WAIT_BUCKETS.len() + 1],
}

impl WriteWaitCounters {
    pub fn record(&self, wait: Duration) {
        let micros = u64::try_from(wait.as_micros()).unwrap_or(u64::MAX);
        let bucket = WAIT_BUCKETS
            .iter()
            .position(|bound| wait < *bound)
            .unwrap_or(WAIT_BUCKETS.len());
        self.count.fetch_add(1, Ordering::Relaxed);
        self.total_micros.fetch_add(micros, Ordering::Relaxed);
        self.max_micros.fetch_max(micros, Ordering::Relaxed);
        if let Some(counter) = self.buckets.get(bucket) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn snapshot(&self) -> WriteWaits {
        WriteWaits {
            count: self.count.load(Ordering::Relaxed),
            total: Duration::from_micros(self.total_micros.load(Ordering::Relaxed)),
            max: Duration::from_micros(self.max_micros.load(Ordering::Relaxed)),
            buckets: std::array::from_fn(|i| self.buckets[i].load(Ordering::Relaxed)),
        }
    }
}

impl WriteWaits {
    /// The waits between `earlier` and this snapshot.
    pub fn since(&self, earlier: &WriteWaits) -> WriteWaits {
        WriteWaits {
            count: self.count.saturating_sub(earlier.count),
            total: self.total.saturating_sub(earlier.total),
            // The maximum cannot be taken apart; it is the maximum since the store opened.
            max: self.max,
            buckets: std::array::from_fn(|i| self.buckets[i].saturating_sub(earlier.buckets[i])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_land_in_their_bucket_and_add_up() {
        let counters = WriteWaitCounters::default();
        counters.record(Duration::from_micros(200));
        counters.record(Duration::from_millis(5));
        counters.record(Duration::from_millis(5));
        counters.record(Duration::from_secs(2));
        let waits = counters.snapshot();
        assert_eq!(waits.count, 4);
        assert_eq!(waits.buckets, [1, 2, 0, 0, 1]);
        assert_eq!(waits.max, Duration::from_secs(2));
        assert_eq!(waits.total, Duration::from_micros(2_010_200));

        let before = waits;
        counters.record(Duration::from_millis(50));
        let since = counters.snapshot().since(&before);
        assert_eq!((since.count, since.buckets), (1, [0, 0, 1, 0, 0]));
    }
}
