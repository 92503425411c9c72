//! One side of a copy: a SQLite file (held under the bot's own lock) or a PostgreSQL schema,
//! with the few catalogue questions the copy asks each of them in its own dialect.

use std::str::FromStr;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use super::transaction::Tx;
use super::url::redacted;
use super::CopyError;
use crate::store::schema::{describe_postgres, describe_sqlite, Schema};
use crate::store::Backend;
use crate::store::{DatabaseLock, LockError, Store};

pub enum Endpoint {
    Sqlite {
        pool: SqlitePool,
        /// Held until the copy ends: no bot may serve (or start on) this file meanwhile.
        _lock: DatabaseLock,
    },
    Postgres {
        pool: PgPool,
    },
}

impl Endpoint {
    /// The database to copy from. A SQLite file must exist already (a mistyped path would
    /// otherwise be created, empty).
    pub async fn open_source(url: &str) -> Result<Self, CopyError> {
        match Backend::of_url(url) {
            Some(Backend::Sqlite) => {
                let lock = lock(url, "--from")?;
                let options = SqliteConnectOptions::from_str(url)?.create_if_missing(false);
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options)
                    .await
                    .map_err(|e| {
                        CopyError::Refused(format!("cannot open {}: {e}", redacted(url)))
                    })?;
                Ok(Endpoint::Sqlite { pool, _lock: lock })
            }
            Some(Backend::Postgres) => Ok(Endpoint::Postgres {
                pool: postgres(url).await?,
            }),
            None => Err(CopyError::Url {
                flag: "--from",
                problem: not_a_database(url),
            }),
        }
    }

    /// The database to copy into; a SQLite file (and its folder) is created if missing, with
    /// the options the bot opens it with.
    pub async fn open_target(url: &str) -> Result<Self, CopyError> {
        match Backend::of_url(url) {
            Some(Backend::Sqlite) => {
                let lock = lock(url, "--to")?;
                // Created (folder, file, WAL) as the bot creates it, then opened natively.
                Store::open_without_migrating(url).await?.close().await;
                let options = SqliteConnectOptions::from_str(url)?
                    .foreign_keys(true)
                    .busy_timeout(std::time::Duration::from_millis(2500));
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options)
                    .await?;
                Ok(Endpoint::Sqlite { pool, _lock: lock })
            }
            Some(Backend::Postgres) => {
                let pool = postgres(url).await?;
                let schema: Option<String> = sqlx::query_scalar("SELECT current_schema()::text")
                    .fetch_one(&pool)
                    .await?;
                if schema.is_none() {
                    return Err(CopyError::Refused(
                        "no schema of the target's search_path exists: create it first (CREATE SCHEMA name)"
                            .into(),
                    ));
                }
                Ok(Endpoint::Postgres { pool })
            }
            None => Err(CopyError::Url {
                flag: "--to",
                problem: not_a_database(url),
            }),
        }
    }

    /// How many tables the database holds, migration bookkeeping included.
    pub async fn table_count(&self) -> Result<i64, CopyError> {
        Ok(match self {
            Endpoint::Sqlite { pool, .. } => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite%'",
                )
                .fetch_one(pool)
                .await?
            }
            Endpoint::Postgres { pool } => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM information_schema.tables \
                     WHERE table_schema = current_schema()",
                )
                .fetch_one(pool)
                .await?
            }
        })
    }

    /// The highest migration applied, `None` if none ever was. A migration that failed half
    /// way is an error: such a database is not in any known state.
    pub async fn version(&self) -> Result<Option<i64>, CopyError> {
        // Both dialects accept this text (FILTER: SQLite 3.30+).
        const APPLIED: &str = "SELECT COUNT(*) FILTER (WHERE NOT success), \
                               MAX(version) FILTER (WHERE success) FROM _sqlx_migrations";
        let (failed, version): (i64, Option<i64>) = match self {
            Endpoint::Sqlite { pool, .. } => {
                let bookkept: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' \
                     AND name = '_sqlx_migrations'",
                )
                .fetch_one(pool)
                .await?;
                if bookkept == 0 {
                    return Ok(None);
                }
                sqlx::query_as(APPLIED).fetch_one(pool).await?
            }
            Endpoint::Postgres { pool } => {
                let bookkept: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'",
                )
                .fetch_one(pool)
                .await?;
                if bookkept == 0 {
                    return Ok(None);
                }
                sqlx::query_as(APPLIED).fetch_one(pool).await?
            }
        };
        if failed > 0 {
            return Err(CopyError::Refused(format!(
                "the {} database has a migration that failed half-way; restore it from a backup",
                self.backend().label()
            )));
        }
        Ok(version)
    }

    /// Applies this backend's migrations (`migrations/` or `migrations/postgres/`).
    pub async fn migrate(&self) -> Result<(), CopyError> {
        match self {
            Endpoint::Sqlite { pool, .. } => crate::store::MIGRATOR.run(pool).await?,
            Endpoint::Postgres { pool } => crate::store::postgres::MIGRATOR.run(pool).await?,
        }
        Ok(())
    }

    pub async fn describe(&self) -> Result<Schema, CopyError> {
        Ok(match self {
            Endpoint::Sqlite { pool, .. } => describe_sqlite(pool).await?,
            Endpoint::Postgres { pool } => describe_postgres(pool).await?,
        })
    }

    /// A transaction that reads one consistent state of the whole database.
    pub async fn begin_read(&self) -> Result<Tx, CopyError> {
        Ok(match self {
            // Nothing else writes: the file is locked.
            Endpoint::Sqlite { pool, .. } => Tx::Sqlite(pool.begin().await?),
            Endpoint::Postgres { pool } => Tx::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        })
    }

    /// The one write transaction of the copy.
    pub async fn begin_write(&self) -> Result<Tx, CopyError> {
        Ok(match self {
            Endpoint::Sqlite { pool, .. } => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Endpoint::Postgres { pool } => Tx::Postgres(pool.begin().await?),
        })
    }

    pub fn backend(&self) -> Backend {
        match self {
            Endpoint::Sqlite { .. } => Backend::Sqlite,
            Endpoint::Postgres { .. } => Backend::Postgres,
        }
    }

    pub async fn close(self) {
        match self {
            Endpoint::Sqlite { pool, .. } => pool.close().await,
            Endpoint::Postgres { pool } => pool.close().await,
        }
    }
}

fn lock(url: &str, flag: &'static str) -> Result<DatabaseLock, CopyError> {
    DatabaseLock::acquire(url).map_err(|e| match e {
        LockError::Url(problem) => CopyError::Url { flag, problem },
        LockError::Held { path, pid } => CopyError::Refused(format!(
            "another allybot process{} is using {}: {path} is locked; stop the bot before copying",
            pid.map(|p| format!(" (pid {p})")).unwrap_or_default(),
            redacted(url)
        )),
        other => CopyError::Lock(other),
    })
}

async fn postgres(url: &str) -> Result<PgPool, CopyError> {
    PgPoolOptions::new()
        .max_connections(2)
        .connect(url)
        .await
        .map_err(|e| CopyError::Refused(format!("cannot connect to {}: {e}", redacted(url))))
}

fn not_a_database(url: &str) -> String {
    format!(
        "'{}' is neither a sqlite:// nor a postgres:// URL",
        redacted(url)
    )
}
