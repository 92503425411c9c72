//! The real `allybot run` binary as a child process, pointed at the simulator: its start-up is a
//! real cold start, and its resident memory is the bot's alone (the simulator and the simulated
//! participants live in the benchmark's process). Its clock starts shortly before 09:00 on the
//! seeded Monday (`ALLYBOT_CLOCK_START`), so the fan-out begins a few seconds after it is ready.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use allybot::cli::CLOCK_START_ENV;
use allybot::sim::Simulator;
use chrono::{DateTime, Utc};
use tokio::process::{Child, Command};

pub struct BotProcess {
    child: Child,
    pid: u32,
    log: PathBuf,
    /// When the process was spawned: the start of the cold start.
    pub spawned: Instant,
}

impl BotProcess {
    pub fn spawn(
        sim: &Simulator,
        dir: &Path,
        database_url: &str,
        data_key_file: &Path,
        clock_start: DateTime<Utc>,
    ) -> anyhow::Result<Self> {
        let log = dir.join("bot.log");
        let mut command = Command::new(env!("CARGO_BIN_EXE_allybot"));
        // The shipped curriculum is read from the repository's prompts/.
        command.current_dir(env!("CARGO_MANIFEST_DIR"));
        for (name, _) in std::env::vars() {
            if name.starts_with("ALLYBOT") || name == "DISCORD_TOKEN" {
                command.env_remove(name);
            }
        }
        command
            .arg("run")
            .env("DISCORD_TOKEN", "bench")
            .env("ALLYBOT__DISCORD__PROXY_URL", sim.base_url())
            .env("ALLYBOT__DISCORD__COMMAND_SCOPE", "global")
            .env("ALLYBOT__DATABASE__URL", database_url)
            .env(
                "ALLYBOT__PRIVACY__DATA_KEY_FILE",
                data_key_file.display().to_string(),
            )
            // Warnings and errors, and the write-lock waits logged at shutdown.
            .env("ALLYBOT__LOG__FILTER", "warn,allybot::app=info")
            .env("NO_COLOR", "1")
            .env(CLOCK_START_ENV, clock_start.to_rfc3339())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .kill_on_drop(true);
        let spawned = Instant::now();
        let child = command.spawn()?;
        let pid = child
            .id()
            .ok_or_else(|| anyhow::anyhow!("the bot exited at once"))?;
        Ok(Self {
            child,
            pid,
            log,
            spawned,
        })
    }

    /// Resident memory now (VmRSS), in KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// Stops the bot as an operator would (SIGTERM) and waits for it; one that has not stopped
    /// 60 s later is killed (SIGKILL), so the run's figures are kept and the stop is reported.
    /// Returns its log and how it stopped.
    pub async fn stop(mut self) -> anyhow::Result<(String, Stop)> {
        std::process::Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()?;
        let stop = match tokio::time::timeout(STOP_WAIT, self.child.wait()).await {
            Ok(status) => {
                let status = status?;
                anyhow::ensure!(status.success(), "the bot exited with {status}");
                Stop::Clean
            }
            Err(_) => {
                self.child.kill().await?;
                Stop::Killed
            }
        };
        Ok((std::fs::read_to_string(&self.log)?, stop))
    }
}

/// How long a stopping bot may take to finish what it is doing.
const STOP_WAIT: Duration = Duration::from_secs(60);

/// How the bot stopped at the end of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// It exited on SIGTERM, with success.
    Clean,
    /// It was still running 60 s after SIGTERM and was killed: its shutdown line (the
    /// write-lock waits) is missing.
    Killed,
}
