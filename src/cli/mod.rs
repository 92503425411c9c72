//! The command line (design/INTERFACE.md): `run`, `demo`, `migrate`, `content …`, `key …`,
//! `verify` and `copy-data`, with `--config FILE` accepted before or after the subcommand.
//! Each subcommand's wiring lives in this folder, so the layers below never import the command
//! line.

mod content;
mod copy_data;
mod exclusive;
mod key;
mod run;
mod verify;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::clock::{OffsetClock, SharedClock, SystemClock};
use crate::config::{self, ConfigError, Settings};

/// Set only by tests that start the real binary: the wall-clock instant (RFC 3339) the process
/// should believe it is at start-up. Time then runs at normal speed from there.
pub const CLOCK_START_ENV: &str = "ALLYBOT_CLOCK_START";

#[derive(Debug, Parser)]
#[command(
    name = "allybot",
    version,
    about = "An allyship practice bot for Discord."
)]
pub struct Cli {
    /// Configuration file (instead of config/default.toml and config/local.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Connect to Discord and serve every cohort in every guild the bot is in.
    Run,
    /// Play a small organisation's cohort against the built-in Discord simulator.
    Demo {
        /// Practice days to play.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=60))]
        days: u32,
        /// Where to write the transcript.
        #[arg(long, default_value = "demo-output", value_name = "DIR")]
        out: PathBuf,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Validate, count, preview and export the curriculum files.
    Content {
        #[command(subcommand)]
        action: ContentCommand,
    },
    /// Manage the data key that encrypts what people write.
    Key {
        #[command(subcommand)]
        action: KeyCommand,
    },
    /// Say whether a certificate code is genuine, and for which track and date; nothing else.
    Verify {
        /// The code on the certificate, like K7QM-3XZ9-P2TA-H4WC.
        code: String,
    },
    /// Copy a whole database (e.g. SQLite to PostgreSQL) into an empty one and verify the row
    /// counts. Stop the bot and back up first; docs/OPERATIONS.md, "Moving to PostgreSQL".
    CopyData {
        /// The database to copy: sqlite://FILE or postgres://… (held locked while copying).
        #[arg(long, value_name = "URL")]
        from: String,
        /// An empty or new database; on PostgreSQL, pick the schema with
        /// ?options=-csearch_path%3DNAME.
        #[arg(long, value_name = "URL")]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// A new data key; every sealed text re-encrypted in one transaction; the old key kept as
    /// FILE.old. Back up the database and the key first; stop the bot.
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum ContentCommand {
    /// Validate the curriculum; one line per problem, exit 1 if any.
    Check {
        /// Curriculum folder (default: the one the bot reads: content.dir if set, else
        /// prompts/ if present, else the built-in curriculum).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Counts per track, module, kind and 4A tag.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// What a new cohort on TRACK receives on practice day N.
    Preview {
        #[arg(long)]
        track: String,
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        day: u32,
    },
    /// Write the curriculum built into the binary to DIR (new or empty), to edit and point
    /// content.dir at.
    Export {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

/// How a command failed, which decides the exit code.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Bad configuration or usage: exit 2.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// Reported problems (e.g. `content check` found some): exit 1, already printed.
    #[error("{0}")]
    Reported(String),
    /// Anything else: exit 1.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Failure {
    /// A failure from the layers below: bad configuration found there (a key file anyone may
    /// read, say) still exits 2.
    pub fn classify(error: anyhow::Error) -> Self {
        match error.downcast::<ConfigError>() {
            Ok(config) => Failure::Config(config),
            Err(other) => Failure::Other(other),
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Config(_) => 2,
            Failure::Reported(_) | Failure::Other(_) => 1,
        }
    }
}

/// The clock of a real run: the system clock, or an offset one when a test asks for it.
pub fn clock_from_env(env: &[(String, String)]) -> Result<SharedClock, ConfigError> {
    match env.iter().find(|(name, _)| name == CLOCK_START_ENV) {
        None => Ok(std::sync::Arc::new(SystemClock)),
        Some((_, start)) => chrono::DateTime::parse_from_rfc3339(start)
            .map(|start| {
                tracing::warn!(%start, "{CLOCK_START_ENV} is set: the bot's clock is shifted (a testing aid)");
                std::sync::Arc::new(OffsetClock::starting_at(start.to_utc())) as SharedClock
            })
            .map_err(|e| ConfigError {
                key: CLOCK_START_ENV.into(),
                problem: format!("'{start}' is not an RFC 3339 instant: {e}"),
                origin: None,
            }),
    }
}

pub async fn execute(
    cli: Cli,
    settings: Settings,
    env: Vec<(String, String)>,
) -> Result<(), Failure> {
    match cli.command {
        Command::Run => run::run(settings, &env).await,
        Command::Demo { days, out } => crate::demo::run(settings, days, &out)
            .await
            .map_err(Failure::Other),
        Command::Migrate => migrate(&settings, clock_from_env(&env)?).await,
        Command::Content { action } => content::execute(&settings, action),
        Command::Key { action } => key::execute(&settings, clock_from_env(&env)?, action).await,
        Command::Verify { code } => verify::verify(&settings, &code).await,
        Command::CopyData { from, to } => copy_data::copy_data(&from, &to).await,
    }
}

async fn migrate(settings: &Settings, clock: SharedClock) -> Result<(), Failure> {
    // Never under a running bot: an upgrade stops the old process first.
    let _lock =
        crate::store::DatabaseLock::acquire(&settings.database.url).map_err(anyhow::Error::from)?;
    let store = crate::store::Store::open_without_migrating(&settings.database.url)
        .await
        .map_err(anyhow::Error::from)?;
    exclusive::refuse_under_a_running_bot(&store, clock.now()).await?;
    let applied = store.migrate().await.map_err(anyhow::Error::from)?;
    store.close().await;
    println!(
        "allybot: database at {} is up to date ({} applied)",
        crate::store::copy::redacted(&settings.database.url),
        crate::domain::plural::count(applied as u64, "migration", "migrations")
    );
    Ok(())
}

/// Loads settings the way every subcommand does.
pub fn load_settings(cli: &Cli, env: &[(String, String)]) -> Result<Settings, ConfigError> {
    config::load(cli.config.as_deref(), env)
}
