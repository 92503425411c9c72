//! What sqlx 0.9's `Any` driver does with this project's schema and SQL, pinned as tests
//! because the PostgreSQL port is designed around it (docs/ARCHITECTURE.md, "PostgreSQL (in
//! progress)"). If an sqlx upgrade changes one of these, the design note needs a look.

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::AnyPool;

use super::{PgTestSchema, MIGRATOR as POSTGRES_MIGRATOR};
use crate::store::MIGRATOR as SQLITE_MIGRATOR;

async fn sqlite_pool(dir: &tempfile::TempDir) -> AnyPool {
    install_default_drivers();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let pool = AnyPoolOptions::new().connect(&url).await.unwrap();
    SQLITE_MIGRATOR.run(&pool).await.unwrap();
    pool
}

/// One SQL text that exercises `$N`, a bool bind, an upsert and RETURNING.
const INSERT_DELIVERY: &str =
    "INSERT INTO deliveries (cohort_id, practice_date, day_number, prompt_id, \
     due_at, status, late, nonce, claimed_at) VALUES ($1, $2, 1, 'p', $3, 'sending', $4, 'n', $3) \
     ON CONFLICT (cohort_id, practice_date) DO NOTHING RETURNING delivery_id";

async fn seed(pool: &AnyPool) -> i64 {
    sqlx::query("INSERT INTO guilds (guild_id, joined_at) VALUES ($1, $2)")
        .bind(u64::MAX as i64)
        .bind(1_800_000_000_i64)
        .execute(pool)
        .await
        .unwrap();
    let cohort: i64 = sqlx::query_scalar(
        "INSERT INTO cohorts (guild_id, name, track, track_version, plan, seed, start_date, \
         created_by, created_at) VALUES ($1, 'Blue', 't', '1', '{}', 0, '2026-01-05', 1, 0) \
         RETURNING cohort_id",
    )
    .bind(u64::MAX as i64)
    .fetch_one(pool)
    .await
    .unwrap();
    let delivery: Option<i64> = sqlx::query_scalar(INSERT_DELIVERY)
        .bind(cohort)
        .bind("2026-01-05")
        .bind(1_800_000_000_i64)
        .bind(true)
        .fetch_optional(pool)
        .await
        .unwrap();
    delivery.unwrap()
}

#[tokio::test]
async fn on_sqlite_any_binds_dollar_placeholders_and_runs_begin_immediate() {
    let dir = tempfile::tempdir().unwrap();
    let pool = sqlite_pool(&dir).await;
    seed(&pool).await;
    let difference: i64 = sqlx::query_scalar("SELECT $2 - $1")
        .bind(3_i64)
        .bind(10_i64)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(difference, 7);
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
    let snowflake: i64 = sqlx::query_scalar("SELECT guild_id FROM guilds")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(snowflake as u64, u64::MAX);
}

#[tokio::test]
async fn on_sqlite_any_cannot_read_a_boolean_column_but_reads_it_cast_to_integer() {
    let dir = tempfile::tempdir().unwrap();
    let pool = sqlite_pool(&dir).await;
    seed(&pool).await;
    let direct = sqlx::query_scalar::<_, bool>("SELECT late FROM deliveries")
        .fetch_one(&pool)
        .await;
    let error = direct.unwrap_err().to_string();
    assert!(
        error.contains("does not support the SQLite type"),
        "{error}"
    );
    let cast: i64 = sqlx::query_scalar("SELECT CAST(late AS INTEGER) FROM deliveries")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(cast, 1);
    // An expression has no declared type: SQLite hands back an integer, never a bool.
    let exists = sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM deliveries)")
        .fetch_one(&pool)
        .await;
    assert!(exists.is_err());
}

#[tokio::test]
async fn on_postgres_the_same_texts_work_and_the_known_traps_fail() {
    let Some(pg) = PgTestSchema::create("any facts").await.unwrap() else {
        return;
    };
    install_default_drivers();
    let pool = AnyPoolOptions::new().connect(&pg.url()).await.unwrap();
    POSTGRES_MIGRATOR.run(&pool).await.unwrap();
    let delivery = seed(&pool).await;
    assert!(delivery > 0);
    // A second claim of the same day is refused by the same text.
    let again: Option<i64> = sqlx::query_scalar(INSERT_DELIVERY)
        .bind(1_i64)
        .bind("2026-01-05")
        .bind(0_i64)
        .bind(false)
        .fetch_optional(&pool)
        .await
        .unwrap();
    assert_eq!(again, None);
    // The text SQLite reads booleans with works here too.
    let late: i64 = sqlx::query_scalar("SELECT CAST(late AS INTEGER) FROM deliveries")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(late, 1);
    // The traps: SUM over a boolean, and SUM over BIGINT (NUMERIC, which Any cannot decode).
    let sum_of_bool = sqlx::query_scalar::<_, i64>("SELECT SUM(late) FROM deliveries")
        .fetch_one(&pool)
        .await;
    assert!(sum_of_bool.is_err());
    let numeric = sqlx::query_scalar::<_, i64>("SELECT SUM(due_at) FROM deliveries")
        .fetch_one(&pool)
        .await;
    let error = numeric.unwrap_err().to_string();
    assert!(error.contains("Any driver does not support"), "{error}");
    let cast: i64 = sqlx::query_scalar(
        "SELECT CAST(SUM(CASE WHEN late THEN 1 ELSE 0 END) AS BIGINT) FROM deliveries",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(cast, 1);
    // `IS NOT ?` (lease.rs) is SQLite only; IS DISTINCT FROM works on both.
    let distinct: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE lease_owner IS DISTINCT FROM $1")
            .bind("me")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(distinct, 1);
    pool.close().await;
}
