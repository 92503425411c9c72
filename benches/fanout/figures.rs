//! Percentiles, medians with their spread, the write-lock waits the bot logs at shutdown, and
//! the machine the figures came from.

use std::time::Duration;

pub fn percentile(values: &[Duration], p: f64) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

/// "median (min–max)" of one figure over the runs.
pub fn spread(values: &[f64], show: impl Fn(f64) -> String) -> String {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match (sorted.first(), sorted.get(sorted.len() / 2), sorted.last()) {
        (Some(min), Some(median), Some(max)) => {
            format!("{} ({}–{})", show(*median), show(*min), show(*max))
        }
        _ => "-".into(),
    }
}

pub fn ms(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.2} ms")
    } else {
        format!("{value:.0} ms")
    }
}

pub fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The "write lock waits" line `allybot` logs when it stops: field name -> value.
pub fn write_waits(log: &str) -> Vec<(String, u64)> {
    let Some(line) = log.lines().rev().find(|l| l.contains("write lock waits")) else {
        return Vec::new();
    };
    line.split_whitespace()
        .filter_map(|field| {
            let (name, value) = field.split_once('=')?;
            Some((name.to_owned(), value.parse().ok()?))
        })
        .collect()
}

/// The bot's WARN and ERROR lines (its filter lets a few INFO lines through), but for the
/// warning that its clock is shifted, which the bench asked for: how many of each kind, most
/// first. A kind is the line without its timestamp and from its first `key=value` field on, so
/// the same warning about different rows counts as one.
pub fn log_problems(log: &str) -> Vec<(String, usize)> {
    let mut kinds: std::collections::BTreeMap<String, usize> = Default::default();
    for line in log.lines() {
        let words: Vec<&str> = line.split_whitespace().skip(1).collect();
        let level = words.first().copied().unwrap_or_default();
        if !(level == "WARN" || level == "ERROR") || line.contains(allybot::cli::CLOCK_START_ENV) {
            continue;
        }
        let kind: Vec<&str> = words.into_iter().take_while(|w| !w.contains('=')).collect();
        *kinds.entry(kind.join(" ")).or_default() += 1;
    }
    let mut kinds: Vec<(String, usize)> = kinds.into_iter().collect();
    kinds.sort_by_key(|kind| std::cmp::Reverse(kind.1));
    kinds
}

pub fn field(fields: &[(String, u64)], name: &str) -> u64 {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map_or(0, |(_, v)| *v)
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn output(program: &str, args: &[&str]) -> String {
    std::process::Command::new(program)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// nproc, CPU model, kernel, rustc, date and commit, as one line for docs/BENCHMARKS.md.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let dirty = if output("git", &["status", "--porcelain"]).is_empty() {
        ""
    } else {
        " (uncommitted changes)"
    };
    format!(
        "{cores} cores ({cpu}), Linux {}, {}, {} UTC, commit {}{dirty}",
        output("uname", &["-r"]),
        output("rustc", &["--version"]),
        chrono::Utc::now().format("%Y-%m-%d %H:%M"),
        output("git", &["rev-parse", "--short", "HEAD"]),
    )
}
