//! End-to-end fan-out benchmark: the real bot posts N cohorts' nudges to the simulator, which
//! enforces Discord's rate limits, while a participant keeps using a command. Reports, per N,
//! the median time from first to last post against the N/rate floor, 429s, and the latency of
//! interaction acknowledgements during the fan-out. The pacing goal, a span within 10 % of
//! the floor, is checked here (the end-to-end tests check only exactly-once and zero 429s:
//! wall-clock bounds belong to a benchmark run on a quiet machine).
//!
//! Run: `cargo bench --bench fanout` (optionally `-- 100 1000` for the sizes). Results go in
//! docs/BENCHMARKS.md by hand, with the machine they came from.

use std::sync::Arc;
use std::time::{Duration, Instant};

use allybot::app::{self, BotOptions};
use allybot::clock::ManualClock;
use allybot::config::{self, CommandScope, Secret};
use allybot::domain::{SendTime, WorkWeek};
use allybot::sim::{Actor, SimOptions, Simulator};
use allybot::store::{CreateOutcome, NewCohort};
use chrono::{DateTime, NaiveDate, Utc};

const RUNS: usize = 3;

struct Run {
    span: Duration,
    limited: usize,
    acks: Vec<Duration>,
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .unwrap_or_default()
}

async fn one_run(cohorts: usize) -> anyhow::Result<Run> {
    let sim = Simulator::start(SimOptions::default()).await?;
    let owner = sim.add_user("owner");
    let guild = sim.add_guild("Bench Org", owner);
    let general = sim.add_text_channel(guild, "general");
    let member = sim.add_user("member");
    sim.add_member(guild, member, &[]);
    let dir = tempfile::tempdir()?;
    let mut settings = config::load(None, &[])?;
    settings.database.url = format!("sqlite://{}", dir.path().join("bench.db").display());
    settings.discord.proxy_url = Some(sim.base_url());
    settings.discord.command_scope = CommandScope::Guild(guild);
    settings.privacy.data_key_file = dir.path().join("key");
    let rate = settings.outbound.max_requests_per_second;
    let curriculum = app::load_curriculum(&settings)?;
    let clock = ManualClock::new(at("2026-11-23T08:00:00Z"));
    let bot = app::start(BotOptions {
        settings,
        token: Secret::new("bench"),
        clock: Arc::new(clock.clone()),
        curriculum: curriculum.clone(),
    })
    .await?;
    anyhow::ensure!(
        sim.wait_until_ready(Duration::from_secs(30)).await,
        "bot not ready"
    );

    let track = curriculum
        .track("accomplice")
        .ok_or_else(|| anyhow::anyhow!("no track"))?;
    let store = bot.store();
    for i in 0..cohorts {
        let channel = sim.add_text_channel(guild, &format!("c{i}"));
        let (plan, pace) = track.new_cohort_plan(i as u64);
        let new = NewCohort {
            guild_id: guild,
            name: &format!("Cohort {i}"),
            track: &track.id,
            track_version: &track.version,
            plan: &plan,
            pace: &pace,
            seed: i as u64,
            start: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default(),
            created_by: owner,
        };
        let CreateOutcome::Created(cohort) = store.create_cohort(new, clock_now(&clock)).await?
        else {
            continue;
        };
        store
            .set_schedule(
                cohort.id,
                SendTime::parse("09:00")?,
                chrono_tz::UTC,
                WorkWeek::MON_FRI,
            )
            .await?;
        store
            .set_channel(cohort.id, channel, clock_now(&clock))
            .await?;
    }

    clock.set(at("2026-11-23T09:00:00Z"));
    let settle = bot.scheduler().settle();
    let actor = Actor {
        user: member,
        guild: Some(guild),
        channel: general,
    };
    let probe = async {
        let mut acks = Vec::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs_f64(cohorts as f64 / f64::from(rate) * 0.8) {
            if let Ok(handle) = sim.slash(actor, "about", &[]) {
                if handle.reply().await.is_ok() {
                    acks.extend(handle.ack_latency());
                }
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        acks
    };
    let ((), acks) = tokio::join!(settle, probe);

    let posts: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .collect();
    let limited = posts.iter().filter(|r| r.status == 429).count();
    let span = match (posts.first(), posts.last()) {
        (Some(first), Some(last)) => last.at.duration_since(first.at),
        _ => Duration::ZERO,
    };
    bot.shutdown().await;
    Ok(Run {
        span,
        limited,
        acks,
    })
}

fn clock_now(clock: &ManualClock) -> DateTime<Utc> {
    use allybot::clock::Clock;
    clock.now()
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn percentile(mut values: Vec<Duration>, p: f64) -> Duration {
    values.sort();
    let index = ((values.len() as f64 - 1.0) * p).round() as usize;
    values.get(index).copied().unwrap_or_default()
}

fn main() -> anyhow::Result<()> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100, 500, 1000]
    } else {
        sizes
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let rate = f64::from(config::load(None, &[])?.outbound.max_requests_per_second);
    println!("| cohorts | floor (N-1)/rate | median span | median / floor | within 10 % | 429s | ack p50 | ack p95 | ack max |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for cohorts in sizes {
        let mut spans = Vec::new();
        let mut acks = Vec::new();
        let mut limited = 0;
        for _ in 0..RUNS {
            let run = runtime.block_on(one_run(cohorts))?;
            spans.push(run.span);
            acks.extend(run.acks);
            limited += run.limited;
        }
        let floor = (cohorts.saturating_sub(1)) as f64 / rate;
        let span = median(spans);
        let ratio = span.as_secs_f64() / floor.max(f64::EPSILON);
        println!(
            "| {cohorts} | {floor:.2} s | {:.2} s | {ratio:.3} | {} | {limited} | {:?} | {:?} | {:?} |",
            span.as_secs_f64(),
            if (ratio - 1.0).abs() <= 0.10 { "yes" } else { "NO" },
            percentile(acks.clone(), 0.5),
            percentile(acks.clone(), 0.95),
            acks.iter().max().copied().unwrap_or_default(),
        );
    }
    Ok(())
}
