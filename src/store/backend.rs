//! The two databases the store runs on, and what differs in connecting to them. sqlx's `Any`
//! driver takes only a URL, so settings a native pool would take as options are sent as
//! statements when each connection opens.

use std::str::FromStr;

use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::AnyConnection;
use sqlx::Executor;

use super::{StoreError, StoreResult, LOCK_WAIT};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Taken by every write transaction on PostgreSQL, held until it ends: one writer at a time
/// across every process on the database, as SQLite's `BEGIN IMMEDIATE` gives on a file. The
/// key is arbitrary but fixed ("allybot" in ASCII).
pub const PG_WRITE_LOCK: &str = "SELECT pg_advisory_xact_lock(27422285889695604)";

impl Backend {
    /// The backend a `database.url` names, by its scheme, or `None` for anything else.
    pub fn of_url(url: &str) -> Option<Self> {
        let scheme = url.split_once(':')?.0.to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" => Some(Backend::Postgres),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }

    /// The URL to hand to the `Any` driver. For a SQLite file its folder is created and the
    /// file is created if missing (`mode=rwc`, what `create_if_missing` does natively).
    pub(crate) fn connect_url(self, url: &str) -> StoreResult<String> {
        match self {
            Backend::Postgres => Ok(url.to_owned()),
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)?;
                let file = options.get_filename();
                if file.as_os_str().is_empty() || file.to_string_lossy().starts_with(':') {
                    return Ok(url.to_owned()); // in memory
                }
                if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|source| StoreError::Folder {
                        path: parent.display().to_string(),
                        source,
                    })?;
                }
                if url.contains("mode=") {
                    return Ok(url.to_owned());
                }
                let separator = if url.contains('?') { '&' } else { '?' };
                Ok(format!("{url}{separator}mode=rwc"))
            }
        }
    }

    /// A subquery listing the integers of the JSON array bound as `placeholder` (`"$2"`): one
    /// bound value however many ids, where a list of placeholders would vary the SQL text.
    pub(crate) fn json_integers(self, placeholder: &str) -> String {
        match self {
            Backend::Sqlite => format!("SELECT value FROM json_each({placeholder})"),
            Backend::Postgres => format!(
                "SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST({placeholder} AS JSON))"
            ),
        }
    }

    /// Connections in the writer pool: one on SQLite (its single write lock; see
    /// `Store::writer`), as many as the readers on PostgreSQL, where write transactions queue on
    /// the advisory lock in the server and single-statement writes need no queue at all.
    pub(crate) fn writer_connections(self) -> u32 {
        match self {
            Backend::Sqlite => 1,
            Backend::Postgres => super::MAX_CONNECTIONS,
        }
    }

    /// Pool options with the settings every connection of this backend starts with. On
    /// PostgreSQL a connection is not pinged before each use (sqlx's default): on a busy
    /// writer that ping was a round trip in front of every statement (benchmark 7), and a
    /// connection that has gone bad fails its statement, which is reported like any error.
    pub(crate) fn pool_options(self, options: AnyPoolOptions) -> AnyPoolOptions {
        options
            .test_before_acquire(self == Backend::Sqlite)
            .after_connect(move |connection, _| {
                Box::pin(async move { self.configure(connection).await })
            })
    }

    async fn configure(self, connection: &mut AnyConnection) -> Result<(), sqlx::Error> {
        let wait_ms = LOCK_WAIT.as_millis();
        match self {
            Backend::Sqlite => {
                // busy_timeout first, so switching to WAL waits for a writer elsewhere.
                let busy = format!("PRAGMA busy_timeout = {wait_ms}");
                connection.execute(sqlx::AssertSqlSafe(busy)).await?;
                for pragma in [
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA synchronous = NORMAL",
                    "PRAGMA foreign_keys = ON",
                    "PRAGMA secure_delete = FAST",
                ] {
                    connection.execute(pragma).await?;
                }
            }
            Backend::Postgres => {
                // A statement waiting on a row or the writer lock gives up as SQLite's busy
                // handler does, well inside Discord's 3 s.
                let timeout = format!("SET lock_timeout = '{wait_ms}ms'");
                connection.execute(sqlx::AssertSqlSafe(timeout)).await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_by_scheme() {
        assert_eq!(Backend::of_url("sqlite://a.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::of_url("PostgreSQL://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://h/db"), None);
        assert_eq!(Backend::of_url("data/allybot.db"), None);
    }

    #[test]
    fn sqlite_files_are_created_if_missing() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("sub/a.db").display());
        assert_eq!(
            Backend::Sqlite.connect_url(&url).unwrap(),
            format!("{url}?mode=rwc")
        );
        assert!(dir.path().join("sub").is_dir());
        let given = format!("{url}?mode=ro");
        assert_eq!(Backend::Sqlite.connect_url(&given).unwrap(), given);
    }
}
