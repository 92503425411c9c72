//! Discord's rate limits as the simulator enforces them: 50 requests per second per bot across
//! REST (interaction callbacks and webhooks exempt), and about 5 messages per 5 seconds per
//! channel. Sliding windows, so a burst is refused the way Discord refuses it.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

pub const GLOBAL_LIMIT: usize = 50;
pub const GLOBAL_WINDOW: Duration = Duration::from_secs(1);
pub const CHANNEL_LIMIT: usize = 5;
pub const CHANNEL_WINDOW: Duration = Duration::from_secs(5);

/// A refusal: how long to wait and which limit it was.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limited {
    pub retry_after: Duration,
    pub global: bool,
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    global: VecDeque<Instant>,
    channels: HashMap<u64, VecDeque<Instant>>,
}

fn prune(window: &mut VecDeque<Instant>, now: Instant, length: Duration) {
    while window
        .front()
        .is_some_and(|t| now.duration_since(*t) >= length)
    {
        window.pop_front();
    }
}

fn retry_after(window: &VecDeque<Instant>, now: Instant, length: Duration) -> Duration {
    window.front().map_or(Duration::ZERO, |oldest| {
        length.saturating_sub(now.duration_since(*oldest))
    })
}

impl RateLimiter {
    /// Admits a request that counts against the global limit and, for message posts, against
    /// `channel`'s bucket; or says how long to wait. A refused request uses up nothing.
    pub fn admit(&mut self, now: Instant, channel: Option<u64>) -> Result<(), Limited> {
        prune(&mut self.global, now, GLOBAL_WINDOW);
        if self.global.len() >= GLOBAL_LIMIT {
            return Err(Limited {
                retry_after: retry_after(&self.global, now, GLOBAL_WINDOW),
                global: true,
            });
        }
        if let Some(channel) = channel {
            let window = self.channels.entry(channel).or_default();
            prune(window, now, CHANNEL_WINDOW);
            if window.len() >= CHANNEL_LIMIT {
                return Err(Limited {
                    retry_after: retry_after(window, now, CHANNEL_WINDOW),
                    global: false,
                });
            }
            window.push_back(now);
        }
        self.global.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_post_in_five_seconds_to_one_channel_is_refused() {
        let mut limiter = RateLimiter::default();
        let start = Instant::now();
        for i in 0..5 {
            limiter
                .admit(start + Duration::from_millis(i * 10), Some(7))
                .unwrap();
        }
        let refusal = limiter
            .admit(start + Duration::from_millis(100), Some(7))
            .unwrap_err();
        assert!(!refusal.global);
        assert!(refusal.retry_after > Duration::from_secs(4));
        limiter
            .admit(start + Duration::from_millis(100), Some(8))
            .expect("other channels are unaffected");
        limiter
            .admit(start + Duration::from_secs(5), Some(7))
            .expect("the window slides");
    }

    #[test]
    fn the_fifty_first_request_in_a_second_is_refused_globally() {
        let mut limiter = RateLimiter::default();
        let start = Instant::now();
        for i in 0..50 {
            limiter.admit(start, Some(i)).unwrap();
        }
        assert!(limiter.admit(start, Some(99)).unwrap_err().global);
    }
}
