//! allybot: a Discord bot that runs an organisation's allyship practice program.
//!
//! Layers, outermost first (see docs/ARCHITECTURE.md): `cli`, `run`, `demo` and `app` wire
//! everything up; `bot` is the only code that knows Discord; `store` is the only code with SQL;
//! `content` loads the curriculum; `domain` holds pure rules. `sim` is an in-repo Discord used
//! by tests and `allybot demo`.

pub mod app;
pub mod bot;
pub mod cli;
pub mod clock;
pub mod config;
pub mod content;
pub mod crypto;
pub mod data_key;
pub mod demo;
pub mod discord_limits;
pub mod domain;
pub mod report;
pub mod scheduler;
pub mod sim;
pub mod store;
pub mod telemetry;
pub mod toml_error;
