//! Starting and stopping the whole bot: storage, the Discord client and the scheduler.
//! `allybot run`, `allybot demo` and the end-to-end tests all start it here.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;

use crate::bot::budget::Budget;
use crate::bot::connection::{self, Connection};
use crate::bot::pacer::Pacer;
use crate::bot::{Data, InFlight};
use crate::clock::SharedClock;
use crate::config::{ConfigError, Secret, Settings};
use crate::content::model::Curriculum;
use crate::content::source::{self, CurriculumSource};
use crate::data_key::{self, DataKeyError};
use crate::scheduler::{LeadershipSettings, Scheduler, SchedulerHandle, SchedulerSettings, Wake};
use crate::store::copy::redacted;
use crate::store::{Backend, DatabaseLock, LeaseOwner, Store, WriteWaits};

/// How long shutdown waits for running interaction handlers.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);

pub struct BotOptions {
    pub settings: Settings,
    pub token: Secret,
    pub clock: SharedClock,
    /// Loaded (and validated) by the caller: a content problem is a configuration error.
    pub curriculum: Arc<Curriculum>,
}

/// A started bot. Call [`RunningBot::shutdown`] to stop it cleanly.
pub struct RunningBot {
    discord: Connection,
    scheduler: SchedulerHandle,
    store: Store,
    in_flight: InFlight,
    /// Released last, once the database is closed.
    lock: DatabaseLock,
}

/// Opens the database (applying migrations), builds the Discord client, starts it and the
/// scheduler. The scheduler starts here, once per process, not on a gateway `ready`.
pub async fn start(options: BotOptions) -> anyhow::Result<RunningBot> {
    let settings = Arc::new(options.settings);
    // Before anything else: a second process on this database stops here.
    let lock = DatabaseLock::acquire(&settings.database.url)?;
    let store = Store::open(&settings.database.url).await.with_context(|| {
        format!(
            "could not open the database at {}",
            redacted(&settings.database.url)
        )
    })?;
    store
        .sync_prompt_tags(&prompt_tags(&options.curriculum))
        .await
        .context("could not record the curriculum's 4A tags")?;
    let lease_owner = LeaseOwner::for_this_process();
    // On SQLite the lock proves every earlier process has exited: their claims are recovered
    // at once. On PostgreSQL other processes may be alive: their claims wait out their leases.
    let ended = if store.backend() == Backend::Sqlite {
        store
            .end_foreign_leases(&lease_owner, options.clock.now())
            .await
            .context("could not end the leases of earlier processes")?
    } else {
        0
    };
    if ended > 0 {
        tracing::info!(
            count = ended,
            "claims of an earlier process will be recovered"
        );
    }
    let cipher = data_key::prepare(&store, &settings.privacy.data_key_file, options.clock.now())
        .await
        .map_err(DataKeyError::into_anyhow)?;
    let in_flight = InFlight::default();
    // One process on SQLite (the file lock); on PostgreSQL one of as many as the shard ranges
    // suggest, sharing Discord's global limit (bot::budget).
    let exclusive = store.backend() == Backend::Sqlite;
    let budget = if exclusive {
        Budget::whole(settings.outbound.max_requests_per_second)
    } else {
        Budget::for_shards(
            settings.outbound.max_requests_per_second,
            settings.discord.shards,
        )
    };
    let pacer = Arc::new(Pacer::sharing(budget));
    let wake = Arc::new(Wake::default());
    let cipher = Arc::new(cipher);
    let data = Data {
        store: store.clone(),
        clock: options.clock.clone(),
        settings: settings.clone(),
        curriculum: options.curriculum.clone(),
        cipher: cipher.clone(),
        pacer: pacer.clone(),
        scheduler_wake: wake.clone(),
        in_flight: in_flight.clone(),
        lease_owner: lease_owner.clone(),
        proposal_edits: Default::default(),
    };
    let discord =
        connection::prepare(&options.token, settings.discord.proxy_url.as_deref(), data).await?;
    let outbound = Arc::new(discord.outbound(options.curriculum.clone(), pacer, cipher));
    let mut scheduler_settings = SchedulerSettings::new(
        settings.schedule.grace_hours,
        settings.privacy.reflection_retention_days,
        settings.privacy.min_group_size,
    );
    scheduler_settings.leadership = LeadershipSettings {
        exclusive,
        lease: LeadershipSettings::lease_from_env(&std::env::vars().collect::<Vec<_>>()),
    };
    let scheduler = Scheduler::new(
        store.clone(),
        options.clock,
        options.curriculum.clone(),
        outbound,
        scheduler_settings,
        lease_owner,
    )
    .spawn(wake, &redacted(&settings.database.url))?;
    let discord = discord.start(settings.discord.shards);
    tracing::info!("bot started");
    Ok(RunningBot {
        discord,
        scheduler,
        store,
        in_flight,
        lock,
    })
}

