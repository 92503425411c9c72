//! The two migration folders build the same schema: SQLite's `migrations/` (0001 to the
//! latest, applied by `Store::open`) and `migrations/postgres/`. Runs against PostgreSQL only
//! when ALLYBOT_TEST_PG_URL is set.

use super::{describe_postgres, describe_sqlite, differences, Schema};
use crate::store::postgres::{PgTestSchema, MIGRATOR};
use crate::store::Store;

async fn sqlite_schema() -> Schema {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    Store::open(&url).await.unwrap().close().await;
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let schema = describe_sqlite(&pool).await.unwrap();
    pool.close().await;
    schema
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_build_the_same_schema() {
    let Some(pg) = PgTestSchema::create("schema parity").await.unwrap() else {
        return;
    };
    let pool = pg.pool().await.unwrap();
    MIGRATOR.run(&pool).await.unwrap();
    let postgres = describe_postgres(&pool).await.unwrap();
    pool.close().await;
    let sqlite = sqlite_schema().await;

    // Both sides were read (an empty schema on both would compare equal).
    assert!(sqlite.tables.len() >= 30, "{:?}", sqlite.tables.keys());
    assert!(sqlite.tables["quiz_answers"].foreign_keys.len() == 2);
    assert!(sqlite.tables["cohorts"]
        .indexes
        .contains_key("cohorts_live_name"));
    let found = differences(("sqlite", &sqlite), ("postgres", &postgres));
    assert!(
        found.is_empty(),
        "the schemas differ:\n{}",
        found.join("\n")
    );
}

#[tokio::test]
async fn a_postgres_schema_that_drifts_is_caught() {
    let Some(pg) = PgTestSchema::create("schema drift").await.unwrap() else {
        return;
    };
    let pool = pg.pool().await.unwrap();
    MIGRATOR.run(&pool).await.unwrap();
    for change in [
        "ALTER TABLE cohorts ALTER COLUMN name DROP NOT NULL",
        "DROP INDEX reminder_dms_one_a_day",
        "CREATE UNIQUE INDEX reminder_dms_one_a_day ON reminder_dms (user_id, local_date) \
         WHERE status IN ('sending', 'sent')",
        "ALTER TABLE quiz_answers ALTER COLUMN choice TYPE INTEGER",
    ] {
        sqlx::query(change).execute(&pool).await.unwrap();
    }
    let postgres = describe_postgres(&pool).await.unwrap();
    pool.close().await;
    let sqlite = sqlite_schema().await;

    let found = differences(("sqlite", &sqlite), ("postgres", &postgres));
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found[0].starts_with("table cohorts: column name:"),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with("table quiz_answers: column choice:"),
        "{found:#?}"
    );
    assert!(
        found[2].starts_with("table reminder_dms: index reminder_dms_one_a_day:"),
        "{found:#?}"
    );
}

#[tokio::test]
async fn the_sqlite_reader_sees_keys_and_partial_indexes() {
    let schema = sqlite_schema().await;
    let deliveries = &schema.tables["deliveries"];
    assert_eq!(deliveries.primary_key, ["delivery_id"]);
    assert!(deliveries.columns[0].generated);
    assert!(deliveries
        .unique
        .contains(&vec!["cohort_id".to_owned(), "practice_date".to_owned()]));
    assert_eq!(
        deliveries.indexes["deliveries_sending"]
            .predicate
            .as_deref(),
        Some("status = 'sending'")
    );
    let answers = &schema.tables["quiz_answers"];
    assert!(answers
        .foreign_keys
        .iter()
        .any(|fk| fk.references == "quiz_questions"
            && fk.columns == ["attempt_id", "position"]
            && fk.on_delete == "cascade"));
    assert!(!schema.tables.contains_key("_sqlx_migrations"));
}
