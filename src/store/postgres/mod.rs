//! What is PostgreSQL's alone (docs/ARCHITECTURE.md, "PostgreSQL"): its migrations, and a
//! fresh schema per test.

#[cfg(test)]
mod any_facts;
mod test_schema;

pub use test_schema::{PgTestSchema, TEST_URL_VARIABLE};

/// `migrations/postgres/`: the same schema as `migrations/` builds on SQLite, checked by the
/// schema parity test.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");
