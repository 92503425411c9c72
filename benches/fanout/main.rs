//! Monday 09:00 under load: benchmarks 1, 2 and 6 of docs/BENCHMARKS.md, from one set of runs.
//!
//! Each run seeds N cohorts due at 09:00 (and participants enrolled in them) into a fresh
//! simulator and a fresh database (a SQLite file, or a PostgreSQL schema), then starts the real `allybot run` binary as a child process
//! whose clock reaches 09:00 a few seconds after it is ready, and measures:
//!
//! - 6, cold start: from spawning the process to the simulator seeing the gateway connected and
//!   the commands registered, on a database of N cohorts;
//! - 1, fan-out: the first to the last nudge post against the floor (N − 1) / rate, 429s, and
//!   the bot process's resident memory (VmRSS) sampled throughout;
//! - 2, interaction latency during the fan-out: participants send a realistic mix at the first
//!   rate for the first part of the fan-out, then at the next rate, and so on; the simulator
//!   times each from INTERACTION_CREATE to the callback's arrival. The write-lock waits come
//!   from the line the bot logs when it stops.
//!
//! Run: `cargo bench --bench fanout` (300 cohorts, 3 runs), or the full size with
//! `cargo bench --bench fanout -- --cohorts 10000`. Results go in docs/BENCHMARKS.md by hand,
//! with the machine line this prints.
//!
//! Backends: `--backends sqlite` (the default), `--backends postgres`, or
//! `--backends sqlite,postgres` to run the same N, rates and number of runs on each, one backend
//! after the other, and end with the two side by side. PostgreSQL needs `ALLYBOT_TEST_PG_URL`
//! (e.g. `postgres://postgres@127.0.0.1:5432/test`); each run then seeds and runs the bot on a
//! fresh schema there, dropped afterwards. The bench refuses to start without it.

mod bot_process;
mod database;
mod figures;
mod participants;
mod world;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use allybot::config;
use allybot::sim::{RecordedRequest, SimOptions, Simulator};
use chrono::Utc;
use clap::{Parser, ValueEnum};

use bot_process::{BotProcess, Stop};
use database::{Backend, RunDatabase};
use figures::{field, millis, ms, percentile, spread};
use participants::{Kind, Load, Sample};

/// How often the fan-out's progress and the bot's memory are sampled.
const POLL: Duration = Duration::from_millis(100);
/// Discord's interaction deadline.
const DEADLINE: Duration = Duration::from_secs(3);

#[derive(Debug, Parser)]
struct Args {
    /// Cohorts due at the same minute (the full benchmark: 10000).
    #[arg(long, default_value_t = 300)]
    cohorts: usize,
    /// Simulated participants, spread over the cohorts (default: one per cohort, at most 2000).
    #[arg(long)]
    participants: Option<usize>,
    /// Interactions a second, one rate after the other over equal parts of the fan-out.
    #[arg(long, value_delimiter = ',', default_values_t = [100, 500])]
    rates: Vec<u32>,
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// The databases to run on, one after the other, each with every run.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Backend::Sqlite])]
    backends: Vec<Backend>,
    /// Passed by `cargo bench`.
    #[arg(long, hide = true)]
    bench: bool,
}

struct RateFigures {
    rate: u32,
    achieved: f64,
    sent: usize,
    p50: f64,
    p95: f64,
    p99: f64,
    max: f64,
    over_deadline: usize,
    unanswered: usize,
    rejected: usize,
}

struct Run {
    cold_start: Duration,
    rss_ready_mib: f64,
    rss_peak_mib: f64,
    span: Duration,
    from_minute: Duration,
    posted: usize,
    limited: usize,
    rates: Vec<RateFigures>,
    flow_errors: usize,
    waits: Vec<(String, u64)>,
    /// The bot's WARN and ERROR lines: each kind and how many.
    log_problems: Vec<(String, usize)>,
    stop: Stop,
    load: String,
    samples: Vec<Sample>,
}

fn is_post(r: &RecordedRequest) -> bool {
    r.method == "POST" && r.path.starts_with("/channels/") && r.path.ends_with("/messages")
}

