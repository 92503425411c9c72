//! Discord's REST API as the simulator serves it: one handler that parses the body (JSON or
//! multipart), applies injected faults and rate limits, routes on the path, and records the call.

mod application;
mod channels;
mod guilds;
mod interactions;

pub(crate) use channels::new_message;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::faults::FaultKind;
use super::state::{RecordedRequest, Shared};
use super::world::Attachment;
use crate::discord_limits::FormErrors;

/// A request body: the JSON (or multipart `payload_json`) and any attached files.
#[derive(Debug, Default)]
pub(crate) struct Body_ {
    pub json: Option<Value>,
    pub files: Vec<Attachment>,
}

/// What a route answers.
pub(crate) enum Answer {
    Json(StatusCode, Value),
    NoContent,
}

/// An error in Discord's shape: `{"code": N, "message": "..."}` (plus `errors` for 50035).
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub body: Value,
    pub retry_after: Option<(Duration, bool)>,
}

impl ApiError {
    pub fn new(status: u16, code: u32, message: &str) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            body: json!({"code": code, "message": message}),
            retry_after: None,
        }
    }

    pub fn form(errors: &FormErrors) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            body: errors.to_body(),
            retry_after: None,
        }
    }

    pub fn rate_limited(retry_after: Duration, global: bool) -> Self {
        let seconds = retry_after.as_secs_f64().max(0.001);
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            body: json!({"message": "You are being rate limited.", "retry_after": seconds, "global": global, "code": 0}),
            retry_after: Some((retry_after, global)),
        }
    }

    pub fn unknown(what: &str, code: u32) -> Self {
        Self::new(404, code, &format!("Unknown {what}"))
    }

    pub fn code(&self) -> u32 {
        self.body.get("code").and_then(Value::as_u64).unwrap_or(0) as u32
    }
}

pub(crate) type RouteResult = Result<Answer, ApiError>;

/// The context a route needs.
pub(crate) struct Call<'a> {
    pub shared: &'a Shared,
    pub method: &'a Method,
    pub segments: Vec<&'a str>,
    pub query: Option<&'a str>,
    pub body: Body_,
    pub authorized: bool,
    pub now: Instant,
}

impl Call<'_> {
    pub fn json(&self) -> Value {
        self.body.json.clone().unwrap_or(Value::Null)
    }

    pub fn require_auth(&self) -> Result<(), ApiError> {
        if self.authorized {
            Ok(())
        } else {
            Err(ApiError::new(401, 0, "401: Unauthorized"))
        }
    }

    /// Counts the call against the global limit (and a channel's message bucket).
    pub fn admit(&self, channel: Option<u64>) -> Result<(), ApiError> {
        if !self.shared.options.enforce_rate_limits {
            return Ok(());
        }
        self.shared
            .with(|s| s.limiter.admit(self.now, channel))
            .map_err(|limited| ApiError::rate_limited(limited.retry_after, limited.global))
    }
}

pub(crate) fn parse_id(segment: &str) -> Result<u64, ApiError> {
    segment
        .parse()
        .map_err(|_| ApiError::new(404, 0, "404: Not Found"))
}

