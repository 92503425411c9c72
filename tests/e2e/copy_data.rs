//! `allybot copy-data` through the real binary: a database the bot filled through the
//! simulator (cohort, members, nudges, reflections, quizzes, commitments, a plan, a
//! certificate, a weekly summary) copied to SQLite always, and to PostgreSQL and back when
//! `ALLYBOT_TEST_PG_URL` is set, every table compared value for value (storage class and bytes
//! included, through SQLite's `quote()`), and the bot started on the copy reads its sealed
//! texts with the same key file; targets that are not empty refused and left as they
//! were; bad URLs and a running bot refused.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use allybot::store::postgres::{PgTestSchema, TEST_URL_VARIABLE};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::AssertSqlSafe;

use crate::cert_support::{world, World, WAIT};
use crate::harness::{allybot, skipped_on_postgres};

/// The tables the brief of issue 14 names as the ones that matter; each must hold rows in
/// the played database, so the comparison covers them.
const FILLED: [&str; 10] = [
    "cohorts",
    "memberships",
    "deliveries",
    "reflections",
    "quiz_answers",
    "commitments",
    "checkin_answers",
    "summaries",
    "plan_proposals",
    "completions",
];

fn copy_data(from: &str, to: &str) -> Output {
    allybot()
        .args(["copy-data", "--from", from, "--to", to])
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn sqlite(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// The test schema, selected the way docs/OPERATIONS.md tells operators to (a libpq-style
/// `options=-csearch_path=…`); its name is also the application_name the schema's drop uses.
fn schema_url(pg: &PgTestSchema) -> String {
    let server = std::env::var(TEST_URL_VARIABLE).unwrap();
    let separator = if server.contains('?') { '&' } else { '?' };
    format!(
        "{server}{separator}options=-csearch_path%3D{name}&application_name={name}",
        name = pg.name()
    )
}

/// Every table of a SQLite file as sorted rows of `quote()`d values (which tell 1 from '1'
/// and show blobs as hex), and `sqlite_sequence`; migration bookkeeping left out (its
/// timestamps differ by design).
async fn dump(path: &Path) -> BTreeMap<String, Vec<String>> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> '_sqlx_migrations' \
         ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut dump = BTreeMap::new();
    for table in tables {
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(&table)
                .fetch_all(&pool)
                .await
                .unwrap();
        let values: Vec<String> = columns.iter().map(|c| format!("quote(\"{c}\")")).collect();
        let sql = format!("SELECT {} FROM \"{table}\"", values.join(" || ',' || "));
        let mut rows: Vec<String> = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_all(&pool)
            .await
            .unwrap();
        rows.sort();
        dump.insert(table, rows);
    }
    pool.close().await;
    dump
}

/// Ada and Bea practise through the shortened track (nudges tried, reflections, quizzes, two
/// commitments each with a check-in), propose two plan items, Ada takes her certificate, and
/// the week's summary is posted. Returns Ada.
async fn play(w: &World) -> u64 {
    let ada = w.member("Ada Discordname").await;
    let bea = w.member("Bea Discordname").await;
    let cy = w.member("Cy Discordname").await;
    for day in [1, 3, 5] {
        let nudge = w.day(day).await;
        for user in [ada, bea] {
            w.tried(user, &nudge).await;
            w.reflect(user, &nudge).await;
        }
        if day == 1 {
            w.tried(cy, &nudge).await;
        }
    }
    for user in [ada, bea] {
        w.pass_quiz(user, 1).await;
        w.pass_quiz(user, 2).await;
        w.commit_and_check_in(user).await;
        w.commit_and_check_in(user).await;
    }
    for (user, what) in [(ada, "Meeting notes rotate"), (bea, "Credit ideas by name")] {
        let proposed = w
            .propose(
                user,
                &[
                    ("what", what),
                    ("who", "People who are usually overlooked"),
                    ("step", "Put it in the team calendar"),
                    ("date", "2026-12-04"),
                ],
            )
            .await;
        assert!(proposed.text().contains("Proposal"), "{}", proposed.text());
    }
    let sim = &w.harness.sim;
    let notices = sim.wait_for_dms(ada, 1, WAIT).await;
    let notice = notices
        .iter()
        .find(|m| m.button("Get my certificate").is_some())
        .expect("a completion notice by DM");
    let button = notice.button("Get my certificate").unwrap().custom_id;
    let opened = sim.click(ada, notice.id, &button).unwrap();
    opened.reply().await.unwrap();
    let issued = sim
        .submit_modal(&opened, &[("name", "Ada Lovelace")])
        .unwrap()
        .reply_within(WAIT)
        .await
        .unwrap();
    assert!(
        issued.text().contains("Verification code"),
        "{}",
        issued.text()
    );
    w.day(6).await;
    ada
}

/// Puts the copy at `copied` where the bot's database was (through copy-data once more, into
/// the emptied path), starts the bot on it with the same data key file, and reads Ada's
/// sealed texts back through `/privacy export`: they open, so their bytes came through whole.
async fn serve_from(w: &mut World, copied: &Path, ada: u64) {
    let database = w.harness.db_path();
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", database.display());
        let _ = std::fs::remove_file(file);
    }
    let moved = copy_data(&sqlite(copied), &sqlite(&database));
    assert!(moved.status.success(), "{}", text(&moved));
    w.harness.restart().await;
    assert_texts_open(w, ada).await;
}

