//! The only place with SQL. Every function takes `now` (or any instant) as a parameter; nothing
//! here asks the database for the time. Callers see domain types, never rows.
//!
//! One SQL text per query on sqlx's `Any` driver, for SQLite (the default) and PostgreSQL
//! (`$N` placeholders; a dialect branch only where the two must differ: [`Backend`]). Boolean
//! results are read as `CAST(… AS INTEGER)` and aggregates that PostgreSQL widens to NUMERIC
//! are cast back to BIGINT (docs/ARCHITECTURE.md, "PostgreSQL").
//!
//! SQLite runs in WAL mode with `synchronous=NORMAL` and foreign keys on. Write transactions
//! start with `BEGIN IMMEDIATE` (on PostgreSQL: a transaction-scoped advisory lock), so a
//! read-then-write never fails half-way, and lock and pool waits are capped well under
//! Discord's 3-second interaction deadline.

mod activity;
mod backend;
mod certification;
mod cohorts;
mod commitment_progress;
mod commitments;
mod completion_notices;
mod convert;
pub mod copy;
mod deliveries;
mod engagements;
mod guilds;
mod leader;
pub mod lease;
mod lock;
mod memberships;
mod org_settings;
mod participant_settings;
mod plan_posts;
mod plans;
pub mod postgres;
mod privacy;
mod quiz_answers;
mod quiz_clicks;
mod quiz_progress;
mod quizzes;
#[cfg(test)]
mod races_tests;
mod reflections;
mod reminders;
mod schedule_changes;
pub mod schema;
mod sealed;
mod shares;
mod summaries;
mod summary_baselines;
mod summary_counts;
mod summary_departed;
pub mod test_db;
mod waiting;
mod write_waits;

use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;

pub use backend::{Backend, PG_WRITE_LOCK};

pub use certification::{Completion, RawEvidence, Verified};
pub use cohorts::{Cohort, CreateOutcome, NewCohort};
pub use commitment_progress::{CheckinAnswer, CommitmentProgress};
pub use commitments::{CommitOutcome, Commitment, CommitmentStatus, NewCommitment};
pub use completion_notices::NoticeFailure;
pub use convert::{from_db_time, to_db_time};
pub use deliveries::{Claim, Delivery, DeliveryStatus, Failure};
pub use leader::Leader;
pub use lease::{Change, Lease, LeaseOwner, LEASE};
pub use lock::{lock_path, DatabaseLock, LockError};
pub use memberships::{JoinOutcome, Membership};
pub use org_settings::{OrgSettings, SettingsChange};
pub use participant_settings::ParticipantSettings;
pub use plan_posts::PlanPost;
pub use plans::{
    ActionStatus, NewProposal, Owner, PlanState, Proposal, StoredPlan, Tally as VoteTally,
    VoteChoice, VoteOutcome,
};
pub use privacy::PersonalRows;
pub use quiz_answers::{NewAnswer, QuizAnswer, Rated, Recorded};
pub use quiz_clicks::QuizClick;
pub use quiz_progress::{DueReview, ModuleAccuracy, QuizProgress};
pub use quizzes::{NewQuiz, QuizAttempt, QuizQuestion, QuizSource};
pub use reflections::{NewReflection, StoredReflection};
pub use reminders::{PendingCheckin, ReminderClaim, Undelivered};
pub use schedule_changes::ScheduleChanges;
pub use sealed::{
    DataKeyRecord, SealError, SealResult, SealedColumn, SealedField, SealedValue, CURRENT_FORMAT,
    PLAN_OWNER,
};
pub use shares::{share_nonce, PendingShare, ShareRecord, SharedPost};
pub use summaries::{StoredSummary, SummaryClaim, SummaryStatus};
pub use summary_counts::{
    CohortTallies, CountWindow, ModuleTally, Tally, WindowTallies, SLOT_SECONDS,
};
pub use write_waits::{WriteWaits, WAIT_BUCKETS};

/// How long a statement waits for another connection's write lock, and how long a caller waits
/// for a pooled connection. A writer elsewhere that holds the lock for up to this long (a
/// checkpoint, a long transaction, `sqlite3 .backup`) is waited out, and a slash command still
/// answers inside Discord's 3 s, with its result or with the error. Buttons and forms are
/// acknowledged first when their work runs long, and what people type is saved even through
/// longer locks (`bot::flows::persist`).
const LOCK_WAIT: Duration = Duration::from_millis(2500);
const MAX_CONNECTIONS: u32 = 8;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("'{0}' is not a database URL (expected sqlite://FILE or postgres://…)")]
    Url(String),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("a text could not be sealed: {0}")]
    Seal(sealed::SealError),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// The database was locked by another writer for longer than a statement waits (or every
    /// pooled connection was): trying again later can succeed.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Sql(sqlx::Error::PoolTimedOut) => true,
            StoreError::Sql(sqlx::Error::Database(e)) => e.code().is_some_and(|code| {
                // SQLITE_BUSY and its extended codes (5, 261, 517, 773); PostgreSQL's
                // lock_timeout (55P03), a serialization failure (40001) or a deadlock (40P01).
                matches!(&*code, "55P03" | "40001" | "40P01")
                    || code.parse::<i32>().is_ok_and(|code| code & 0xff == 5)
            }),
            _ => false,
        }
    }
}

