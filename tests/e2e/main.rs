//! End-to-end tests: the real bot (library or binary) against the in-repo Discord simulator,
//! with a real SQLite file. One test binary, so the heavy dependencies link once.

mod admin;
mod boot;
mod cert_support;
mod certification;
mod cli;
mod cohorts;
mod commit_support;
mod commitments;
mod completion_counts;
mod crash;
mod data_key;
mod delivery;
mod everyday;
mod faults;
mod harness;
mod leases;
mod log_capture;
mod pacing;
mod privacy;
mod processes;
mod progress;
mod quiz;
mod quizzer;
mod recovery;
mod redaction;
mod reflections;
mod reminders;
mod share_posts;
mod share_search;
mod shares;
mod simulator;
mod summaries;
mod summary_crash;
mod supervision;
mod upgrade;
