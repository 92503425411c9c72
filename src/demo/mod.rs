//! `allybot demo`: the built-in Discord simulator and the real bot in one process, with a fresh
//! SQLite database in a temporary folder, playing a small organisation. No token, no network.

mod transcript;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use chrono::TimeZone;

use crate::app::{self, BotOptions};
use crate::clock::ManualClock;
use crate::config::{CommandScope, Secret, Settings};
use crate::sim::{Actor, SimOptions, Simulator};

use transcript::Transcript;

const READY_WAIT: Duration = Duration::from_secs(30);

pub async fn run(mut settings: Settings, _days: u32, out: &Path) -> anyhow::Result<()> {
    let workspace = tempfile::tempdir().context("cannot create a temporary folder")?;
    let sim = Simulator::start(SimOptions::default())
        .await
        .context("cannot start the Discord simulator")?;
    let mut transcript = Transcript::default();
    transcript.heading("allybot demo");
    transcript.note(format!("Discord simulator listening on {}", sim.base_url()));

    let admin = sim.add_user("Amara (admin)");
    let guild = sim.add_guild("Northwind Co", admin);
    let general = sim.add_text_channel(guild, "general");
    let members: Vec<u64> = ["Bao", "Chioma", "Dmitri", "Elif"]
        .iter()
        .map(|name| sim.add_user(name))
        .collect();
    for member in &members {
        sim.add_member(guild, *member, &[]);
    }
    transcript.note(
        "Guild \"Northwind Co\": Amara (owner, admin), Bao, Chioma, Dmitri, Elif; channel #general",
    );

    settings.database.url = format!("sqlite://{}", workspace.path().join("allybot.db").display());
    settings.discord.proxy_url = Some(sim.base_url());
    settings.discord.command_scope = CommandScope::Guild(guild);
    settings.privacy.data_key_file = workspace.path().join("allybot.key");
    let start = chrono::Utc
        .with_ymd_and_hms(2026, 11, 23, 7, 0, 0)
        .single()
        .context("demo start time")?;
    let clock = ManualClock::new(start);
    let curriculum = app::load_curriculum(&settings)?;
    let bot = app::start(BotOptions {
        settings,
        token: Secret::new("demo-token"),
        clock: Arc::new(clock.clone()),
        curriculum,
    })
    .await?;
    anyhow::ensure!(
        sim.wait_until_ready(READY_WAIT).await,
        "the bot did not connect to the simulator"
    );
    let stats = sim.gateway_stats();
    let commands: Vec<String> = sim
        .registered_commands(Some(guild))
        .iter()
        .filter_map(|c| {
            c.get("name")
                .and_then(|n| n.as_str())
                .map(|n| format!("/{n}"))
        })
        .collect();
    transcript.note(format!(
        "The bot connected over the gateway (IDENTIFY #{}; intents {}) and registered {} command(s): {}",
        stats.identifies,
        stats.intents.unwrap_or_default(),
        commands.len(),
        commands.join(" ")
    ));

    transcript.heading("Getting started");
    let newcomer = members[0];
    transcript.action("Bao", "/about");
    let reply = sim
        .slash(
            Actor {
                user: newcomer,
                guild: Some(guild),
                channel: general,
            },
            "about",
            &[],
        )?
        .reply()
        .await?;
    transcript.reply("Bao", &reply);

    bot.shutdown().await;
    let saved = transcript
        .save(out)
        .with_context(|| format!("cannot write the transcript to {}", out.display()))?;
    println!("\nTranscript written to {}", saved.display());
    Ok(())
}
