//! The one gate for REST calls that count against Discord's global limit of 50 per second:
//! channel posts (nudges, invites, shared reflections), DMs, and the reads the bot makes. It
//! paces ahead of the limit (`outbound.max_requests_per_second`, burst 1) because serenity
//! does not, keeps each channel under its ~5 posts per 5 seconds, honours 429s by pausing
//! everyone rather than retrying in a storm, and retries 5xx and timeouts a bounded number of
//! times. Interaction responses do not pass here: Discord exempts them from the global limit.

use std::future::Future;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use poise::serenity_prelude as serenity;
use tokio::time::Instant;

use super::budget::Budget;
use crate::scheduler::PostError;

/// Attempts per call: the first plus bounded retries for 429, 5xx and timeouts.
const ATTEMPTS: u32 = 4;
/// A call that has not finished by then counts as a timeout.
const CALL_LIMIT: Duration = Duration::from_secs(30);
/// Discord allows about 5 posts per channel in any 5 seconds. Exactly one a second would sit on
/// that edge: a post delayed on its way (a busy machine, a slow network) arrives close behind
/// the next, and the sixth in a window is refused. A quarter-second margin keeps a window at four
/// or five posts even when arrivals bunch up.
const CHANNEL_SPACING: Duration = Duration::from_millis(1250);
/// Every this many channel posts, buckets of channels that have gone quiet are dropped, so the
/// map does not keep one entry for every channel and DM the bot ever wrote to.
const FORGET_IDLE_EVERY: u64 = 1024;

pub struct Pacer {
    /// Replaced when this process's share of the budget changes ([`Pacer::set_leading`]).
    global: RwLock<Arc<DefaultDirectRateLimiter>>,
    budget: Budget,
    channels: DefaultKeyedRateLimiter<u64>,
    /// Set by a 429: nobody sends before then.
    paused_until: Mutex<Option<Instant>>,
    channel_posts: AtomicU64,
}

impl Pacer {
    /// The whole of `max_requests_per_second` for this process.
    pub fn new(max_requests_per_second: u32) -> Self {
        Self::sharing(Budget::whole(max_requests_per_second))
    }

    /// A process's share when several serve the bot; it paces at the standby's share until it
    /// is told it leads ([`Pacer::set_leading`]), so a process that never learns stays under it.
    pub fn sharing(budget: Budget) -> Self {
        let one = NonZeroU32::MIN;
        let channel = Quota::with_period(CHANNEL_SPACING)
            .map_or(Quota::per_second(one), |q| q.allow_burst(one));
        Self {
            global: RwLock::new(Arc::new(global_limiter(budget.following))),
            budget,
            channels: RateLimiter::keyed(channel),
            paused_until: Mutex::new(None),
            channel_posts: AtomicU64::new(0),
        }
    }

    /// This process became (true) or stopped being (false) the leader: it paces its calls at
    /// its share of the budget from now on.
    pub fn set_leading(&self, leading: bool) {
        let per_second = if leading {
            self.budget.leading
        } else {
            self.budget.following
        };
        let limiter = Arc::new(global_limiter(per_second));
        *self.global.write().unwrap_or_else(|e| e.into_inner()) = limiter;
    }

    async fn wait_turn(&self, channel: Option<u64>) {
        let paused = *self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(until) = paused {
            tokio::time::sleep_until(until).await;
        }
        if let Some(channel) = channel {
            if self
                .channel_posts
                .fetch_add(1, Ordering::Relaxed)
                .is_multiple_of(FORGET_IDLE_EVERY)
            {
                self.channels.retain_recent();
            }
            self.channels.until_key_ready(&channel).await;
        }
        let global = Arc::clone(&self.global.read().unwrap_or_else(|e| e.into_inner()));
        global.until_ready().await;
    }

    fn pause_everyone(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut paused = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }

    /// Runs a REST call through the gate. `channel` is set for posts into a channel (its own
    /// bucket). `call` is invoked again for retries, so it must send the same request (for
    /// posts: the same nonce).
    pub async fn call<T, F, Fut>(&self, channel: Option<u64>, mut call: F) -> Result<T, PostError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, serenity::Error>>,
    {
        let mut last = PostError::Transient {
            code: None,
            detail: "not attempted".into(),
            retry_after: None,
        };
        for attempt in 0..ATTEMPTS {
            self.wait_turn(channel).await;
            let error = match tokio::time::timeout(CALL_LIMIT, call()).await {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(e)) => classify(&e),
                Err(_) => PostError::Transient {
                    code: None,
                    detail: "Discord did not answer in time".into(),
                    retry_after: None,
                },
            };
            if !matches!(error, PostError::Transient { .. }) {
                return Err(error);
            }
            if attempt + 1 < ATTEMPTS {
                // serenity does not expose Retry-After on an unsuccessful request, so back off
                // exponentially: 1, 2, 4 s. A 429 pauses every caller, not just this one.
                let backoff = Duration::from_secs(1 << attempt);
                match error {
                    PostError::Transient {
                        code: Some(429), ..
                    } => self.pause_everyone(backoff),
                    _ => tokio::time::sleep(backoff).await,
                }
            }
            last = error;
        }
        Err(last)
    }
}

/// One call at a time, `per_second` of them (clamped to 1..=50), no burst.
fn global_limiter(per_second: u32) -> DefaultDirectRateLimiter {
    let per_second = per_second.clamp(1, 50);
    let spacing = Duration::from_secs_f64(1.0 / f64::from(per_second));
    let one = NonZeroU32::MIN;
    let quota = Quota::with_period(spacing).map_or(Quota::per_second(one), |q| q.allow_burst(one));
    RateLimiter::direct(quota)
}

/// Maps serenity's error to what the caller acts on.
pub fn classify(error: &serenity::Error) -> PostError {
    use serenity::{Error, HttpError};
    match error {
        Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            let status = response.status_code.as_u16();
            let code = u32::try_from(response.error.code).unwrap_or(0);
            let message = response.error.message.clone();
            match (status, code) {
                (429, _) => PostError::Transient {
                    code: Some(429),
                    detail: "rate limited".into(),
                    retry_after: None,
                },
                (_, 10003) => PostError::DeadTarget {
                    code: 10003,
                    reason: "The channel no longer exists".into(),
                },
                (_, 50001) => PostError::DeadTarget {
                    code: 50001,
                    reason: "The bot can no longer see the channel".into(),
                },
                (_, 50013) => PostError::MissingPermissions,
                (_, 50007) => PostError::DmClosed,
                // Unknown Message: the message is already gone (a moderator deleted it). Final,
                // never retried; deleting it has nothing left to do.
                (_, 10008) => PostError::Rejected { code, message },
                // A 404 without Discord's code (a misrouted proxy) or a 401 (a token problem)
                // says nothing about the channel: try again later rather than stop cohorts.
                (404 | 401, _) => PostError::Transient {
                    code: Some(u32::from(status)),
                    detail: format!("Discord answered {status}"),
                    retry_after: None,
                },
                (500.., _) => PostError::Transient {
                    code: Some(u32::from(status)),
                    detail: format!("Discord answered {status}"),
                    retry_after: None,
                },
                _ => PostError::Rejected { code, message },
            }
        }
        Error::Http(HttpError::Request(_)) => PostError::Transient {
            code: None,
            detail: "could not reach Discord".into(),
            retry_after: None,
        },
        Error::Model(e) => PostError::Rejected {
            code: 0,
            message: e.to_string(),
        },
        other => PostError::Transient {
            code: None,
            detail: other.to_string(),
            retry_after: None,
        },
    }
}
