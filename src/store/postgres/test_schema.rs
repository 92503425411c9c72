//! A fresh PostgreSQL schema for one test, dropped afterwards (also when the test panics), so
//! tests can share one database server and run in parallel. Tests that need PostgreSQL run
//! only when `ALLYBOT_TEST_PG_URL` names a database; without it they say they were skipped and
//! pass, so `cargo test` on a machine without a server stays green.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::Connection;

/// The database the PostgreSQL tests use, e.g. `postgres://postgres@127.0.0.1:5432/test`.
pub const TEST_URL_VARIABLE: &str = "ALLYBOT_TEST_PG_URL";

/// Every test schema's name starts with this, then its creation time (Unix seconds).
const PREFIX: &str = "allybot_test_";
/// A schema older than this was left by a run that was killed before it could drop it.
const ABANDONED_AFTER: Duration = Duration::from_secs(6 * 3600);

/// An empty schema, first on the search path of every connection made through [`Self::url`].
pub struct PgTestSchema {
    server_url: String,
    name: String,
}

impl PgTestSchema {
    /// Creates the schema, or returns `None` (and says so) when `ALLYBOT_TEST_PG_URL` is not
    /// set. `test` names the caller in that message.
    pub async fn create(test: &str) -> Result<Option<Self>, sqlx::Error> {
        let Ok(server_url) = std::env::var(TEST_URL_VARIABLE) else {
            println!("{test}: skipped: {TEST_URL_VARIABLE} not set");
            return Ok(None);
        };
        let created = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let name = format!("{PREFIX}{created}_{:016x}", rand::rng().random::<u64>());
        let mut conn = sqlx::PgConnection::connect(&server_url).await?;
        drop_abandoned(&mut conn, created).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        Ok(Some(Self { server_url, name }))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The server's URL with this schema as the search path (sqlx passes `options[…]` to the
    /// server as run-time parameters). The schema's name is also the connections'
    /// application_name, which is how the drop finds connections a failed test left open.
    pub fn url(&self) -> String {
        let separator = if self.server_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{separator}options[search_path]={name}&application_name={name}",
            self.server_url,
            name = self.name
        )
    }

    /// A small pool whose connections all work in this schema.
    pub async fn pool(&self) -> Result<PgPool, sqlx::Error> {
        PgPoolOptions::new()
            .max_connections(4)
            .connect(&self.url())
            .await
    }
}

impl Drop for PgTestSchema {
    /// Drop cannot wait on the test's runtime, so a thread of its own connects and drops the
    /// schema. A failure is reported, not raised: the next run's `drop_abandoned` clears it.
    fn drop(&mut self) {
        let server_url = self.server_url.clone();
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime
                .block_on(async {
                    let mut conn = sqlx::PgConnection::connect(&server_url).await?;
                    // A test that panicked inside a transaction leaves its connection open (its
                    // runtime is not polled while this waits) and holding locks on the schema's
                    // tables: end those connections first, and never wait long for a lock.
                    sqlx::query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE application_name = $1 AND pid <> pg_backend_pid()",
                    )
                    .bind(&name)
                    .execute(&mut conn)
                    .await?;
                    sqlx::query("SET lock_timeout = '10s'")
                        .execute(&mut conn)
                        .await?;
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP SCHEMA IF EXISTS {name} CASCADE"
                    )))
                    .execute(&mut conn)
                    .await?;
                    conn.close().await
                })
                .map_err(|e| e.to_string())
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("test schema {} was not dropped: {dropped:?}", self.name);
        }
    }
}

/// Drops the test schemas of runs killed before they could clean up (older than
/// [`ABANDONED_AFTER`]; a younger one may belong to a test running right now).
async fn drop_abandoned(conn: &mut sqlx::PgConnection, now: u64) -> Result<(), sqlx::Error> {
    let schemas: Vec<String> =
        sqlx::query_scalar("SELECT nspname::text FROM pg_namespace WHERE starts_with(nspname, $1)")
            .bind(PREFIX)
            .fetch_all(&mut *conn)
            .await?;
    for schema in schemas {
        let created = schema
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|secs| secs.parse::<u64>().ok());
        let plain = schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if plain && created.is_some_and(|at| at + ABANDONED_AFTER.as_secs() < now) {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE"
            )))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
