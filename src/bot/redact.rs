//! Error text safe to log. reqwest's errors include the request URL, and the URLs of interaction
//! callbacks and webhooks carry the interaction's token (valid for 15 minutes): it is replaced.

const TOKEN_PATHS: [&str; 2] = ["/interactions/", "/webhooks/"];

/// `text` with every interaction or webhook token (the path segment after the id) redacted.
pub fn redact_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, marker)) = TOKEN_PATHS
        .iter()
        .filter_map(|m| rest.find(m).map(|at| (at, *m)))
        .min()
    {
        let after_marker = at + marker.len();
        out.push_str(&rest[..after_marker]);
        let tail = &rest[after_marker..];
        let end_of = |s: &str| s.find(['/', '?', ' ', '"', ')', '\'']).unwrap_or(s.len());
        let id_end = end_of(tail);
        out.push_str(&tail[..id_end]);
        let after_id = &tail[id_end..];
        if let Some(token_part) = after_id.strip_prefix('/') {
            let token_end = end_of(token_part);
            out.push_str("/[redacted]");
            rest = &token_part[token_end..];
        } else {
            rest = after_id;
        }
    }
    out.push_str(rest);
    out
}

/// An error's cause chain, ready for a log line.
pub fn loggable(error: &anyhow::Error) -> String {
    redact_tokens(&format!("{error:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_in_callback_and_webhook_urls_are_redacted() {
        let text = "error sending request for url (http://127.0.0.1:9/api/v10/interactions/123/aW50ZXJhY3Rpb24/callback): timed out; \
                    http://x/api/v10/webhooks/1100/c2VjcmV0/messages/@original";
        let safe = redact_tokens(text);
        assert!(
            !safe.contains("aW50ZXJhY3Rpb24") && !safe.contains("c2VjcmV0"),
            "{safe}"
        );
        assert!(
            safe.contains("/interactions/123/[redacted]/callback"),
            "{safe}"
        );
        assert!(
            safe.contains("/webhooks/1100/[redacted]/messages"),
            "{safe}"
        );
        assert_eq!(redact_tokens("no urls here"), "no urls here");
    }
}
