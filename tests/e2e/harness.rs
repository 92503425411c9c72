//! A fresh world per test: the simulator, a guild with an owner and a #general channel, a
//! temporary folder with the SQLite file (or, with `ALLYBOT_TEST_BACKEND=postgres`, a fresh
//! PostgreSQL schema), a settable clock, and the real bot started through `app::start` (the
//! code path of `allybot run`).

use std::sync::Arc;
use std::time::Duration;

use allybot::app::{self, BotOptions, RunningBot};
use allybot::clock::{Clock, ManualClock};
use allybot::config::{self, CommandScope, Secret, Settings};
use allybot::sim::{Actor, Reply, SimOptions, Simulator};
use allybot::store::test_db::{TestDb, BACKEND_VARIABLE};
use chrono::{DateTime, Utc};

pub const READY: Duration = Duration::from_secs(30);

/// A moment written as RFC 3339 ("2026-11-23T09:00:00Z").
pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .to_utc()
}

/// Monday 23 November 2026, 08:00 UTC.
pub fn monday_morning() -> DateTime<Utc> {
    at("2026-11-23T08:00:00Z")
}

pub struct Harness {
    pub sim: Simulator,
    pub clock: ManualClock,
    pub dir: tempfile::TempDir,
    pub guild: u64,
    pub owner: u64,
    pub general: u64,
    bot: Option<RunningBot>,
    /// The PostgreSQL schema the bot runs on, when the run asked for PostgreSQL.
    postgres: Option<TestDb>,
    /// Another database a test moved the bot to ([`Harness::set_database_url`]).
    database_override: Option<String>,
    /// Changes to the default settings this test runs with.
    tweak: fn(&mut Settings),
}

impl Harness {
    /// A world with the bot running and ready.
    pub async fn start() -> Self {
        Self::start_with(SimOptions::default()).await
    }

    pub async fn start_with(options: SimOptions) -> Self {
        let mut harness = Self::world(options).await;
        harness.boot().await;
        harness
    }

    /// A world with the bot running on a fresh PostgreSQL schema, whatever
    /// `ALLYBOT_TEST_BACKEND` says; `None` (and a line saying so) without a server.
    pub async fn start_on_postgres(test: &str) -> Option<Self> {
        let schema = TestDb::postgres(test).await?;
        let mut harness = Self::world(SimOptions::default()).await;
        harness.postgres = Some(schema);
        harness.boot().await;
        Some(harness)
    }

    /// A world with the bot running on settings changed by `tweak`.
    pub async fn start_tweaked(tweak: fn(&mut Settings)) -> Self {
        let mut harness = Self::world(SimOptions::default()).await;
        harness.tweak = tweak;
        harness.boot().await;
        harness
    }

    /// A world without the bot (start it with [`Harness::boot`]).
    pub async fn world(options: SimOptions) -> Self {
        let sim = Simulator::start(options).await.expect("simulator starts");
        let owner = sim.add_user("Olu (owner)");
        let guild = sim.add_guild("Test Org", owner);
        let general = sim.add_text_channel(guild, "general");
        let clock = ManualClock::new(monday_morning());
        // Messages carry the bot's time as their timestamp, as they would at Discord.
        let discord_time = clock.clone();
        sim.set_clock(move || discord_time.now());
        Self {
            sim,
            clock,
            dir: tempfile::tempdir().expect("temp dir"),
            guild,
            owner,
            general,
            bot: None,
            postgres: TestDb::postgres_if_asked("e2e").await,
            database_override: None,
            tweak: |_| {},
        }
    }

    /// The settings a test bot runs with: the repository's config/default.toml, pointed at the
    /// simulator and this test's folder.
    pub fn settings(&self) -> Settings {
        let mut settings = config::load(None, &[]).expect("config/default.toml loads");
        settings.database.url = self.database_url();
        settings.discord.proxy_url = Some(self.sim.base_url());
        settings.discord.command_scope = CommandScope::Guild(self.guild);
        settings.privacy.data_key_file = self.dir.path().join("allybot.key");
        (self.tweak)(&mut settings);
        settings
    }

    /// The SQLite file (when the bot runs on SQLite).
    pub fn db_path(&self) -> std::path::PathBuf {
        self.dir.path().join("allybot.db")
    }