/// Ada's export, through the running bot, holds her reflection and commitment in the clear:
/// the bot opens the copied sealed texts with the key.
async fn assert_texts_open(w: &World, ada: u64) {
    let reply = w.harness.command(ada, "privacy export", &[]).await;
    let (_, bytes) = &reply.message().attachments[0];
    let export: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let data = &export["data"];
    assert_eq!(data["reflections"][0]["text"], "I noticed who was heard.");
    assert_eq!(
        data["commitments"][0]["i_will"],
        "I will notice who speaks."
    );
}

#[tokio::test]
async fn a_played_database_copies_to_sqlite_and_through_postgres_and_back_value_for_value() {
    if skipped_on_postgres(
        "a_played_database_copies_to_sqlite_and_through_postgres_and_back_value_for_value",
    ) {
        return;
    }
    let mut w = world().await;
    let ada = play(&w).await;
    let dir = tempfile::tempdir().unwrap();
    let original = w.harness.db_path();

    // Never under a running bot: its lock is held.
    let refused = copy_data(&sqlite(&original), &sqlite(&dir.path().join("early.db")));
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(
        text(&refused).contains("stop the bot before copying"),
        "{}",
        text(&refused)
    );
    w.harness.stop().await;

    let before = dump(&original).await;
    for table in FILLED {
        assert!(
            !before[table].is_empty(),
            "the played database has no {table}"
        );
    }

    // SQLite to SQLite: no server needed, so the copy itself is always tested.
    let copy = dir.path().join("copy.db");
    let copied = copy_data(&sqlite(&original), &sqlite(&copy));
    assert!(copied.status.success(), "{}", text(&copied));
    let said = text(&copied);
    let cohorts = format!("cohorts: {} row\n", before["cohorts"].len());
    assert!(said.contains(&cohorts), "{said}");
    let reflections = format!("reflections: {} rows\n", before["reflections"].len());
    assert!(said.contains(&reflections), "{said}");
    assert!(said.contains("every table's row count matches"), "{said}");
    assert_eq!(dump(&copy).await, before, "sqlite -> sqlite");
    assert_eq!(dump(&original).await, before, "the source is never changed");

    let Some(pg) = PgTestSchema::create("copy-data through PostgreSQL")
        .await
        .unwrap()
    else {
        return;
    };
    let there = copy_data(&sqlite(&original), &schema_url(&pg));
    assert!(there.status.success(), "{}", text(&there));
    // The identities go on after the highest id SQLite ever issued.
    let pool = pg.pool().await.unwrap();
    for (table, column) in [("cohorts", "cohort_id"), ("reflections", "reflection_id")] {
        let issued: Option<i64> = sqlx::query_scalar(
            "SELECT pg_sequence_last_value(pg_get_serial_sequence($1, $2)::regclass)",
        )
        .bind(table)
        .bind(column)
        .fetch_one(&pool)
        .await
        .unwrap();
        let sqlite_seq = before["sqlite_sequence"]
            .iter()
            .find(|row| row.starts_with(&format!("'{table}',")))
            .and_then(|row| row.split(',').nth(1))
            .and_then(|seq| seq.parse::<i64>().ok());
        assert_eq!(issued, sqlite_seq, "{table}");
    }
    pool.close().await;
    let back = dir.path().join("back.db");
    let returned = copy_data(&schema_url(&pg), &sqlite(&back));
    assert!(returned.status.success(), "{}", text(&returned));
    assert_eq!(dump(&back).await, before, "sqlite -> postgres -> sqlite");

    // The bot serves from the PostgreSQL copy, with the same key.
    w.harness.set_database_url(Some(schema_url(&pg)));
    w.harness.restart().await;
    assert_texts_open(&w, ada).await;
    w.harness.stop().await;
    w.harness.set_database_url(None);
    serve_from(&mut w, &back, ada).await;
}

