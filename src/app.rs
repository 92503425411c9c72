//! Starting and stopping the whole bot: storage, the Discord client and the scheduler.
//! `allybot run`, `allybot demo` and the end-to-end tests all start it here.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::bot::outbound::DiscordOutbound;
use crate::bot::pacer::Pacer;
use crate::bot::{self, seam, Data, InFlight};
use crate::clock::SharedClock;
use crate::config::{Secret, Settings};
use crate::content::model::Curriculum;
use crate::crypto::Cipher;
use crate::scheduler::{Scheduler, SchedulerHandle, SchedulerSettings};
use crate::store::Store;

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
    shard_manager: Arc<serenity::ShardManager>,
    client: JoinHandle<Result<(), serenity::Error>>,
    client_finished: bool,
    scheduler: SchedulerHandle,
    store: Store,
    in_flight: InFlight,
}

/// Opens the database (applying migrations), builds the Discord client, starts it and the
/// scheduler. The scheduler starts here, once per process, not on a gateway `ready`.
pub async fn start(options: BotOptions) -> anyhow::Result<RunningBot> {
    let settings = Arc::new(options.settings);
    let store = Store::open(&settings.database.url)
        .await
        .with_context(|| format!("could not open the database at {}", settings.database.url))?;
    store
        .sync_prompt_tags(&prompt_tags(&options.curriculum))
        .await
        .context("could not record the curriculum's 4A tags")?;
    let cipher =
        Cipher::load_or_create(&settings.privacy.data_key_file).context("privacy.data_key_file")?;
    let in_flight = InFlight::default();
    let pacer = Arc::new(Pacer::new(settings.outbound.max_requests_per_second));
    let wake = Arc::new(Notify::new());
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
    };
    let http = seam::build_http(&options.token, settings.discord.proxy_url.as_deref())?;
    let mut client = seam::build_client(http, bot::framework(data))
        .await
        .context("could not build the Discord client")?;
    let outbound = Arc::new(DiscordOutbound {
        http: client.http.clone(),
        curriculum: options.curriculum.clone(),
        pacer,
        cipher,
    });
    let scheduler = Scheduler::new(
        store.clone(),
        options.clock,
        options.curriculum.clone(),
        outbound,
        SchedulerSettings::new(
            settings.schedule.grace_hours,
            settings.privacy.reflection_retention_days,
            settings.privacy.min_group_size,
        ),
    )
    .spawn(wake, &settings.database.url)?;
    let shard_manager = client.shard_manager.clone();
    let client = tokio::spawn(async move { client.start().await });
    tracing::info!("bot started");
    Ok(RunningBot {
        shard_manager,
        client,
        client_finished: false,
        scheduler,
        store,
        in_flight,
    })
}

impl RunningBot {
    /// Resolves when the Discord client stops by itself (for example, Discord refused the
    /// token); the error says why.
    pub async fn stopped(&mut self) -> anyhow::Result<()> {
        if self.client_finished {
            return Ok(());
        }
        let outcome = (&mut self.client).await;
        self.client_finished = true;
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(anyhow::Error::new(e).context("the Discord connection ended")),
            Err(e) => Err(anyhow::anyhow!("the Discord client task failed: {e}")),
        }
    }

    /// Stops cleanly: the scheduler finishes the posts in flight and records them, the gateway
    /// is closed (no new events), running handlers finish, then the database pool closes.
    pub async fn shutdown(self) {
        self.scheduler.stop().await;
        self.shard_manager.shutdown_all().await;
        if !self.in_flight.wait_idle(DRAIN_LIMIT).await {
            tracing::warn!(
                running = self.in_flight.running(),
                "shutting down with handlers still running"
            );
        }
        if !self.client_finished {
            self.client.abort();
            let _ = self.client.await;
        }
        self.store.close().await;
        tracing::info!("bot stopped");
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn scheduler(&self) -> &SchedulerHandle {
        &self.scheduler
    }
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

/// Loads the curriculum named by `content.dir`; a problem is a configuration error naming the
/// file and the item.
pub fn load_curriculum(settings: &Settings) -> Result<Arc<Curriculum>, crate::config::ConfigError> {
    crate::content::load::load(&settings.content.dir)
        .map(Arc::new)
        .map_err(|e| crate::config::ConfigError {
            key: "content.dir".into(),
            problem: e.to_string(),
            origin: None,
        })
}
