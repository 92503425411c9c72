//! Benchmark 5: the bot's resident memory with many guilds, after their GUILD_CREATE, idle, and
//! over a simulated day.
//!
//! The simulator runs in this process; the bot runs as a child process, so its resident set
//! (VmRSS in /proc/<pid>/status) does not include the simulator's. Each guild is of realistic
//! size: 20 text channels, 10 roles (with @everyone), 50 members besides the owner (the
//! GUILD_CREATE carries the channels and roles; with only the GUILDS intent, Discord sends the
//! bot's own member and the member count, not the member list, and so does the simulator).
//! One guild in ten has a cohort with a channel and 09:00 nudges on weekdays, and 5 members.
//!
//! Two children, each started on a fresh simulator and database:
//! - **idle**: the real `allybot run` binary (the bench's CARGO_BIN_EXE_allybot, same profile),
//!   with its shipped configuration and cache settings. Measured once every guild is stored
//!   (the bot writes a row per GUILD_CREATE) and a `/about` has been answered after that, then
//!   again after 10 s idle.
//! - **day**: the release binary has no settable clock, so a day is run by this bench's own
//!   executable started as the child (`ALLYBOT_BENCH_CHILD=1`): it starts the bot exactly as
//!   `allybot run` does (`app::start` with the configuration from the environment), but on a
//!   `ManualClock` that the parent moves in 15-minute steps through a Monday, 00:00 to 24:00 UTC,
//!   waiting after each step for the scheduler to settle (the 09:00 fan-out of the cohorts'
//!   nudges included). Every hour, 10 participants run `/today` and `/progress`. The resident
//!   set is read after GUILD_CREATE and every hour.
//!
//! Bound: under 150 MB at 10,000 guilds, and flat over the day.
//!
//! Run: `cargo bench --bench memory` (1,000 guilds), or `-- 1000 10000` for both sizes.

#[path = "measure/mod.rs"]
mod measure;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use allybot::app::{self, BotOptions};
use allybot::clock::ManualClock;
use allybot::config;
use allybot::domain::{SendTime, WorkWeek};
use allybot::sim::{Actor, SimOptions, Simulator};
use allybot::store::{CreateOutcome, NewCohort, Store};
use chrono::{DateTime, NaiveDate, Utc};
use measure::Spread;

const RUNS: usize = 3;
const CHILD: &str = "ALLYBOT_BENCH_CHILD";
const CHANNELS: usize = 20;
/// Roles besides @everyone.
const ROLES: usize = 9;
const MEMBERS: usize = 50;
const COHORT_MEMBERS: usize = 5;
/// Participants who use commands every hour of the day.
const ACTIVE: usize = 10;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .unwrap_or_default()
}

fn day_start() -> DateTime<Utc> {
    at("2026-11-23T00:00:00Z")
}