async fn one_run(args: &Args, backend: Backend, limit: f64) -> anyhow::Result<Run> {
    let participants = args.participants.unwrap_or(args.cohorts.min(2000));
    let sim = Arc::new(Simulator::start(SimOptions::default()).await?);
    let dir = tempfile::tempdir()?;
    let database = RunDatabase::create(backend, dir.path()).await?;
    let url = database.url();
    let key = dir.path().join("allybot.key");
    let seeding = Instant::now();
    let world = world::seed(&sim, url, &key, args.cohorts, participants).await?;
    eprintln!(
        "  seeded {} cohorts and {} participants in {:.1} s",
        args.cohorts,
        world.participants.len(),
        seeding.elapsed().as_secs_f64()
    );

    // 09:00 comes this long after the spawn: time to start, with room to spare.
    let lead = Duration::from_secs(15 + args.cohorts as u64 / 1000);
    let clock_start = world::at("2026-11-23T09:00:00Z") - chrono::Duration::from_std(lead)?;
    let offset = clock_start - Utc::now();
    sim.set_clock(move || Utc::now() + offset);
    let load_before = figures::load_average();
    let bot = BotProcess::spawn(&sim, dir.path(), url, &key, clock_start)?;
    let minute = bot.spawned + lead;
    anyhow::ensure!(
        sim.wait_until_ready(Duration::from_secs(120)).await,
        "the bot did not become ready"
    );
    let cold_start = bot.spawned.elapsed();
    if cold_start >= lead {
        eprintln!("  warning: ready after 09:00; the cold start overlaps the fan-out");
    }
    let rss_ready = bot.rss_kib().unwrap_or(0);
    let mut rss_peak = rss_ready;

    let load = Load::start(sim.clone(), &world.participants);
    let deadline = minute + Duration::from_secs_f64(args.cohorts as f64 / limit * 2.0 + 60.0);
    let mut phases: Vec<Instant> = Vec::new();
    loop {
        tokio::time::sleep(POLL).await;
        rss_peak = rss_peak.max(bot.rss_kib().unwrap_or(0));
        let posted = sim.count_requests(|r| is_post(r) && r.status == 200);
        if posted > 0 {
            let phase = (posted * args.rates.len() / args.cohorts.max(1))
                .min(args.rates.len().saturating_sub(1));
            while phases.len() <= phase {
                load.set_rate(args.rates.get(phases.len()).copied().unwrap_or(0));
                phases.push(Instant::now());
            }
        }
        if posted >= args.cohorts || Instant::now() > deadline {
            break;
        }
    }
    phases.push(Instant::now());
    let outcome = load.finish().await;
    let (log, stop) = bot.stop().await?;
    let load_after = figures::load_average();

    let posts = sim.requests_matching(is_post);
    let sent: Vec<_> = posts.iter().filter(|r| r.status == 200).collect();
    let (span, from_minute) = match (sent.first(), sent.last()) {
        (Some(first), Some(last)) => (
            last.at.duration_since(first.at),
            last.at.saturating_duration_since(minute),
        ),
        _ => (Duration::ZERO, Duration::ZERO),
    };
    let rates = args
        .rates
        .iter()
        .enumerate()
        .map(|(i, rate)| {
            let lasted = match (phases.get(i), phases.get(i + 1)) {
                (Some(start), Some(end)) => end.duration_since(*start),
                _ => Duration::ZERO,
            };
            rate_figures(*rate, lasted, &outcome.samples)
        })
        .collect();
    Ok(Run {
        cold_start,
        rss_ready_mib: rss_ready as f64 / 1024.0,
        rss_peak_mib: rss_peak as f64 / 1024.0,
        span,
        from_minute,
        posted: sent.len(),
        limited: posts.iter().filter(|r| r.status == 429).count(),
        rates,
        flow_errors: outcome.flow_errors,
        waits: figures::write_waits(&log),
        log_problems: figures::log_problems(&log),
        stop,
        load: format!("{load_before} → {load_after}"),
        samples: outcome.samples,
    })
}

