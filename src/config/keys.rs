//! The one list of configuration keys: their type, default and allowed range. Loading, env
//! overrides, validation and the README's table all follow this list.

/// What kind of value a key holds, and its bounds.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Text,
    Integer { min: i64, max: i64 },
}

#[derive(Debug, Clone, Copy)]
pub enum DefaultValue {
    Text(&'static str),
    Integer(i64),
}

#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    pub section: &'static str,
    pub key: &'static str,
    pub kind: Kind,
    pub default: DefaultValue,
}

impl KeySpec {
    pub fn path(&self) -> String {
        format!("{}.{}", self.section, self.key)
    }
}

const fn text(section: &'static str, key: &'static str, default: &'static str) -> KeySpec {
    KeySpec {
        section,
        key,
        kind: Kind::Text,
        default: DefaultValue::Text(default),
    }
}

const fn integer(
    section: &'static str,
    key: &'static str,
    default: i64,
    min: i64,
    max: i64,
) -> KeySpec {
    KeySpec {
        section,
        key,
        kind: Kind::Integer { min, max },
        default: DefaultValue::Integer(default),
    }
}

/// The most questions one quiz may have (`quiz.questions`); the renderer measures quiz messages
/// at this length, so raising it is checked against Discord's limits too.
pub const MAX_QUIZ_QUESTIONS: i64 = 10;

/// Every key of design/INTERFACE.md, with the defaults of `config/default.toml`.
pub const KEYS: &[KeySpec] = &[
    text("discord", "token_file", ""),
    text("discord", "proxy_url", ""),
    text("discord", "command_scope", "global"),
    // "first-last/total", both ends included; empty: every shard in this one process.
    text("discord", "shards", ""),
    text("database", "url", "sqlite://data/allybot.db"),
    text("content", "dir", "prompts"),
    // Discord's global limit is 50/s; above that every post risks a 429.
    integer("outbound", "max_requests_per_second", 45, 1, 50),
    integer("schedule", "grace_hours", 6, 0, 48),
    integer("quiz", "questions", 3, 1, MAX_QUIZ_QUESTIONS),
    integer("privacy", "min_group_size", 5, 3, 10),
    integer("privacy", "reflection_retention_days", 180, 1, 3650),
    text("privacy", "data_key_file", "data/allybot.key"),
    text("log", "filter", "info"),
];

pub fn find(section: &str, key: &str) -> Option<&'static KeySpec> {
    KEYS.iter()
        .find(|spec| spec.section == section && spec.key == key)
}

pub fn is_section(section: &str) -> bool {
    KEYS.iter().any(|spec| spec.section == section)
}

pub fn keys_of(section: &str) -> Vec<&'static str> {
    KEYS.iter()
        .filter(|spec| spec.section == section)
        .map(|spec| spec.key)
        .collect()
}
