//! Faults a test can ask for: the next N requests matching a method and path answer with an
//! error, a rate limit, a delay, or never answer at all.

use std::time::Duration;

use axum::http::Method;

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
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub method: Option<Method>,
    /// Matches when the request path (after `/api/v10`) contains this text.
    pub path_contains: String,
    pub remaining: usize,
    pub kind: FaultKind,
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
        }
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
}
