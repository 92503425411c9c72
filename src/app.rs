//! Starting and stopping the whole bot: storage, the Discord client and (with the cohort issue)
//! the scheduler. `allybot run`, `allybot demo` and the end-to-end tests all start it here.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use tokio::task::JoinHandle;

use crate::bot::{self, seam, Data, InFlight};
use crate::clock::SharedClock;
use crate::config::{Secret, Settings};
use crate::store::Store;

/// How long shutdown waits for running interaction handlers.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);

pub struct BotOptions {
    pub settings: Settings,
    pub token: Secret,
    pub clock: SharedClock,
}

/// A started bot. Call [`RunningBot::shutdown`] to stop it cleanly.
pub struct RunningBot {
    shard_manager: Arc<serenity::ShardManager>,
    client: JoinHandle<Result<(), serenity::Error>>,
    client_finished: bool,
    store: Store,
    in_flight: InFlight,
}

/// Opens the database (applying migrations), builds the Discord client and starts it.
pub async fn start(options: BotOptions) -> anyhow::Result<RunningBot> {
    let settings = Arc::new(options.settings);
    let store = Store::open(&settings.database.url)
        .await
        .with_context(|| format!("could not open the database at {}", settings.database.url))?;
    let in_flight = InFlight::default();
    let data = Data {
        store: store.clone(),
        clock: options.clock,
        settings: settings.clone(),
        in_flight: in_flight.clone(),
    };
    let http = seam::build_http(&options.token, settings.discord.proxy_url.as_deref())?;
    let mut client = seam::build_client(http, bot::framework(data))
        .await
        .context("could not build the Discord client")?;
    let shard_manager = client.shard_manager.clone();
    let client = tokio::spawn(async move { client.start().await });
    tracing::info!("bot started");
    Ok(RunningBot {
        shard_manager,
        client,
        client_finished: false,
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

    /// Stops cleanly: closes the gateway connection (no new events), lets running handlers
    /// finish, then closes the database pool.
    pub async fn shutdown(self) {
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
}
