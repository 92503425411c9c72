//! toml's parse errors as one line people can jump to ("line 12: invalid table header"), for
//! the configuration, the curriculum and the lint list alike.

/// The 1-based line of a byte offset.
pub fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// "line N: message" (just the message when toml gives no position), on one line.
pub fn describe(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().lines().collect::<Vec<_>>().join(" ");
    match error.span() {
        Some(span) => format!("line {}: {message}", line_at(text, span.start)),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        describe(text, &text.parse::<toml::Table>().unwrap_err())
    }

    #[test]
    fn an_error_at_the_start_of_a_line_names_that_line() {
        let text = "[a]\nx = 1\n[b\ny = 2\n";
        assert!(error_of(text).starts_with("line 3: "), "{}", error_of(text));
        let duplicate = "x = 1\nx = 2\n";
        assert!(
            error_of(duplicate).starts_with("line 2: "),
            "{}",
            error_of(duplicate)
        );
    }

    #[test]
    fn line_at_counts_from_one() {
        assert_eq!(line_at("", 0), 1);
        assert_eq!(line_at("a\nb", 2), 2);
        assert_eq!(line_at("a\nb", 99), 2);
    }
}
