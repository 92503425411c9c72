//! The one place that builds serenity's HTTP client and gateway client.
//!
//! With `discord.proxy_url` set, every REST call goes to that URL instead of discord.com, and the
//! gateway address comes from the proxy's `GET /api/v10/gateway`. serenity only honours a proxy
//! with its own rate limiter off (it builds ratelimited requests without the proxy), so in that
//! mode the bot's outbound limiter is the only pacing, by design.

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;

use crate::config::Secret;

/// A REST call that has not answered by then has failed; serenity sets no timeout of its own.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The gateway intents: GUILDS only. Interactions need no intent, and no privileged intent is
/// ever requested (no member list, no presences, no message content).
pub fn intents() -> serenity::GatewayIntents {
    serenity::GatewayIntents::GUILDS
}

pub fn build_http(token: &Secret, proxy_url: Option<&str>) -> anyhow::Result<serenity::Http> {
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .timeout(REQUEST_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .build()?;
    let mut builder = serenity::HttpBuilder::new(token.expose()).client(client);
    if let Some(proxy) = proxy_url {
        builder = builder.proxy(proxy).ratelimiter_disabled(true);
    }
    Ok(builder.build())
}

/// Builds the client (this asks the gateway address over REST) with the framework attached.
pub async fn build_client<F>(http: serenity::Http, framework: F) -> anyhow::Result<serenity::Client>
where
    F: serenity::Framework + 'static,
{
    let client = serenity::ClientBuilder::new_with_http(http, intents())
        .framework(framework)
        .cache_settings(cache_settings())
        .await?;
    Ok(client)
}

/// The bot reads nothing from the cache but its own user (kept from READY whatever the
/// settings): guilds, channels and permissions come from the interaction payload (poise's
/// permission checks read `app_permissions` and the member's `permissions` there) or fresh over
/// REST (bot/permissions.rs). So no guilds, channels, users or messages are cached: 10,000
/// guilds' channels and roles would otherwise sit in memory unread (docs/BENCHMARKS.md,
/// "5. Memory"). serenity's own pre-flight permission checks skip what is not cached, leaving
/// the answer to Discord.
fn cache_settings() -> serenity::cache::Settings {
    let mut settings = serenity::cache::Settings::default();
    settings.cache_guilds = false;
    settings.cache_channels = false;
    settings.cache_users = false;
    settings.max_messages = 0;
    settings
}

pub type SharedHttp = Arc<serenity::Http>;
