//! Typed settings: built-in defaults (`config/default.toml` as it was when the binary was built),
//! then `config/default.toml` and `config/local.toml` from the working folder (or the one file
//! given with `--config`), then `ALLYBOT__SECTION__KEY` environment variables.
//! Every problem is reported as one [`ConfigError`] naming the key, so `main` can exit 2 with it.

mod keys;
mod secret;
mod shards;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use keys::{KeySpec, Kind, KEYS, MAX_QUIZ_QUESTIONS};
pub use secret::Secret;
pub use shards::{ShardRange, MAX_SHARDS};

use keys::DefaultValue;

const ENV_PREFIX: &str = "ALLYBOT__";

/// The shipped `config/default.toml`, built in so that a binary copied alone has every default
/// (and the same ones the file documents; a test holds them to [`KEYS`]).
pub const BUILT_IN_DEFAULTS: &str = include_str!("../../config/default.toml");
const BUILT_IN_ORIGIN: &str = "the built-in config/default.toml";
pub const TOKEN_ENV: &str = "DISCORD_TOKEN";

/// A configuration problem: which key (or file, or variable) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {problem}{}", origin.as_ref().map(|o| format!(" (from {o})")).unwrap_or_default())]
pub struct ConfigError {
    pub key: String,
    pub problem: String,
    pub origin: Option<String>,
}

impl ConfigError {
    fn new(key: impl Into<String>, problem: impl Into<String>, origin: Option<&str>) -> Self {
        Self {
            key: key.into(),
            problem: problem.into(),
            origin: origin.map(str::to_owned),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub discord: DiscordSettings,
    pub database: DatabaseSettings,
    pub content: ContentSettings,
    pub outbound: OutboundSettings,
    pub schedule: ScheduleSettings,
    pub quiz: QuizSettings,
    pub privacy: PrivacySettings,
    pub log: LogSettings,
}

#[derive(Debug, Clone)]
pub struct DiscordSettings {
    pub token_file: Option<PathBuf>,
    pub proxy_url: Option<String>,
    pub command_scope: CommandScope,
    /// The shards this process runs; `None`: every shard, in this one process.
    pub shards: Option<ShardRange>,
}

/// Where slash commands are registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandScope {
    Global,
    /// One guild: registration is instant there, which is what testing wants.
    Guild(u64),
}

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct ContentSettings {
    pub dir: PathBuf,
    /// The config file or environment variable that set `dir`; `None` when it is the built-in
    /// default. Only a default may fall back to the built-in curriculum when the folder is
    /// absent: an explicit setting naming no folder is an error.
    pub dir_set_by: Option<String>,
}

#[derive(Debug, Clone)]
pub struct OutboundSettings {
    pub max_requests_per_second: u32,
}

#[derive(Debug, Clone)]
pub struct ScheduleSettings {
    pub grace_hours: u32,
}

#[derive(Debug, Clone)]
pub struct QuizSettings {
    /// Questions per quiz (1 to [`MAX_QUIZ_QUESTIONS`]).
    pub questions: u32,
}

#[derive(Debug, Clone)]
pub struct PrivacySettings {
    pub min_group_size: u32,
    pub reflection_retention_days: u32,
    pub data_key_file: PathBuf,
}

#[derive(Debug, Clone)]
pub struct LogSettings {
    pub filter: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Integer(i64),
}

/// Every key's value, and where each one was set by a file or variable the operator controls.
#[derive(Debug, Clone, Default)]
struct Values {
    values: BTreeMap<String, Value>,
    set_by: BTreeMap<String, String>,
}

impl Values {
    fn get(&self, path: &str) -> Option<&Value> {
        self.values.get(path)
    }