/// The bot's resident set and its peak, in MB, from /proc.
fn resident_mb(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The world: `guilds` guilds, a cohort in one of ten. Returns the participants who will use
/// commands (an actor in a cohort guild each).
async fn build_world(sim: &Simulator, store: &Store, guilds: usize) -> anyhow::Result<Vec<Actor>> {
    let settings = config::load(None, &[])?;
    let curriculum = app::load_curriculum(&settings)?;
    let track = curriculum
        .track("accomplice")
        .ok_or_else(|| anyhow::anyhow!("no track"))?;
    let created = at("2026-11-16T12:00:00Z");
    let mut actors = Vec::new();
    for g in 0..guilds {
        let owner = sim.add_user(&format!("owner{g}"));
        let guild = sim.add_guild(&format!("Org {g}"), owner);
        let roles: Vec<u64> = (0..ROLES)
            .map(|r| sim.add_role(guild, &format!("role {r}"), 0))
            .collect();
        let channels: Vec<u64> = (0..CHANNELS)
            .map(|c| sim.add_text_channel(guild, &format!("channel-{c}")))
            .collect();
        let members: Vec<u64> = (0..MEMBERS)
            .map(|m| {
                let user = sim.add_user(&format!("m{g}-{m}"));
                sim.add_member(guild, user, &[roles[m % ROLES]]);
                user
            })
            .collect();
        if g % 10 != 0 {
            continue;
        }
        store.upsert_guild(guild, created).await?;
        let (plan, pace) = track.new_cohort_plan(g as u64);
        let CreateOutcome::Created(cohort) = store
            .create_cohort(
                NewCohort {
                    guild_id: guild,
                    name: "Practice",
                    track: &track.id,
                    track_version: &track.version,
                    plan: &plan,
                    pace: &pace,
                    seed: g as u64,
                    start: NaiveDate::from_ymd_opt(2026, 11, 16).unwrap_or_default(),
                    created_by: owner,
                },
                created,
            )
            .await?
        else {
            anyhow::bail!("cohort in guild {g} not created");
        };
        store
            .set_schedule(
                cohort.id,
                SendTime::parse("09:00")?,
                chrono_tz::UTC,
                WorkWeek::MON_FRI,
            )
            .await?;
        store.set_channel(cohort.id, channels[0], created).await?;
        for &user in &members[..COHORT_MEMBERS] {
            store.join_cohort(guild, cohort.id, user, created).await?;
        }
        if actors.len() < ACTIVE {
            actors.push(Actor {
                user: members[0],
                guild: Some(guild),
                channel: channels[1],
            });
        }
    }
    Ok(actors)
}

fn bot_env(command: &mut Command, sim: &Simulator, dir: &Path) {
    command
        .env("DISCORD_TOKEN", "memory-bench")
        .env("ALLYBOT__DISCORD__PROXY_URL", sim.base_url())
        .env(
            "ALLYBOT__DATABASE__URL",
            format!("sqlite://{}/allybot.db", dir.display()),
        )
        .env(
            "ALLYBOT__PRIVACY__DATA_KEY_FILE",
            dir.join("key").display().to_string(),
        )
        .env("ALLYBOT__LOG__FILTER", "warn")
        .stderr(Stdio::null());
}

/// Waits until the bot has stored every guild and answered a command sent after that.
async fn wait_for_guilds(
    sim: &Simulator,
    url: &str,
    guilds: usize,
    probe: Actor,
    child: &mut Child,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        sim.wait_until_ready(Duration::from_secs(120)).await,
        "the bot did not connect"
    );
    let pool = sqlx::SqlitePool::connect(url).await?;
    loop {
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM guilds")
            .fetch_one(&pool)
            .await?;
        if stored as usize >= guilds {
            break;
        }
        anyhow::ensure!(child.try_wait()?.is_none(), "the bot exited");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    pool.close().await;
    let handle = sim.slash(probe, "about", &[])?;
    handle.reply_within(Duration::from_secs(60)).await?;
    Ok(())
}

struct Idle {
    after_create: f64,
    idle: f64,
}

async fn idle_run(guilds: usize) -> anyhow::Result<Idle> {
    let sim = Simulator::start(SimOptions::default()).await?;
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))?;
    let url = format!("sqlite://{}/allybot.db", dir.path().display());
    let store = Store::open(&url).await?;
    let actors = build_world(&sim, &store, guilds).await?;
    store.close().await;
    let mut command = Command::new(env!("CARGO_BIN_EXE_allybot"));
    command.arg("run").stdout(Stdio::null());
    bot_env(&mut command, &sim, dir.path());
    let mut child = command.spawn()?;
    let pid = child.id();
    let waited = wait_for_guilds(&sim, &url, guilds, actors[0], &mut child).await;
    let (after_create, _) = resident_mb(pid);
    tokio::time::sleep(Duration::from_secs(10)).await;
    let (idle, _) = resident_mb(pid);
    stop(child);
    waited?;
    Ok(Idle { after_create, idle })
}

fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

struct Day {
    start: f64,
    hourly: Vec<f64>,
    peak: f64,
}

