//! A database for one test, on either backend: a SQLite file in a temporary folder, or a fresh
//! PostgreSQL schema ([`PgTestSchema`]). Store tests run on every backend there is with
//! [`TestDb::every`]; the end-to-end harness asks [`TestDb::postgres_if_asked`].

use super::postgres::{PgTestSchema, TEST_URL_VARIABLE};
use super::{Backend, Store};

/// Set to `postgres` to run the end-to-end tests on PostgreSQL (with `ALLYBOT_TEST_PG_URL`).
pub const BACKEND_VARIABLE: &str = "ALLYBOT_TEST_BACKEND";

/// A test's database: its URL, kept alive (file or schema) until dropped.
pub struct TestDb {
    url: String,
    backend: Backend,
    /// Held for their `Drop`: the folder or the schema goes with the test.
    _folder: Option<tempfile::TempDir>,
    _schema: Option<PgTestSchema>,
}

impl TestDb {
    /// A SQLite file in a new temporary folder (created when first opened).
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        Self {
            url: format!("sqlite://{}", dir.path().join("allybot.db").display()),
            backend: Backend::Sqlite,
            _folder: Some(dir),
            _schema: None,
        }
    }

    /// A fresh PostgreSQL schema, or `None` (said on stdout) without `ALLYBOT_TEST_PG_URL`.
    pub async fn postgres(test: &str) -> Option<Self> {
        let schema = PgTestSchema::create(test)
            .await
            .expect("the PostgreSQL test server answers");
        schema.map(|schema| Self {
            url: schema.url(),
            backend: Backend::Postgres,
            _folder: None,
            _schema: Some(schema),
        })
    }

    /// SQLite, and PostgreSQL too when `ALLYBOT_TEST_PG_URL` is set: a store test loops over
    /// these, so the same assertions hold on both.
    pub async fn every(test: &str) -> Vec<Self> {
        let mut all = vec![Self::sqlite()];
        all.extend(Self::postgres(test).await);
        all
    }

    /// A fresh PostgreSQL schema when `ALLYBOT_TEST_BACKEND=postgres` asks for one, else
    /// `None` (the caller's SQLite file). Asking for PostgreSQL without a server URL is a
    /// mistake in the test run, not a skip.
    pub async fn postgres_if_asked(test: &str) -> Option<Self> {
        match std::env::var(BACKEND_VARIABLE).as_deref() {
            Ok("postgres") => Some(Self::postgres(test).await.unwrap_or_else(|| {
                panic!("{BACKEND_VARIABLE}=postgres needs {TEST_URL_VARIABLE}")
            })),
            Ok("sqlite") | Err(_) => None,
            Ok(other) => panic!("{BACKEND_VARIABLE}={other}: expected sqlite or postgres"),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The store on this database, migrated.
    pub async fn open(&self) -> Store {
        Store::open(&self.url)
            .await
            .expect("the test database opens")
    }
}
