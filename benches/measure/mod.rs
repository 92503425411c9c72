//! What every benchmark of docs/BENCHMARKS.md sections 3-5 prints around its figures: the
//! machine it ran on (the machine is shared, so the load average too) and a median with its
//! spread over the runs. Included by each bench with `#[path]`; not every bench uses all of it.
#![allow(dead_code)]

use std::process::Command;

/// [`print_machine`] for `cargo bench --bench BENCH -- SIZES…`, the command that reruns it.
pub fn print_machine_for(bench: &str, sizes: &[usize]) {
    let sizes: Vec<String> = sizes.iter().map(usize::to_string).collect();
    print_machine(&format!(
        "cargo bench --bench {bench} -- {}",
        sizes.join(" ")
    ));
}

/// The machine, the toolchain, the commit and the load, as one block to paste with the figures.
pub fn print_machine(command: &str) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    println!("command:  {command}");
    println!(
        "date:     {}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    println!(
        "commit:   {}",
        output("git", &["rev-parse", "--short", "HEAD"])
    );
    println!("machine:  {} cores, {cpu}", output("nproc", &[]));
    println!("kernel:   {}", output("uname", &["-r"]));
    println!("rustc:    {}", output("rustc", &["--version"]));
    println!("load:     {}", load_average());
}

/// The 1-, 5- and 15-minute load averages, as /proc/loadavg has them.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

fn output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// Median, minimum and maximum of some runs' values.
#[derive(Debug, Clone, Copy)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    pub fn of(values: &[f64]) -> Spread {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Spread {
            median: sorted.get(sorted.len() / 2).copied().unwrap_or(0.0),
            min: sorted.first().copied().unwrap_or(0.0),
            max: sorted.last().copied().unwrap_or(0.0),
        }
    }

    /// "12.3 (11.9–13.0)" with `decimals` places.
    pub fn show(&self, decimals: usize) -> String {
        format!(
            "{:.d$} ({:.d$}–{:.d$})",
            self.median,
            self.min,
            self.max,
            d = decimals
        )
    }
}

/// The sizes given after `--`, or `defaults` when none are (cargo bench passes `--bench`).
pub fn sizes(defaults: &[usize]) -> Vec<usize> {
    let given: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if given.is_empty() {
        defaults.to_vec()
    } else {
        given
    }
}