/// Talks to the child over its stdin and stdout: "set <instant>" → "settled".
struct Remote {
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Remote {
    async fn set(mut self, to: DateTime<Utc>) -> anyhow::Result<Self> {
        tokio::task::spawn_blocking(move || {
            writeln!(self.input, "{}", to.to_rfc3339())?;
            let mut line = String::new();
            self.output.read_line(&mut line)?;
            anyhow::ensure!(line.trim() == "settled", "the child said {line:?}");
            Ok(self)
        })
        .await?
    }
}

async fn day_run(guilds: usize) -> anyhow::Result<Day> {
    let sim = Simulator::start(SimOptions::default()).await?;
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))?;
    let url = format!("sqlite://{}/allybot.db", dir.path().display());
    let store = Store::open(&url).await?;
    let actors = build_world(&sim, &store, guilds).await?;
    store.close().await;
    let mut command = Command::new(std::env::current_exe()?);
    command
        .env(CHILD, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    bot_env(&mut command, &sim, dir.path());
    let mut child = command.spawn()?;
    let pid = child.id();
    let result = async {
        wait_for_guilds(&sim, &url, guilds, actors[0], &mut child).await?;
        let (start, _) = resident_mb(pid);
        let mut remote = Remote {
            input: child
                .stdin
                .take()
                .ok_or_else(|| anyhow::anyhow!("no stdin"))?,
            output: BufReader::new(
                child
                    .stdout
                    .take()
                    .ok_or_else(|| anyhow::anyhow!("no stdout"))?,
            ),
        };
        let mut hourly = Vec::new();
        for quarter in 1..=96 {
            remote = remote
                .set(day_start() + chrono::Duration::minutes(15 * quarter))
                .await?;
            if quarter % 4 == 0 {
                for &actor in &actors {
                    for command in ["today", "progress"] {
                        sim.slash(actor, command, &[])?
                            .reply_within(Duration::from_secs(30))
                            .await?;
                    }
                }
                hourly.push(resident_mb(pid).0);
            }
        }
        let (_, peak) = resident_mb(pid);
        anyhow::ensure!(
            sim.requests()
                .iter()
                .any(|r| r.method == "POST" && r.path.ends_with("/messages")),
            "no nudge was posted during the day"
        );
        Ok(Day {
            start,
            hourly,
            peak,
        })
    }
    .await;
    stop(child);
    result
}

/// The child of a day run: the bot as `allybot run` starts it, on a clock moved over stdin.
fn child_main() -> anyhow::Result<()> {
    let env: Vec<(String, String)> = std::env::vars().collect();
    let settings = config::load(None, &env)?;
    allybot::telemetry::init(&settings.log.filter);
    let token = config::load_token(&settings, &env)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let curriculum = app::load_curriculum(&settings)?;
        let clock = ManualClock::new(day_start());
        let bot = app::start(BotOptions {
            settings,
            token,
            clock: Arc::new(clock.clone()),
            curriculum,
        })
        .await?;
        let mut lines =
            tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(tokio::io::stdin()));
        while let Some(line) = lines.next_line().await? {
            clock.set(at(line.trim()));
            bot.scheduler().settle().await;
            println!("settled");
        }
        bot.shutdown().await;
        anyhow::Ok(())
    })
}

async fn bench(guilds: usize) -> anyhow::Result<()> {
    let mut after_create = Vec::new();
    let mut idle = Vec::new();
    for run in 1..=RUNS {
        let r = idle_run(guilds).await?;
        println!(
            "{guilds} guilds, allybot run, run {run}: {:.1} MB after GUILD_CREATE, {:.1} MB after 10 s idle, load {}",
            r.after_create,
            r.idle,
            measure::load_average()
        );
        after_create.push(r.after_create);
        idle.push(r.idle);
    }
    let mut starts = Vec::new();
    let mut ends = Vec::new();
    let mut growth = Vec::new();
    let mut peaks = Vec::new();
    for run in 1..=RUNS {
        let d = day_run(guilds).await?;
        let end = d.hourly.last().copied().unwrap_or(0.0);
        println!(
            "{guilds} guilds, day, run {run}: {:.1} MB at 00:00, hourly {:?} MB, peak {:.1} MB, load {}",
            d.start,
            d.hourly.iter().map(|m| (m * 10.0).round() / 10.0).collect::<Vec<_>>(),
            d.peak,
            measure::load_average()
        );
        starts.push(d.start);
        ends.push(end);
        growth.push(end - d.start);
        peaks.push(d.peak);
    }
    let idle_spread = Spread::of(&idle);
    println!(
        "{guilds} guilds, {RUNS} runs: allybot run after GUILD_CREATE {} MB, idle {} MB (bound < 150 MB at 10,000 guilds: ratio {:.2}) · day: 00:00 {} MB, 24:00 {} MB, growth {} MB, peak {} MB",
        Spread::of(&after_create).show(1),
        idle_spread.show(1),
        idle_spread.median / 150.0,
        Spread::of(&starts).show(1),
        Spread::of(&ends).show(1),
        Spread::of(&growth).show(1),
        Spread::of(&peaks).show(1),
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    if std::env::var_os(CHILD).is_some() {
        return child_main();
    }
    let sizes = measure::sizes(&[1_000]);
    measure::print_machine_for("memory", &sizes);
    let runtime = tokio::runtime::Runtime::new()?;
    for guilds in sizes {
        runtime.block_on(bench(guilds))?;
    }
    Ok(())
}
