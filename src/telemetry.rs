//! Log set-up. The operator's `log.filter` decides verbosity, with one exception: the libraries
//! that see raw Discord traffic are capped. serenity at DEBUG prints whole gateway payloads
//! (reflection text typed into a modal included), its WebSocket layer prints frames that failed
//! to parse at WARN, tungstenite prints every frame at TRACE, and the HTTP stack can print
//! request headers (the token) at TRACE.

use tracing_subscriber::EnvFilter;

/// Directives appended to every filter. They replace any directive the operator wrote for
/// these targets, so no filter can turn payload logging back on.
const CLAMPS: &[&str] = &[
    "serenity=warn",
    "serenity::gateway::ws=error",
    "poise=warn",
    "tungstenite=warn",
    "tokio_tungstenite=warn",
    "reqwest=warn",
    "hyper=warn",
    "hyper_util=warn",
    "h2=warn",
    "rustls=warn",
];

/// Builds the effective filter from the operator's `log.filter`.
pub fn filter_from(operator_filter: &str) -> EnvFilter {
    let kept = operator_filter
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .filter(|d| !CLAMPS.iter().any(|clamp| clamped_target(d, clamp)));
    let directives: Vec<&str> = kept.chain(CLAMPS.iter().copied()).collect();
    EnvFilter::try_new(directives.join(",")).unwrap_or_else(|_| EnvFilter::new(CLAMPS.join(",")))
}

fn clamped_target(directive: &str, clamp: &str) -> bool {
    let target = directive.split('=').next().unwrap_or_default();
    let clamp_target = clamp.split('=').next().unwrap_or_default();
    target == clamp_target || target.starts_with(&format!("{clamp_target}::"))
}

/// Installs the global subscriber, writing to stderr. Safe to call more than once (later calls
/// are ignored), which tests that start several bots rely on.
pub fn init(operator_filter: &str) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter_from(operator_filter))
        .with_writer(std::io::stderr)
        .with_target(true)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operator_cannot_raise_serenitys_level() {
        let filter = filter_from("debug,serenity=trace,serenity::gateway=trace").to_string();
        assert!(!filter.contains("serenity=trace"), "{filter}");
        assert!(!filter.contains("serenity::gateway=trace"), "{filter}");
        assert!(filter.contains("serenity=warn"), "{filter}");
        assert!(filter.contains("debug"), "{filter}");
    }
}