/// A migrated database with one guild (`guild_id`), through the binary and plain SQL.
async fn database_with_guild(path: &Path, guild_id: i64) {
    let migrated = allybot()
        .arg("migrate")
        .env("ALLYBOT__DATABASE__URL", sqlite(path))
        .output()
        .unwrap();
    assert!(migrated.status.success(), "{}", text(&migrated));
    let pool = SqlitePoolOptions::new()
        .connect_with(SqliteConnectOptions::new().filename(path))
        .await
        .unwrap();
    sqlx::query("INSERT INTO guilds (guild_id, joined_at) VALUES ($1, 1)")
        .bind(guild_id)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

#[tokio::test]
async fn a_target_that_is_not_empty_is_refused_and_left_exactly_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.db");
    let occupied = dir.path().join("occupied.db");
    database_with_guild(&source, 1).await;
    database_with_guild(&occupied, 2).await;
    let before = dump(&occupied).await;

    let refused = copy_data(&sqlite(&source), &sqlite(&occupied));
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(
        text(&refused).contains("the target is not empty, so nothing was copied: guilds (1 row)"),
        "{}",
        text(&refused)
    );
    assert_eq!(dump(&occupied).await, before);

    let Some(pg) = PgTestSchema::create("copy-data refuses a full schema")
        .await
        .unwrap()
    else {
        return;
    };
    let first = copy_data(&sqlite(&source), &schema_url(&pg));
    assert!(first.status.success(), "{}", text(&first));
    let again = copy_data(&sqlite(&occupied), &schema_url(&pg));
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(text(&again).contains("not empty"), "{}", text(&again));
    // What PostgreSQL holds is still exactly the first copy.
    let back = dir.path().join("back.db");
    let returned = copy_data(&schema_url(&pg), &sqlite(&back));
    assert!(returned.status.success(), "{}", text(&returned));
    assert_eq!(dump(&back).await, dump(&source).await);
}

#[test]
fn urls_that_name_no_database_exit_2_and_a_missing_source_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let target = sqlite(&dir.path().join("t.db"));
    let mysql = copy_data("mysql://h/db", &target);
    assert_eq!(mysql.status.code(), Some(2), "{}", text(&mysql));
    assert!(text(&mysql).contains("--from"), "{}", text(&mysql));
    let same = copy_data(&target, &target);
    assert_eq!(same.status.code(), Some(2), "{}", text(&same));
    let missing = copy_data(&sqlite(&dir.path().join("typo.db")), &target);
    assert_eq!(missing.status.code(), Some(1), "{}", text(&missing));
    assert!(text(&missing).contains("cannot open"), "{}", text(&missing));
    assert!(
        !dir.path().join("typo.db").exists(),
        "a missing source is not created"
    );
}
