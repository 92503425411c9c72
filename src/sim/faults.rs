//! Faults a test can ask for: the next N requests matching a method and path answer with an
//! error, a rate limit, a delay, or wait at a gate the test opens; or every n-th matching
//! request does, for a share of a fan-out.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::Method;
use tokio::sync::watch;

/// Where held requests wait until the test opens it: a test can act while a request is known
/// to be in flight (arrived, not yet answered) instead of guessing with a sleep.
#[derive(Clone)]
pub struct Gate(Arc<GateState>);

struct GateState {
    arrived: AtomicUsize,
    arrivals: watch::Sender<usize>,
    open: watch::Sender<bool>,
}

impl Default for Gate {
    fn default() -> Self {
        Self(Arc::new(GateState {
            arrived: AtomicUsize::new(0),
            arrivals: watch::channel(0).0,
            open: watch::channel(false).0,
        }))
    }
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Gate({} arrived)", self.0.arrived.load(Ordering::SeqCst))
    }
}

impl Gate {
    pub fn new() -> Self {
        Self::default()
    }

    /// Waits until `count` requests have reached the gate (or `limit` passes).
    pub async fn wait_arrived(&self, count: usize, limit: Duration) -> bool {
        let mut arrivals = self.0.arrivals.subscribe();
        tokio::time::timeout(limit, arrivals.wait_for(|n| *n >= count))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Lets every held request (and every later one) through.
    pub fn open(&self) {
        self.0.open.send_replace(true);
    }

    pub(crate) async fn pass(&self) {
        let arrived = self.0.arrived.fetch_add(1, Ordering::SeqCst) + 1;
        self.0.arrivals.send_replace(arrived);
        let mut open = self.0.open.subscribe();
        let _ = open.wait_for(|open| *open).await;
    }
}

#[derive(Debug, Clone)]
pub enum FaultKind {
    /// An HTTP error with a Discord JSON error code, e.g. 403 / 50013. `{path}` in the message
    /// is replaced by the request's path, as some proxies and gateways echo it in their errors.
    Error {
        status: u16,
        code: u32,
        message: String,
    },
    /// A 429 with `Retry-After`.
    RateLimited { retry_after: Duration, global: bool },
    /// Wait, then handle the request normally.
    Delay(Duration),
    /// Handle the request (the message is created), then wait before answering: the shape of a
    /// response lost in the network after Discord acted on it.
    DelayAfter(Duration),
    /// Wait at the gate until the test opens it, then answer as `then` says.
    Held { gate: Gate, then: Box<FaultKind> },
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub method: Option<Method>,
    /// Matches when the request path (after `/api/v10`) contains this text.
    pub path_contains: String,
    pub remaining: usize,
    pub kind: FaultKind,
    /// Applies to every `every`-th matching request only (1: each one); the others pass.
    pub every: usize,
    seen: usize,
}

impl Fault {
    pub fn new(
        method: Option<Method>,
        path_contains: impl Into<String>,
        times: usize,
        kind: FaultKind,
    ) -> Self {
        Self {
            method,
            path_contains: path_contains.into(),
            remaining: times,
            kind,
            every: 1,
            seen: 0,
        }
    }

    /// The fault hits only every `n`-th matching request (a share of a fan-out), up to its
    /// count of times.
    pub fn every(mut self, n: usize) -> Self {
        self.every = n.max(1);
        self
    }

    /// The next `times` posts to `channel` fail with `status`/`code`.
    pub fn post_error(channel: u64, times: usize, status: u16, code: u32, message: &str) -> Self {
        let kind = FaultKind::Error {
            status,
            code,
            message: message.to_owned(),
        };
        Self::new(
            Some(Method::POST),
            format!("/channels/{channel}/messages"),
            times,
            kind,
        )
    }

    pub fn matches(&self, method: &Method, path: &str) -> bool {
        self.remaining > 0
            && self.method.as_ref().is_none_or(|m| m == method)
            && path.contains(&self.path_contains)
    }

    /// Counts a matching request; true if the fault applies to it.
    pub(crate) fn hits(&mut self) -> bool {
        self.seen += 1;
        if self.seen.is_multiple_of(self.every) {
            self.remaining -= 1;
            true
        } else {
            false
        }
    }
}
