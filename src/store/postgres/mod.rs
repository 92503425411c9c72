//! PostgreSQL, in preparation (issue 14; docs/ARCHITECTURE.md, "PostgreSQL (in progress)"):
//! its migrations and a fresh schema per test. The bot does not run on PostgreSQL yet; nothing
//! outside tests uses this module.

#[cfg(test)]
mod any_facts;
mod test_schema;

pub use test_schema::{PgTestSchema, TEST_URL_VARIABLE};

/// `migrations/postgres/`: the same schema as `migrations/` builds on SQLite, checked by the
/// schema parity test.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");
