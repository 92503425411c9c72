//! `allybot run`: serve Discord until SIGINT or SIGTERM, then stop cleanly.

use crate::app::{self, BotOptions};
use crate::cli::{clock_from_env, Failure};
use crate::config::{self, Settings};

pub async fn run(settings: Settings, env: &[(String, String)]) -> Result<(), Failure> {
    let token = config::load_token(&settings, env)?;
    let clock = clock_from_env(env)?;
    let source = app::curriculum_source(&settings)?;
    let curriculum = app::load_curriculum_from(&source)?;
    let mut bot = app::start(BotOptions {
        settings,
        token,
        clock,
        curriculum,
    })
    .await
    .map_err(Failure::classify)?;
    // Once started: a start that fails says only why, in one line.
    app::log_curriculum_source(&source);
    let ended_by_itself = tokio::select! {
        () = shutdown_signal() => None,
        result = bot.stopped() => Some(result),
    };
    match &ended_by_itself {
        None => tracing::info!("shutdown requested"),
        Some(Err(e)) => tracing::error!(error = %e, "stopping: the bot cannot go on"),
        Some(Ok(())) => {}
    }
    bot.shutdown().await;
    match ended_by_itself {
        None => Ok(()),
        Some(result) => result.map_err(Failure::Other),
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