    /// A pool of its own on the bot's database, for a test that plays a crash by changing rows
    /// underneath the bot (SQL in `$N` form, portable to both backends).
    pub async fn raw_database(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&self.database_url())
            .await
            .expect("the test database opens")
    }

    /// Whether the bot runs on PostgreSQL.
    pub fn on_postgres(&self) -> bool {
        self.database_url().starts_with("postgres")
    }

    /// Runs the bot on `url` from its next start (`None`: back to this test's own database).
    pub fn set_database_url(&mut self, url: Option<String>) {
        self.database_override = url;
    }

    /// The database the bot runs on: this test's SQLite file or PostgreSQL schema.
    pub fn database_url(&self) -> String {
        if let Some(url) = &self.database_override {
            return url.clone();
        }
        match &self.postgres {
            Some(schema) => schema.url().to_owned(),
            None => format!("sqlite://{}", self.db_path().display()),
        }
    }

    fn options(&self) -> BotOptions {
        let settings = self.settings();
        let curriculum = app::load_curriculum(&settings).expect("the shipped curriculum loads");
        BotOptions {
            settings,
            token: Secret::new("test-token"),
            clock: Arc::new(self.clock.clone()),
            curriculum,
        }
    }

    pub async fn boot(&mut self) {
        let options = self.options();
        let bot = app::start(options).await.expect("bot starts");
        self.bot = Some(bot);
        assert!(
            self.sim.wait_until_ready(READY).await,
            "the bot should connect and register its commands"
        );
    }

    pub async fn stop(&mut self) {
        if let Some(bot) = self.bot.take() {
            bot.shutdown().await;
        }
    }

    pub async fn restart(&mut self) {
        self.stop().await;
        let before = self.sim.gateway_stats().identifies;
        self.bot = Some(app::start(self.options()).await.expect("bot restarts"));
        assert!(
            self.sim
                .wait_for_gateway(READY, |g| g.connected && g.identifies > before)
                .await,
            "the restarted bot should identify again"
        );
    }

    pub fn bot(&self) -> &RunningBot {
        self.bot.as_ref().expect("the bot is running")
    }

    /// `user` acting in #general.
    pub fn in_general(&self, user: u64) -> Actor {
        Actor {
            user,
            guild: Some(self.guild),
            channel: self.general,
        }
    }

    pub fn add_member(&self, name: &str) -> u64 {
        let user = self.sim.add_user(name);
        self.sim.add_member(self.guild, user, &[]);
        user
    }

    /// `user` presses the button `custom_id` on `message` and gets what they see.
    pub async fn press(&self, user: u64, message: u64, custom_id: &str) -> Reply {
        self.sim
            .click(user, message, custom_id)
            .unwrap_or_else(|e| panic!("pressing {custom_id}: {e}"))
            .reply()
            .await
            .unwrap_or_else(|e| panic!("pressing {custom_id}: {e}"))
    }

    /// Runs a slash command in #general and returns what the user sees.
    pub async fn command(&self, user: u64, command: &str, options: &[(&str, &str)]) -> Reply {
        self.sim
            .slash(self.in_general(user), command, options)
            .unwrap_or_else(|e| panic!("/{command}: {e}"))
            .reply()
            .await
            .unwrap_or_else(|e| panic!("/{command}: {e}"))
    }
}

/// True (and says so) when this run is on PostgreSQL, for a test about the SQLite file itself
/// (its lock, its pages, its upgrade from an older file) that has no PostgreSQL counterpart.
pub fn skipped_on_postgres(test: &str) -> bool {
    let on_postgres = std::env::var(BACKEND_VARIABLE).is_ok_and(|backend| backend == "postgres");
    if on_postgres {
        println!("{test}: skipped: about the SQLite file, and this run is on PostgreSQL");
    }
    on_postgres
}

/// The real `allybot` binary, run from the repository root with a clean environment: no token
/// or override leaks in from the developer's shell.
pub fn allybot() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_allybot"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    for (name, _) in std::env::vars() {
        if name.starts_with("ALLYBOT") || name == "DISCORD_TOKEN" {
            command.env_remove(name);
        }
    }
    command
}

impl Drop for Harness {
    /// Every test also checks that the simulator never had to refuse a payload serenity could
    /// not parse (it would have been dropped silently at Discord).
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let refused = self.sim.violations();
            assert!(
                refused.is_empty(),
                "the simulator refused payloads: {refused:?}"
            );
        }
    }
}