fn rate_figures(rate: u32, lasted: Duration, samples: &[Sample]) -> RateFigures {
    let at_rate: Vec<&Sample> = samples.iter().filter(|s| s.rate == rate).collect();
    let acks: Vec<Duration> = at_rate.iter().filter_map(|s| s.ack).collect();
    RateFigures {
        rate,
        achieved: at_rate.len() as f64 / lasted.as_secs_f64().max(f64::EPSILON),
        sent: at_rate.len(),
        p50: millis(percentile(&acks, 0.50)),
        p95: millis(percentile(&acks, 0.95)),
        p99: millis(percentile(&acks, 0.99)),
        max: millis(acks.iter().max().copied().unwrap_or_default()),
        over_deadline: acks.iter().filter(|a| **a > DEADLINE).count(),
        unanswered: at_rate.iter().filter(|s| s.ack.is_none()).count(),
        rejected: at_rate.iter().filter(|s| s.rejected).count(),
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Runtime::new()?;
    let limit = f64::from(config::load(None, &[])?.outbound.max_requests_per_second);
    // Asked for PostgreSQL without a server to run on: say so before the first run, not after
    // the SQLite runs.
    let postgres = if args.backends.contains(&Backend::Postgres) {
        Some(runtime.block_on(database::check_postgres())?)
    } else {
        None
    };
    println!("Machine: {}", figures::machine());
    if let Some(version) = &postgres {
        println!("PostgreSQL: server {version}, same machine, over TCP to 127.0.0.1");
    }
    println!(
        "Command: cargo bench --bench fanout -- --cohorts {} --rates {} --runs {}{} --backends {}",
        args.cohorts,
        args.rates
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(","),
        args.runs,
        args.participants
            .map(|p| format!(" --participants {p}"))
            .unwrap_or_default(),
        args.backends
            .iter()
            .filter_map(|b| b.to_possible_value())
            .map(|v| v.get_name().to_owned())
            .collect::<Vec<_>>()
            .join(","),
    );
    let mut by_backend = Vec::new();
    for &backend in &args.backends {
        let mut runs = Vec::new();
        for number in 1..=args.runs {
            eprintln!("run {number} of {} on {backend}", args.runs);
            let run = runtime.block_on(one_run(&args, backend, limit))?;
            print_run(number, backend, &run, args.cohorts, limit);
            runs.push(run);
        }
        print_summary(backend, &runs, args.cohorts, limit);
        by_backend.push((backend, runs));
    }
    if by_backend.len() > 1 {
        print_side_by_side(&by_backend, args.cohorts, limit);
    }
    Ok(())
}

fn print_run(number: usize, backend: Backend, run: &Run, cohorts: usize, limit: f64) {
    let floor = cohorts.saturating_sub(1) as f64 / limit;
    println!(
        "run {number} on {backend}: cold start {:.2} s, RSS {:.0} MiB at ready, {:.0} MiB peak; {} of {cohorts} posted, span {:.2} s / floor {floor:.2} s = {:.3}, 09:00 to last {:.2} s, {} 429s; {} flow errors; load {}",
        run.cold_start.as_secs_f64(), run.rss_ready_mib, run.rss_peak_mib, run.posted,
        run.span.as_secs_f64(), run.span.as_secs_f64() / floor.max(f64::EPSILON),
        run.from_minute.as_secs_f64(), run.limited, run.flow_errors, run.load,
    );
    for r in &run.rates {
        println!(
            "  {}/s (achieved {:.0}/s, {} sent): p50 {} p95 {} p99 {} max {}; over 3 s {}, unanswered {}, rejected {}",
            r.rate, r.achieved, r.sent, ms(r.p50), ms(r.p95), ms(r.p99), ms(r.max),
            r.over_deadline, r.unanswered, r.rejected,
        );
    }
    println!("  write lock waits: {:?}", run.waits);
    if run.stop == Stop::Killed {
        println!("  the bot had not stopped 60 s after SIGTERM and was killed");
    }
    let lines: usize = run.log_problems.iter().map(|(_, count)| count).sum();
    if lines > 0 {
        println!(
            "  the bot logged {} at WARN or ERROR:",
            plural(lines, "line")
        );
        for (kind, count) in run.log_problems.iter().take(8) {
            println!("    {count} × {kind}");
        }
    }
}

fn print_summary(backend: Backend, runs: &[Run], cohorts: usize, limit: f64) {
    let floor = cohorts.saturating_sub(1) as f64 / limit;
    let of = |f: &dyn Fn(&Run) -> f64| runs.iter().map(f).collect::<Vec<f64>>();
    let secs = |v: f64| format!("{v:.2} s");
    let mib = |v: f64| format!("{v:.0} MiB");
    let total = |f: &dyn Fn(&Run) -> usize| runs.iter().map(f).sum::<usize>();
    println!(
        "\n{backend}: median (min–max) over {} of {cohorts} cohorts:\n",
        plural(runs.len(), "run")
    );
    println!("| cold start to ready | floor (N−1)/rate | span first→last | span / floor | 09:00 → last | 429s | RSS at ready | RSS peak |");
    println!("|---|---|---|---|---|---|---|---|");
    println!(
        "| {} | {floor:.2} s | {} | {} | {} | {} | {} | {} |",
        spread(&of(&|r| r.cold_start.as_secs_f64()), secs),
        spread(&of(&|r| r.span.as_secs_f64()), secs),
        spread(
            &of(&|r| r.span.as_secs_f64() / floor.max(f64::EPSILON)),
            |v| format!("{v:.3}")
        ),
        spread(&of(&|r| r.from_minute.as_secs_f64()), secs),
        total(&|r| r.limited),
        spread(&of(&|r| r.rss_ready_mib), mib),
        spread(&of(&|r| r.rss_peak_mib), mib),
    );
    println!("\n| rate | achieved | interactions | p50 | p95 | p99 | max | over 3 s | unanswered | refused |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let rates: Vec<u32> = runs
        .first()
        .map(|r| r.rates.iter().map(|f| f.rate).collect())
        .unwrap_or_default();
    for (i, rate) in rates.iter().enumerate() {
        let at = |f: &dyn Fn(&RateFigures) -> f64| {
            runs.iter()
                .filter_map(|r| r.rates.get(i))
                .map(f)
                .collect::<Vec<f64>>()
        };
        let count = |f: &dyn Fn(&RateFigures) -> usize| {
            runs.iter()
                .filter_map(|r| r.rates.get(i))
                .map(f)
                .sum::<usize>()
        };
        println!(
            "| {rate}/s | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            spread(&at(&|r| r.achieved), |v| format!("{v:.0}/s")),
            count(&|r| r.sent),
            spread(&at(&|r| r.p50), ms),
            spread(&at(&|r| r.p95), ms),
            spread(&at(&|r| r.p99), ms),
            spread(&at(&|r| r.max), ms),
            count(&|r| r.over_deadline),
            count(&|r| r.unanswered),
            count(&|r| r.rejected),
        );
    }
    println!("\nWrite transactions' waits for the write lock, per run:\n");
    println!(
        "| transactions | total wait | max | < 1 ms | 1–10 ms | 10–100 ms | 100 ms–1 s | ≥ 1 s |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for run in runs {
        let w = &run.waits;
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            field(w, "transactions"),
            ms(field(w, "total_us") as f64 / 1000.0),
            ms(field(w, "max_us") as f64 / 1000.0),
            field(w, "under_1ms"),
            field(w, "to_10ms"),
            field(w, "to_100ms"),
            field(w, "to_1s"),
            field(w, "from_1s"),
        );
    }
    println!("\nAcknowledgement latency by interaction, all runs and rates pooled:\n");
    println!("| interaction | count | p50 | p99 | max | unanswered |");
    println!("|---|---|---|---|---|---|");
    let mut by_kind: BTreeMap<Kind, Vec<&Sample>> = BTreeMap::new();
    for sample in runs.iter().flat_map(|r| &r.samples) {
        by_kind.entry(sample.kind).or_default().push(sample);
    }
    for (kind, samples) in by_kind {
        let acks: Vec<Duration> = samples.iter().filter_map(|s| s.ack).collect();
        println!(
            "| {kind:?} | {} | {} | {} | {} | {} |",
            samples.len(),
            ms(millis(percentile(&acks, 0.5))),
            ms(millis(percentile(&acks, 0.99))),
            ms(millis(acks.iter().max().copied().unwrap_or_default())),
            samples.iter().filter(|s| s.ack.is_none()).count(),
        );
    }
}

/// The backends' medians in one table: same N, same rates, same number of runs.
fn print_side_by_side(by_backend: &[(Backend, Vec<Run>)], cohorts: usize, limit: f64) {
    let floor = cohorts.saturating_sub(1) as f64 / limit;
    let rates: Vec<u32> = by_backend
        .first()
        .and_then(|(_, runs)| runs.first())
        .map(|r| r.rates.iter().map(|f| f.rate).collect())
        .unwrap_or_default();
    println!("\nSide by side, medians (min–max) of {cohorts} cohorts, floor {floor:.2} s:\n");
    let mut header = String::from(
        "| backend | runs | posted | span / floor | 09:00 → last | 429s | cold start | RSS peak |",
    );
    for rate in &rates {
        header.push_str(&format!(
            " p50 at {rate}/s | p99 at {rate}/s | unanswered at {rate}/s |"
        ));
    }
    println!("{header}");
    println!("|{}", "---|".repeat(8 + 3 * rates.len()));
    for (backend, runs) in by_backend {
        let of = |f: &dyn Fn(&Run) -> f64| runs.iter().map(f).collect::<Vec<f64>>();
        let mut row = format!(
            "| {backend} | {} | {} of {cohorts} | {} | {} | {} | {} | {} |",
            runs.len(),
            spread(&of(&|r| r.posted as f64), |v| format!("{v:.0}")),
            spread(
                &of(&|r| r.span.as_secs_f64() / floor.max(f64::EPSILON)),
                |v| format!("{v:.3}")
            ),
            spread(&of(&|r| r.from_minute.as_secs_f64()), |v| format!(
                "{v:.2} s"
            )),
            runs.iter().map(|r| r.limited).sum::<usize>(),
            spread(&of(&|r| r.cold_start.as_secs_f64()), |v| format!(
                "{v:.2} s"
            )),
            spread(&of(&|r| r.rss_peak_mib), |v| format!("{v:.0} MiB")),
        );
        for i in 0..rates.len() {
            let at = |f: &dyn Fn(&RateFigures) -> f64| {
                runs.iter()
                    .filter_map(|r| r.rates.get(i))
                    .map(f)
                    .collect::<Vec<f64>>()
            };
            row.push_str(&format!(
                " {} | {} | {} |",
                spread(&at(&|r| r.p50), ms),
                spread(&at(&|r| r.p99), ms),
                runs.iter()
                    .filter_map(|r| r.rates.get(i))
                    .map(|r| r.unanswered)
                    .sum::<usize>(),
            ));
        }
        println!("{row}");
    }
}

/// "1 run", "3 runs".
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