    /// `origin` is `None` for the built-in defaults.
    fn set(&mut self, path: String, value: Value, origin: Option<&str>) {
        match origin {
            Some(origin) => self.set_by.insert(path.clone(), origin.to_owned()),
            None => self.set_by.remove(&path),
        };
        self.values.insert(path, value);
    }
}

/// Loads settings. `explicit` is the `--config` file; without it the default files are read.
/// `env` is the process environment (passed in so tests can supply their own).
pub fn load(explicit: Option<&Path>, env: &[(String, String)]) -> Result<Settings, ConfigError> {
    let mut values = defaults()?;
    match explicit {
        Some(path) => merge_file(&mut values, path, true)?,
        None => {
            merge_file(&mut values, Path::new("config/default.toml"), false)?;
            merge_file(&mut values, Path::new("config/local.toml"), false)?;
        }
    }
    merge_env(&mut values, env)?;
    build(&values)
}

/// The bot token: `DISCORD_TOKEN`, else the contents of `discord.token_file`.
pub fn load_token(settings: &Settings, env: &[(String, String)]) -> Result<Secret, ConfigError> {
    if let Some((_, token)) = env.iter().find(|(name, _)| name == TOKEN_ENV) {
        if !token.trim().is_empty() {
            return Ok(Secret::new(token.trim()));
        }
    }
    let Some(path) = &settings.discord.token_file else {
        return Err(ConfigError::new(
            TOKEN_ENV,
            "no bot token: set DISCORD_TOKEN or discord.token_file",
            None,
        ));
    };
    let contents = std::fs::read_to_string(path).map_err(|e| {
        ConfigError::new(
            "discord.token_file",
            format!("cannot read '{}': {e}", path.display()),
            None,
        )
    })?;
    let token = contents.trim();
    if token.is_empty() {
        return Err(ConfigError::new(
            "discord.token_file",
            format!("'{}' is empty", path.display()),
            None,
        ));
    }
    Ok(Secret::new(token))
}

/// [`KEYS`]' defaults with the built-in `config/default.toml` over them (they are the same
/// values; the file is what an operator reads).
fn defaults() -> Result<Values, ConfigError> {
    let mut values = key_defaults();
    merge_text(&mut values, BUILT_IN_DEFAULTS, BUILT_IN_ORIGIN, false)?;
    Ok(values)
}

fn key_defaults() -> Values {
    let mut values = Values::default();
    for spec in KEYS {
        let value = match spec.default {
            DefaultValue::Text(text) => Value::Text(text.to_owned()),
            DefaultValue::Integer(number) => Value::Integer(number),
        };
        values.set(spec.path(), value, None);
    }
    values
}

fn merge_file(values: &mut Values, path: &Path, required: bool) -> Result<(), ConfigError> {
    let origin = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(ConfigError::new(
                "--config",
                format!("cannot read '{origin}': {e}"),
                None,
            ))
        }
    };
    merge_text(values, &text, &origin, true)
}

/// Merges one file's keys. `operator`: the file is the operator's (not the built-in defaults),
/// so its keys count as set explicitly.
fn merge_text(
    values: &mut Values,
    text: &str,
    origin: &str,
    operator: bool,
) -> Result<(), ConfigError> {
    let origin = origin.to_owned();
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        ConfigError::new(
            origin.clone(),
            format!("not valid TOML: {}", crate::toml_error::describe(text, &e)),
            None,
        )
    })?;
    for (section, content) in table {
        if !keys::is_section(&section) {
            return Err(ConfigError::new(
                section,
                format!(
                    "unknown section (expected one of: {})",
                    section_names().join(", ")
                ),
                Some(&origin),
            ));
        }
        let toml::Value::Table(entries) = content else {
            return Err(ConfigError::new(
                section,
                "expected a [section] table",
                Some(&origin),
            ));
        };
        for (key, raw) in entries {
            let spec = known_key(&section, &key, Some(&origin))?;
            let value = match (spec.kind, raw) {
                (Kind::Text, toml::Value::String(text)) => Value::Text(text),
                (Kind::Integer { .. }, toml::Value::Integer(number)) => Value::Integer(number),
                (Kind::Text, other) => {
                    return Err(wrong_type(
                        spec,
                        "a string in quotes",
                        &other.to_string(),
                        &origin,
                    ))
                }
                (Kind::Integer { .. }, other) => {
                    return Err(wrong_type(
                        spec,
                        "a whole number",
                        &other.to_string(),
                        &origin,
                    ))
                }
            };
            check_range(spec, &value, &origin)?;
            values.set(spec.path(), value, operator.then_some(origin.as_str()));
        }
    }
    Ok(())
}

fn merge_env(values: &mut Values, env: &[(String, String)]) -> Result<(), ConfigError> {
    for (name, raw) in env {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let origin = format!("environment variable {name}");
        let parts: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
        let [section, key] = parts.as_slice() else {
            return Err(ConfigError::new(
                name.clone(),
                "expected ALLYBOT__SECTION__KEY, e.g. ALLYBOT__DATABASE__URL",
                None,
            ));
        };
        let spec = known_key(section, key, Some(&origin))?;
        let value = match spec.kind {
            Kind::Text => Value::Text(raw.clone()),
            Kind::Integer { .. } => match raw.trim().parse::<i64>() {
                Ok(number) => Value::Integer(number),
                Err(_) => return Err(wrong_type(spec, "a whole number", raw, &origin)),
            },
        };
        check_range(spec, &value, &origin)?;
        values.set(spec.path(), value, Some(&origin));
    }
    Ok(())
}

fn known_key(
    section: &str,
    key: &str,
    origin: Option<&str>,
) -> Result<&'static KeySpec, ConfigError> {
    if !keys::is_section(section) {
        return Err(ConfigError::new(
            format!("{section}.{key}"),
            format!(
                "unknown section '{section}' (expected one of: {})",
                section_names().join(", ")
            ),
            origin,
        ));
    }
    keys::find(section, key).ok_or_else(|| {
        ConfigError::new(
            format!("{section}.{key}"),
            format!(
                "unknown key (keys in [{section}]: {})",
                keys::keys_of(section).join(", ")
            ),
            origin,
        )
    })
}

