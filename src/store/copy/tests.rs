//! The copy through the library, on the cases the end-to-end test (tests/e2e/copy_data.rs)
//! does not reach: a target migrated beforehand, ids issued past the highest row, and the
//! refusals that must leave both databases as they were.

use super::{copy_database, CopyError};
use crate::store::postgres::{PgTestSchema, TEST_URL_VARIABLE};
use crate::store::Store;

fn url(dir: &tempfile::TempDir, file: &str) -> String {
    format!("sqlite://{}", dir.path().join(file).display())
}

async fn sql(store: &Store, text: &'static str) {
    sqlx::query(text).execute(store.pool()).await.unwrap();
}

async fn reflections_seq(store: &Store) -> Option<i64> {
    sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = 'reflections'")
        .fetch_optional(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_target_migrated_beforehand_counts_as_empty_and_takes_the_sources_data_key_row() {
    let dir = tempfile::tempdir().unwrap();
    let source = Store::open(&url(&dir, "a.db")).await.unwrap();
    sql(
        &source,
        "UPDATE data_key SET key_id = 'k1', format = 2, changed_at = 7",
    )
    .await;
    source.close().await;
    Store::open(&url(&dir, "b.db")).await.unwrap().close().await;

    let report = copy_database(&url(&dir, "a.db"), &url(&dir, "b.db"))
        .await
        .unwrap();

    assert_eq!(
        report.total_rows(),
        2,
        "the rows every migrated database holds: data_key's and leader_leases'"
    );
    let target = Store::open_without_migrating(&url(&dir, "b.db"))
        .await
        .unwrap();
    let row: (i64, Option<String>, i64, Option<i64>) =
        sqlx::query_as("SELECT id, key_id, format, changed_at FROM data_key")
            .fetch_one(target.pool())
            .await
            .unwrap();
    assert_eq!(row, (1, Some("k1".into()), 2, Some(7)));
}

#[tokio::test]
async fn ids_issued_past_the_highest_row_are_never_issued_again_after_copies_between_any_two_backends(
) {
    let dir = tempfile::tempdir().unwrap();
    let source = Store::open(&url(&dir, "a.db")).await.unwrap();
    // As if reflections 1 to 100 had been written and then deleted.
    sql(
        &source,
        "UPDATE sqlite_sequence SET seq = 100 WHERE name = 'reflections'",
    )
    .await;
    source.close().await;

    copy_database(&url(&dir, "a.db"), &url(&dir, "b.db"))
        .await
        .unwrap();
    let target = Store::open_without_migrating(&url(&dir, "b.db"))
        .await
        .unwrap();
    assert_eq!(reflections_seq(&target).await, Some(100));
    target.close().await;

    let Some(pg) = PgTestSchema::create("copy keeps issued ids").await.unwrap() else {
        return;
    };
    copy_database(&url(&dir, "a.db"), &pg.url()).await.unwrap();
    let pool = pg.pool().await.unwrap();
    let issued: Option<i64> = sqlx::query_scalar(
        "SELECT pg_sequence_last_value(pg_get_serial_sequence('reflections', 'reflection_id')::regclass)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert_eq!(issued, Some(100));
    // PostgreSQL to PostgreSQL (another schema), then home.
    let Some(second) = PgTestSchema::create("copy between schemas").await.unwrap() else {
        return;
    };
    copy_database(&pg.url(), &second.url()).await.unwrap();
    copy_database(&second.url(), &url(&dir, "c.db"))
        .await
        .unwrap();
    let back = Store::open_without_migrating(&url(&dir, "c.db"))
        .await
        .unwrap();
    assert_eq!(reflections_seq(&back).await, Some(100));
}

#[tokio::test]
async fn a_source_behind_this_version_and_a_target_of_another_application_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let behind = Store::open(&url(&dir, "behind.db")).await.unwrap();
    sql(&behind, "DELETE FROM _sqlx_migrations WHERE version = 10").await;
    behind.close().await;
    let current = Store::open(&url(&dir, "current.db")).await.unwrap();
    current.close().await;
    let foreign = Store::open_without_migrating(&url(&dir, "foreign.db"))
        .await
        .unwrap();
    sql(&foreign, "CREATE TABLE notes (text TEXT)").await;
    foreign.close().await;

    let refused = copy_database(&url(&dir, "behind.db"), &url(&dir, "new.db")).await;
    let Err(CopyError::Refused(message)) = refused else {
        panic!("{refused:?}")
    };
    assert!(
        message.contains("the source is at migration 9"),
        "{message}"
    );

    let refused = copy_database(&url(&dir, "current.db"), &url(&dir, "foreign.db")).await;
    let Err(CopyError::Refused(message)) = refused else {
        panic!("{refused:?}")
    };
    assert!(message.contains("not allybot's"), "{message}");
    let foreign = Store::open_without_migrating(&url(&dir, "foreign.db"))
        .await
        .unwrap();
    assert_eq!(
        foreign.table_names().await.unwrap(),
        ["notes"],
        "not migrated"
    );
}

#[tokio::test]
async fn a_postgres_schema_that_does_not_exist_is_named_as_the_problem() {
    let Ok(server) = std::env::var(TEST_URL_VARIABLE) else {
        println!("copy into a missing schema: skipped: {TEST_URL_VARIABLE} not set");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    Store::open(&url(&dir, "a.db")).await.unwrap().close().await;
    let separator = if server.contains('?') { '&' } else { '?' };
    let missing = format!("{server}{separator}options=-csearch_path%3Dallybot_no_such_schema");

    let refused = copy_database(&url(&dir, "a.db"), &missing).await;

    let Err(CopyError::Refused(message)) = refused else {
        panic!("{refused:?}")
    };
    assert!(message.contains("CREATE SCHEMA"), "{message}");
}
