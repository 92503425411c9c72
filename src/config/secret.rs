//! The bot token, kept out of every Debug print and log line.

use std::fmt;

/// A secret string. Its `Debug` and `Display` never show the value; read it with [`Secret::expose`]
/// only where it is handed to serenity.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neither_debug_nor_display_shows_the_value() {
        let secret = Secret::new("canary-token-value");
        assert!(!format!("{secret:?} {secret}").contains("canary"));
        assert_eq!(secret.expose(), "canary-token-value");
    }
}