impl RunningBot {
    /// Resolves when the bot stops by itself: the Discord client ended (for example, Discord
    /// refused the token) or the scheduler's task ended (it survives failed and panicking rounds,
    /// so this is a bug worth a restart). The error says why.
    pub async fn stopped(&mut self) -> anyhow::Result<()> {
        tokio::select! {
            ended = self.discord.ended() => ended,
            ended = self.scheduler.ended() => ended,
        }
    }

    /// Stops cleanly: the scheduler finishes the posts in flight and records them, the gateway
    /// is closed (no new events), running handlers finish, then the database pool closes.
    pub async fn shutdown(self) {
        self.scheduler.stop().await;
        self.discord.close_gateway().await;
        if !self.in_flight.wait_idle(DRAIN_LIMIT).await {
            tracing::warn!(
                running = self.in_flight.running(),
                "shutting down with handlers still running"
            );
        }
        self.discord.finish().await;
        log_write_waits(&self.store.write_waits());
        self.store.close().await;
        drop(self.lock);
        tracing::info!("bot stopped");
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn scheduler(&self) -> &SchedulerHandle {
        &self.scheduler
    }
}

/// How long this run's write transactions waited for SQLite's write lock: the first thing to
/// look at when interactions slow down under load (benches/fanout reads it from this line).
fn log_write_waits(waits: &WriteWaits) {
    let micros = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
    let [under_1ms, to_10ms, to_100ms, to_1s, from_1s] = waits.buckets;
    tracing::info!(
        transactions = waits.count,
        total_us = micros(waits.total),
        max_us = micros(waits.max),
        under_1ms,
        to_10ms,
        to_100ms,
        to_1s,
        from_1s,
        "write lock waits"
    );
}

/// Every prompt's 4A tag, for summaries that count "prompts tried" by tag in SQL.
fn prompt_tags(curriculum: &Curriculum) -> Vec<(String, crate::domain::FourA)> {
    curriculum
        .tracks
        .iter()
        .flat_map(|t| &t.modules)
        .flat_map(|m| &m.prompts)
        .map(|p| (p.id.clone(), p.four_a))
        .collect()
}

/// Which curriculum `content.dir` selects: the folder when it exists; the built-in curriculum
/// when the key is left at its default and there is no `prompts/` folder; an error naming the
/// key and the absolute path when the key was set explicitly and names no folder.
pub fn curriculum_source(settings: &Settings) -> Result<CurriculumSource, ConfigError> {
    let content = &settings.content;
    source::choose(&content.dir, content.dir_set_by.is_some()).map_err(|missing| ConfigError {
        key: "content.dir".into(),
        problem: missing.to_string(),
        origin: content.dir_set_by.clone(),
    })
}

/// Loads the curriculum `content.dir` selects; a problem is a configuration error naming the
/// file and the item.
pub fn load_curriculum(settings: &Settings) -> Result<Arc<Curriculum>, ConfigError> {
    load_curriculum_from(&curriculum_source(settings)?)
}

/// Loads the curriculum of `source`; a problem is a configuration error naming the file and the
/// item.
pub fn load_curriculum_from(source: &CurriculumSource) -> Result<Arc<Curriculum>, ConfigError> {
    crate::content::load_from(source)
        .map(Arc::new)
        .map_err(|e| ConfigError {
            key: "content.dir".into(),
            problem: e.to_string(),
            origin: None,
        })
}

/// Says in the log which curriculum a started bot serves, so an operator can tell an edited
/// folder from the built-in curriculum.
pub fn log_curriculum_source(source: &CurriculumSource) {
    match source {
        CurriculumSource::BuiltIn => tracing::info!("curriculum: the one built into the binary"),
        CurriculumSource::Folder(dir) => {
            tracing::info!(folder = %source::absolute(dir).display(), "curriculum: a folder");
        }
    }
}
