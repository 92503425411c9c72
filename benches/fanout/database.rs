//! The database a run starts from, on the backend asked for: a SQLite file in the run's
//! temporary folder (as before PostgreSQL existed), or a fresh schema on the PostgreSQL server
//! `ALLYBOT_TEST_PG_URL` names (the same server and schemas the PostgreSQL tests use), dropped
//! when the run ends. The seeding and the bot are both given [`RunDatabase::url`].

use std::fmt;
use std::path::Path;

use allybot::store::postgres::{PgTestSchema, TEST_URL_VARIABLE};
use sqlx::Connection;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

pub struct RunDatabase {
    url: String,
    /// Held for its `Drop`, which drops the schema once the run is over.
    _schema: Option<PgTestSchema>,
}

impl RunDatabase {
    /// `folder` is the run's temporary folder, where the SQLite file goes.
    pub async fn create(backend: Backend, folder: &Path) -> anyhow::Result<Self> {
        match backend {
            Backend::Sqlite => Ok(Self {
                url: format!("sqlite://{}", folder.join("bench.db").display()),
                _schema: None,
            }),
            Backend::Postgres => {
                let schema = PgTestSchema::create("fanout bench")
                    .await?
                    .ok_or_else(missing_server_url)?;
                Ok(Self {
                    url: schema.url(),
                    _schema: Some(schema),
                })
            }
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

/// Fails before any run when PostgreSQL is asked for and the server is not named, or does not
/// answer; otherwise the server's version, for the figures' machine line.
pub async fn check_postgres() -> anyhow::Result<String> {
    let url = std::env::var(TEST_URL_VARIABLE).map_err(|_| missing_server_url())?;
    let mut conn = sqlx::PgConnection::connect(&url)
        .await
        .map_err(|e| anyhow::anyhow!("the PostgreSQL server in {TEST_URL_VARIABLE}: {e}"))?;
    let version: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    Ok(version)
}

fn missing_server_url() -> anyhow::Error {
    anyhow::anyhow!(
        "--backends postgres needs {TEST_URL_VARIABLE}, the URL of a database where the bench \
         may create schemas, e.g. postgres://postgres@127.0.0.1:5432/test"
    )
}