pub(crate) async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let method = request.method().clone();
    let uri = request.uri().clone();
    let authorized = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bot ") && v.len() > 4);
    let body = match read_body(request).await {
        Ok(body) => body,
        Err(error) => return error_response(error),
    };
    let Some(api_path) = uri.path().strip_prefix("/api/v10") else {
        return error_response(ApiError::new(404, 0, "404: Not Found"));
    };
    let recorded_body = body.json.clone();
    let files = body.files.iter().map(|f| f.filename.clone()).collect();

    let mut delay_after = None;
    // Most calls meet no fault: only a hit changes the state (and wakes whoever waits on it).
    let fault = if shared.read(|s| s.faults.is_empty()) {
        None
    } else {
        shared.with(|s| {
            let fault = s.faults.iter_mut().find(|f| f.matches(&method, api_path))?;
            fault.hits().then(|| fault.kind.clone())
        })
    };
    let fault = match fault {
        Some(FaultKind::Held { gate, then }) => {
            gate.pass().await;
            Some(*then)
        }
        other => other,
    };
    let answer = match fault {
        Some(FaultKind::Error {
            status,
            code,
            message,
        }) => Err(ApiError::new(
            status,
            code,
            &message.replace("{path}", api_path),
        )),
        Some(FaultKind::RateLimited {
            retry_after,
            global,
        }) => Err(ApiError::rate_limited(retry_after, global)),
        other => {
            if let Some(FaultKind::Delay(wait)) = other {
                tokio::time::sleep(wait).await;
            }
            if let Some(FaultKind::DelayAfter(wait)) = other {
                delay_after = Some(wait);
            }
            let call = Call {
                shared: &shared,
                method: &method,
                segments: api_path.trim_matches('/').split('/').collect(),
                query: uri.query(),
                body,
                authorized,
                now: Instant::now(),
            };
            route(call)
        }
    };
    let response = match answer {
        Ok(Answer::Json(status, value)) => (status, axum::Json(value)).into_response(),
        Ok(Answer::NoContent) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => error_response(error),
    };
    // Recorded before any delayed answer: if the client gives up and the connection drops, the
    // handler is cancelled, but what the simulator did must still be on record.
    shared.with(|s| {
        s.requests.push(RecordedRequest {
            method: method.to_string(),
            path: api_path.to_owned(),
            query: uri.query().map(str::to_owned),
            body: recorded_body,
            files,
            status: response.status().as_u16(),
            at: Instant::now(),
        })
    });
    if let Some(wait) = delay_after {
        tokio::time::sleep(wait).await;
    }
    response
}

fn route(call: Call<'_>) -> RouteResult {
    match call.segments.first().copied() {
        Some("gateway") | Some("oauth2") | Some("applications") | Some("users") => {
            application::route(call)
        }
        Some("interactions") | Some("webhooks") => interactions::route(call),
        Some("channels") => channels::route(call),
        Some("guilds") => guilds::route(call),
        _ => Err(ApiError::new(404, 0, "404: Not Found")),
    }
}

fn error_response(error: ApiError) -> Response {
    let mut headers = HeaderMap::new();
    if let Some((retry_after, global)) = error.retry_after {
        let seconds = format!("{:.3}", retry_after.as_secs_f64().max(0.001));
        if let Ok(value) = HeaderValue::from_str(&seconds) {
            headers.insert(header::RETRY_AFTER, value.clone());
            headers.insert("x-ratelimit-reset-after", value);
        }
        headers.insert(
            "x-ratelimit-scope",
            HeaderValue::from_static(if global { "global" } else { "user" }),
        );
        if global {
            headers.insert("x-ratelimit-global", HeaderValue::from_static("true"));
        }
    }
    (error.status, headers, axum::Json(error.body)).into_response()
}

async fn read_body(request: Request) -> Result<Body_, ApiError> {
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        return read_multipart(request).await;
    }
    let bytes = to_bytes(request.into_body(), 26 * 1024 * 1024)
        .await
        .map_err(|_| ApiError::new(413, 40005, "Request entity too large"))?;
    if bytes.is_empty() {
        return Ok(Body_::default());
    }
    let json = serde_json::from_slice(&bytes)
        .map_err(|_| ApiError::new(400, 50109, "The request body contains invalid JSON."))?;
    Ok(Body_ {
        json: Some(json),
        files: vec![],
    })
}

async fn read_multipart(request: Request) -> Result<Body_, ApiError> {
    let bad = || ApiError::new(400, 50035, "Invalid Form Body");
    let request = request.map(Body::new);
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| bad())?;
    let mut body = Body_::default();
    while let Some(field) = multipart.next_field().await.map_err(|_| bad())? {
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let bytes = field.bytes().await.map_err(|_| bad())?;
        if name == "payload_json" {
            body.json = Some(serde_json::from_slice(&bytes).map_err(|_| bad())?);
        } else if name.starts_with("files[") {
            body.files.push(Attachment {
                filename: filename.unwrap_or(name),
                content_type,
                bytes: bytes.to_vec(),
            });
        }
    }
    Ok(body)
}