fn wrong_type(spec: &KeySpec, expected: &str, got: &str, origin: &str) -> ConfigError {
    ConfigError::new(
        spec.path(),
        format!("expected {expected}, got {got}"),
        Some(origin),
    )
}

fn check_range(spec: &KeySpec, value: &Value, origin: &str) -> Result<(), ConfigError> {
    if let (Kind::Integer { min, max }, Value::Integer(number)) = (spec.kind, value) {
        if !(min..=max).contains(number) {
            return Err(ConfigError::new(
                spec.path(),
                format!("{number} is out of range ({min} to {max})"),
                Some(origin),
            ));
        }
    }
    Ok(())
}

fn section_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = KEYS.iter().map(|spec| spec.section).collect();
    names.dedup();
    names
}

fn text<'a>(values: &'a Values, path: &str) -> &'a str {
    match values.get(path) {
        Some(Value::Text(text)) => text,
        _ => unreachable!("{path} is a text key with a default"),
    }
}

fn integer(values: &Values, path: &str) -> u32 {
    match values.get(path) {
        // Ranges were checked on the way in, and every range fits in u32.
        Some(Value::Integer(number)) => u32::try_from(*number).unwrap_or(u32::MAX),
        _ => unreachable!("{path} is an integer key with a default"),
    }
}

fn non_empty_path(value: &str) -> Option<PathBuf> {
    (!value.trim().is_empty()).then(|| PathBuf::from(value.trim()))
}

fn build(values: &Values) -> Result<Settings, ConfigError> {
    let scope = parse_command_scope(text(values, "discord.command_scope"))?;
    let proxy_url = parse_proxy_url(text(values, "discord.proxy_url"))?;
    let shards = shards::parse(text(values, "discord.shards")).map_err(|problem| {
        let origin = values.set_by.get("discord.shards").map(String::as_str);
        ConfigError::new("discord.shards", problem, origin)
    })?;
    let database_url = text(values, "database.url").to_owned();
    if crate::store::Backend::of_url(&database_url).is_none() {
        return Err(ConfigError::new(
            "database.url",
            format!(
                "'{}' is not a database URL (expected sqlite://data/allybot.db \
                 or postgres://USER@HOST/DATABASE)",
                crate::store::copy::redacted(&database_url)
            ),
            None,
        ));
    }
    let filter = text(values, "log.filter").to_owned();
    if let Err(e) = tracing_subscriber::EnvFilter::try_new(&filter) {
        return Err(ConfigError::new(
            "log.filter",
            format!("'{filter}' is not a valid filter: {e}"),
            None,
        ));
    }
    let content_dir = non_empty_path(text(values, "content.dir"))
        .ok_or_else(|| ConfigError::new("content.dir", "must not be empty", None))?;
    let data_key_file = non_empty_path(text(values, "privacy.data_key_file"))
        .ok_or_else(|| ConfigError::new("privacy.data_key_file", "must not be empty", None))?;
    Ok(Settings {
        discord: DiscordSettings {
            token_file: non_empty_path(text(values, "discord.token_file")),
            proxy_url,
            command_scope: scope,
            shards,
        },
        database: DatabaseSettings { url: database_url },
        content: ContentSettings {
            dir: content_dir,
            dir_set_by: values.set_by.get("content.dir").cloned(),
        },
        outbound: OutboundSettings {
            max_requests_per_second: integer(values, "outbound.max_requests_per_second"),
        },
        schedule: ScheduleSettings {
            grace_hours: integer(values, "schedule.grace_hours"),
        },
        quiz: QuizSettings {
            questions: integer(values, "quiz.questions"),
        },
        privacy: PrivacySettings {
            min_group_size: integer(values, "privacy.min_group_size"),
            reflection_retention_days: integer(values, "privacy.reflection_retention_days"),
            data_key_file,
        },
        log: LogSettings { filter },
    })
}

fn parse_command_scope(raw: &str) -> Result<CommandScope, ConfigError> {
    if raw == "global" {
        return Ok(CommandScope::Global);
    }
    raw.strip_prefix("guild:")
        .and_then(|id| id.parse::<u64>().ok())
        .filter(|id| *id > 0)
        .map(CommandScope::Guild)
        .ok_or_else(|| {
            ConfigError::new(
                "discord.command_scope",
                format!("'{raw}' is neither \"global\" nor \"guild:<guild id>\""),
                None,
            )
        })
}

fn parse_proxy_url(raw: &str) -> Result<Option<String>, ConfigError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let host = raw
        .strip_prefix("http://")
        .or_else(|| raw.strip_prefix("https://"));
    match host {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') => {
            Ok(Some(raw.trim_end_matches('/').to_owned()))
        }
        _ => Err(ConfigError::new(
            "discord.proxy_url",
            format!("'{raw}' is not an http(s) URL such as http://127.0.0.1:3000"),
            None,
        )),
    }
}

#[cfg(test)]
mod tests;
