//! `allybot demo`: the built-in Discord simulator and the real bot in one process, with a fresh
//! SQLite database in a temporary folder, playing a small organisation's cohort through N
//! practice days. No token, no network. Everything happens through the same commands, buttons
//! and scheduler a real server uses; only the clock is moved along instead of waited for.

mod plan_scene;
mod script;
mod transcript;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use chrono::TimeZone;

use crate::app::{self, BotOptions, RunningBot};
use crate::clock::ManualClock;
use crate::config::{CommandScope, Secret, Settings};
use crate::sim::{Actor, Reply, SimOptions, Simulator};

use transcript::Transcript;

const READY_WAIT: Duration = Duration::from_secs(30);

/// The people and places of the demo organisation.
pub(crate) struct Cast {
    pub guild: u64,
    pub general: u64,
    pub practice: u64,
    /// Where the organisation's weekly summaries go.
    pub summaries: u64,
    pub admin: u64,
    /// (name, user id) of the participants.
    pub members: Vec<(&'static str, u64)>,
}

/// Everything a scene needs: the simulator, the bot, the clock and the transcript.
pub(crate) struct Stage {
    pub sim: Simulator,
    pub bot: RunningBot,
    pub clock: ManualClock,
    pub cast: Cast,
    pub transcript: Transcript,
}

impl Stage {
    pub fn actor(&self, user: u64) -> Actor {
        Actor {
            user,
            guild: Some(self.cast.guild),
            channel: self.cast.general,
        }
    }

    pub fn name(&self, user: u64) -> &str {
        if user == self.cast.admin {
            return "Amara (admin)";
        }
        self.cast
            .members
            .iter()
            .find(|(_, id)| *id == user)
            .map_or("someone", |(name, _)| name)
    }

    /// Runs a slash command as `user`, writing the command and the answer to the transcript.
    pub async fn command(
        &mut self,
        user: u64,
        command: &str,
        options: &[(&str, &str)],
    ) -> anyhow::Result<Reply> {
        let shown: Vec<String> = options.iter().map(|(k, v)| format!("{k}:{v}")).collect();
        let who = self.name(user).to_owned();
        self.transcript
            .action(&who, format!("/{command} {}", shown.join(" ")).trim_end());
        let reply = self
            .sim
            .slash(self.actor(user), command, options)?
            .reply()
            .await?;
        self.transcript.reply(&who, &reply);
        Ok(reply)
    }

    /// Clicks a button as `user`, writing the click and the answer to the transcript.
    pub async fn click(&mut self, user: u64, message: u64, label: &str) -> anyhow::Result<Reply> {
        let found = self.sim.message(message).context("message to click")?;
        let button = found
            .button(label)
            .with_context(|| format!("a \"{label}\" button"))?;
        let who = self.name(user).to_owned();
        self.transcript.action(&who, format!("clicks [{label}]"));
        let reply = self
            .sim
            .click(user, message, &button.custom_id)?
            .reply()
            .await?;
        self.transcript.reply(&who, &reply);
        Ok(reply)
    }
}

pub async fn run(mut settings: Settings, days: u32, out: &Path) -> anyhow::Result<()> {
    let workspace = tempfile::tempdir().context("cannot create a temporary folder")?;
    let sim = Simulator::start(SimOptions::default())
        .await
        .context("cannot start the Discord simulator")?;
    let mut transcript = Transcript::default();
    transcript.heading("allybot demo");
    transcript.note(format!(
        "A Discord simulator is listening on {}; the real bot connects to it.",
        sim.base_url()
    ));
    let cast = cast(&sim);
    transcript.name_channel(cast.general, "general");
    transcript.name_channel(cast.practice, "allyship-practice");
    transcript.name_channel(cast.summaries, "org-summaries");
    transcript.note("Server \"Northwind Co\": Amara (owner, admin) and Bao, Chioma, Dmitri, Elif, Farid, Gus; channels #general, #allyship-practice and #org-summaries (for admins).");

    settings.database.url = format!("sqlite://{}", workspace.path().join("allybot.db").display());
    settings.discord.proxy_url = Some(sim.base_url());
    settings.discord.command_scope = CommandScope::Guild(cast.guild);
    settings.privacy.data_key_file = workspace.path().join("allybot.key");
    let start = chrono::Utc
        .with_ymd_and_hms(2026, 11, 23, 7, 0, 0)
        .single()
        .context("demo start time")?;
    let clock = ManualClock::new(start);
    let discord_time = clock.clone();
    sim.set_clock(move || crate::clock::Clock::now(&discord_time));
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
    let gateway = sim.gateway_stats();
    let commands: Vec<String> = sim
        .registered_commands(Some(cast.guild))
        .iter()
        .filter_map(|c| {
            c.get("name")
                .and_then(|n| n.as_str())
                .map(|n| format!("/{n}"))
        })
        .collect();
    transcript.note(format!(
        "The bot identified on the gateway (intents {}: no privileged intent) and registered {}.",
        gateway.intents.unwrap_or_default(),
        commands.join(" ")
    ));

    let mut stage = Stage {
        sim,
        bot,
        clock,
        cast,
        transcript,
    };
    let played = script::play(&mut stage, days).await;
    let Stage {
        bot,
        mut transcript,
        sim,
        ..
    } = stage;
    bot.shutdown().await;
    played?;
    let problems = sim.violations();
    anyhow::ensure!(
        problems.is_empty(),
        "the simulator refused payloads: {problems:?}"
    );
    transcript.heading("End of demo");
    transcript.note(
        "Every message above went through the real bot, the simulator and a SQLite database.",
    );
    let saved = transcript
        .save(out)
        .with_context(|| format!("cannot write the transcript to {}", out.display()))?;
    println!("\nTranscript written to {}", saved.display());
    Ok(())
}

fn cast(sim: &Simulator) -> Cast {
    let admin = sim.add_user("Amara");
    let guild = sim.add_guild("Northwind Co", admin);
    let general = sim.add_text_channel(guild, "general");
    let practice = sim.add_text_channel(guild, "allyship-practice");
    let summaries = sim.add_text_channel(guild, "org-summaries");
    let members = ["Bao", "Chioma", "Dmitri", "Elif", "Farid", "Gus"]
        .into_iter()
        .map(|name| {
            let id = sim.add_user(name);
            sim.add_member(guild, id, &[]);
            (name, id)
        })
        .collect();
    Cast {
        guild,
        general,
        practice,
        summaries,
        admin,
        members,
    }
}
