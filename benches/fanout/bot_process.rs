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

    /// Stops the bot as an operator would (SIGTERM), waits for it, and returns its log.
    pub async fn stop(mut self) -> anyhow::Result<String> {
        std::process::Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()?;
        match tokio::time::timeout(Duration::from_secs(60), self.child.wait()).await {
            Ok(status) => {
                let status = status?;
                anyhow::ensure!(status.success(), "the bot exited with {status}");
            }
            Err(_) => anyhow::bail!("the bot did not stop within 60 s of SIGTERM"),
        }
        Ok(std::fs::read_to_string(&self.log)?)
    }
}