/// The storage interface. Cloning shares the pool.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// Kept for connections of their own (`schedule_changes`); may hold a password: never
    /// logged or shown.
    url: Arc<str>,
    /// Readers: WAL lets them run beside the writer and each other.
    pool: AnyPool,
    /// On SQLite, the one connection every write goes through, transactions and single
    /// statements alike. SQLite has one write lock per database; a connection that finds it
    /// taken sleeps in SQLite's busy handler (1, 2, 5 … 100 ms between tries) while the lock may
    /// sit free, so at a few hundred interactions a second most of the time went on those sleeps
    /// (docs/BENCHMARKS.md, benchmark 2). Queued here instead, writers wait in the pool's fair
    /// queue and the next one starts the moment the last one finishes. On PostgreSQL there is
    /// no such sleep (a waiting lock is granted at once by the server), and one connection made
    /// every write a queue of round trips (benchmark 7), so the writers are a pool like the
    /// readers ([`Backend::writer_connections`]).
    /// On PostgreSQL the advisory lock in [`Store::begin_write`] keeps write transactions in
    /// line, in this process and across processes.
    writer: AnyPool,
    write_waits: Arc<write_waits::WriteWaitCounters>,
}

impl std::fmt::Debug for Store {
    /// Without the URL, which may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("pool", &self.pool)
            .field("writer", &self.writer)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if missing, parent folder included) the database at `url` and applies
    /// pending migrations.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let store = Self::open_without_migrating(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens without applying migrations (`allybot migrate` and copy-data report first).
    /// `url` is `sqlite://FILE` or `postgres://…`; anything else is refused.
    pub async fn open_without_migrating(url: &str) -> StoreResult<Self> {
        let backend = Backend::of_url(url).ok_or_else(|| StoreError::Url(copy::redacted(url)))?;
        sqlx::any::install_default_drivers();
        let given: Arc<str> = url.into();
        let url = backend.connect_url(url)?;
        // The writer first: on SQLite it creates the file (and sets WAL) before the readers open it.
        let writer = backend
            .pool_options(AnyPoolOptions::new().max_connections(backend.writer_connections()))
            .acquire_timeout(LOCK_WAIT)
            .connect(&url)
            .await?;
        let pool = backend
            .pool_options(AnyPoolOptions::new().max_connections(MAX_CONNECTIONS))
            .acquire_timeout(LOCK_WAIT)
            .connect(&url)
            .await?;
        Ok(Self {
            backend,
            url: given,
            pool,
            writer,
            write_waits: Arc::default(),
        })
    }

    /// Which database this store is on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations; returns how many were applied.
    pub async fn migrate(&self) -> StoreResult<usize> {
        let before = self.applied_migrations().await.unwrap_or(0);
        let migrator = match self.backend {
            Backend::Sqlite => &MIGRATOR,
            Backend::Postgres => &postgres::MIGRATOR,
        };
        migrator.run(&self.writer).await?;
        Ok(self.applied_migrations().await?.saturating_sub(before))
    }

    async fn applied_migrations(&self) -> StoreResult<usize> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(&self.pool)
            .await?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// A write transaction that holds the write lock from its first statement, so a
    /// read-then-write cannot fail half-way with SQLITE_BUSY. On PostgreSQL the lock is a
    /// transaction-scoped advisory lock, so write transactions of every process run one at a
    /// time as on SQLite (single-statement writes do not take it: each is atomic on its own,
    /// and the conditional ones say by their row count whether they applied).
    pub(crate) async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        let asked = Instant::now();
        let tx = match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => {
                let mut tx = self.writer.begin().await?;
                sqlx::query(backend::PG_WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                tx
            }
        };
        self.write_waits.record(asked.elapsed());
        Ok(tx)
    }

    /// How long write transactions have waited for the write lock since the store opened.
    pub fn write_waits(&self) -> WriteWaits {
        self.write_waits.snapshot()
    }

    /// For reads.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// For single-statement writes outside a transaction (a transaction: [`Store::begin_write`]).
    pub(crate) fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// Names of the tables in the schema, for tests and `allybot migrate`'s report.
    pub async fn table_names(&self) -> StoreResult<Vec<String>> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT CAST(tablename AS TEXT) FROM pg_tables WHERE schemaname = current_schema() \
                 AND tablename NOT LIKE '\\_%' ESCAPE '\\' ORDER BY tablename"
            }
        };
        Ok(sqlx::query_scalar(sql).fetch_all(&self.pool).await?)
    }

    /// The journal mode in force ("wal" once opened by [`Store::open`]); PostgreSQL has its
    /// own write-ahead log and no such setting: "postgres".
    pub async fn journal_mode(&self) -> StoreResult<String> {
        match self.backend {
            Backend::Sqlite => Ok(sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&self.pool)
                .await?),
            Backend::Postgres => Ok("postgres".to_owned()),
        }
    }

    /// Waits for in-flight queries and closes every connection (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }
}
