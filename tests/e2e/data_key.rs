//! The data key: a key file other users can read is refused; texts sealed before key ids are
//! re-sealed for their rows at the first start; `allybot key rotate` re-encrypts everything,
//! keeps the old key, refuses to run under a bot or over a kept old key, and finishes a
//! rotation that was interrupted.

use std::path::Path;
use std::process::Output;

use allybot::crypto::Cipher;
use allybot::domain::{CohortPlan, Pace, Plan};
use allybot::sim::SimOptions;
use allybot::store::{CreateOutcome, NewCohort, NewCommitment, NewReflection, Store};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use chrono::NaiveDate;
use serde_json::Value;

use crate::cohorts::with_cohort;
use crate::harness::{allybot, monday_morning, skipped_on_postgres, Harness};
use crate::privacy::active_member;

fn key_path(harness: &Harness) -> std::path::PathBuf {
    harness.dir.path().join("allybot.key")
}

/// `allybot <args>` on the harness's database and key.
fn allybot_on(harness: &Harness, args: &[&str]) -> Output {
    allybot()
        .args(args)
        .env("DISCORD_TOKEN", "data-key")
        .env("ALLYBOT__DISCORD__PROXY_URL", harness.sim.base_url())
        .env(
            "ALLYBOT__DATABASE__URL",
            format!("sqlite://{}", harness.db_path().display()),
        )
        .env(
            "ALLYBOT__PRIVACY__DATA_KEY_FILE",
            key_path(harness).display().to_string(),
        )
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The person's texts as `/privacy export` gives them back.
async fn exported(harness: &Harness, member: u64) -> Value {
    let reply = harness.command(member, "privacy export", &[]).await;
    let (_, bytes) = &reply.message().attachments[0];
    let document: Value = serde_json::from_slice(bytes).unwrap();
    document["data"].clone()
}

/// The key id at the front of every sealed value in the database.
async fn key_ids_in(db: &Path) -> Vec<String> {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    let values: Vec<Vec<u8>> = sqlx::query_scalar(
        "SELECT sealed_text FROM reflections UNION ALL SELECT when_sealed FROM commitments
         UNION ALL SELECT will_sealed FROM commitments",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    values
        .iter()
        .map(|v| Cipher::key_id_of(v).map_or("none".to_owned(), |id| id.to_string()))
        .collect()
}

fn key_id_of_file(path: &Path) -> String {
    Cipher::load(path).unwrap().unwrap().id().to_string()
}

#[cfg(unix)]
#[test]
fn a_key_file_other_users_can_read_is_refused_at_start_up_with_exit_2() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("allybot.key");
    std::fs::write(&key, format!("{}\n", "ab".repeat(32))).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();

    let output = allybot()
        .arg("run")
        .env("DISCORD_TOKEN", "data-key")
        .env(
            "ALLYBOT__DATABASE__URL",
            format!("sqlite://{}/allybot.db", dir.path().display()),
        )
        .env("ALLYBOT__PRIVACY__DATA_KEY_FILE", key.display().to_string())
        .env("ALLYBOT__DISCORD__PROXY_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();

    let message = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert_eq!(message.trim().lines().count(), 1, "one line: {message}");
    assert!(
        message.contains(&format!("chmod 600 {}", key.display())),
        "{message}"
    );
}

/// Seals as the bot did before key ids: `nonce || ciphertext`, bound to kind and owner only.
fn legacy_seal(key_file: &Path, text: &str, context: &str) -> Vec<u8> {
    let hex = std::fs::read_to_string(key_file).unwrap();
    let hex = hex.trim();
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    let aead = XChaCha20Poly1305::new(&Key::from(key));
    let nonce = [7u8; 24];
    let body = aead
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: text.as_bytes(),
                aad: context.as_bytes(),
            },
        )
        .unwrap();
    [nonce.as_slice(), &body].concat()
}

#[tokio::test]
async fn texts_sealed_before_key_ids_are_resealed_for_their_rows_at_the_first_start() {
    if skipped_on_postgres(
        "texts_sealed_before_key_ids_are_resealed_for_their_rows_at_the_first_start",
    ) {
        return;
    }
    let mut harness = Harness::world(SimOptions::default()).await;
    let member = harness.add_member("Ade");
    let key = key_path(&harness);
    Cipher::create(&key).unwrap();
    // A database as an older version left it: texts sealed without key ids, bound to kind and
    // owner only.
    let store = Store::open(&format!("sqlite://{}", harness.db_path().display()))
        .await
        .unwrap();
    store
        .upsert_guild(harness.guild, monday_morning())
        .await
        .unwrap();
    let plan = CohortPlan::Modules(Plan::build(
        &[vec![("p".to_owned(), allybot::domain::FourA::Action)]],
        1,
    ));
    let pace = Pace::uniform(5, 1);
    let CreateOutcome::Created(cohort) = store
        .create_cohort(
            NewCohort {
                guild_id: harness.guild,
                name: "Blue",
                track: "accomplice",
                track_version: "1",
                plan: &plan,
                pace: &pace,
                seed: 1,
                start: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
                created_by: harness.owner,
            },
            monday_morning(),
        )
        .await
        .unwrap()
    else {
        panic!("created")
    };
    let commitment = NewCommitment {
        user_id: member,
        guild_id: harness.guild,
        cohort_id: cohort.id,
        follow_up_days: 7,
        due_date: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    };
    let context = format!("commitment:{member}");
    store
        .create_commitment(
            commitment,
            |field| {
                let text = match field.column {
                    allybot::store::SealedColumn::CommitmentWhen => "When a meeting starts,",
                    _ => "I will ask who has not spoken yet.",
                };
                Ok(legacy_seal(&key, text, &context))
            },
            5,
            monday_morning(),
        )
        .await
        .unwrap();
    let reflection = NewReflection {
        user_id: member,
        cohort_id: Some(cohort.id),
        delivery_id: None,
        question: "What did you notice?",
    };
    let reflection_context = format!("reflection:{member}");
    store
        .save_reflection(
            reflection,
            |_| Ok(legacy_seal(&key, "An old reflection.", &reflection_context)),
            monday_morning(),
        )
        .await
        .unwrap();
    store.close().await;
    set_legacy_format(&harness.db_path()).await;

    harness.boot().await;
    let data = exported(&harness, member).await;

    assert_eq!(data["reflections"][0]["text"], "An old reflection.");
    assert_eq!(data["commitments"][0]["when"], "When a meeting starts,");
    assert_eq!(
        data["commitments"][0]["i_will"],
        "I will ask who has not spoken yet."
    );
    let id = key_id_of_file(&key);
    assert_eq!(key_ids_in(&harness.db_path()).await, vec![id; 3]);
}

async fn set_legacy_format(db: &Path) {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE data_key SET format = 1, key_id = NULL")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

#[tokio::test]
async fn key_rotate_reencrypts_every_text_keeps_the_old_key_and_finishes_an_interrupted_rotation() {
    if skipped_on_postgres(
        "key_rotate_reencrypts_every_text_keeps_the_old_key_and_finishes_an_interrupted_rotation",
    ) {
        return;
    }
    let (mut harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let member = active_member(&harness, channel).await;
    let key = key_path(&harness);
    let (old_file, new_file) = (
        key.with_file_name("allybot.key.old"),
        key.with_file_name("allybot.key.new"),
    );
    let first_key = key_id_of_file(&key);

    let under_a_bot = allybot_on(&harness, &["key", "rotate"]);
    assert_eq!(under_a_bot.status.code(), Some(1));
    assert!(
        text(&under_a_bot.stderr).contains("allybot.db.lock"),
        "{}",
        text(&under_a_bot.stderr)
    );

    harness.stop().await;
    let rotated = allybot_on(&harness, &["key", "rotate"]);
    assert!(rotated.status.success(), "{}", text(&rotated.stderr));
    assert!(
        text(&rotated.stdout).contains("3 texts re-encrypted"),
        "{}",
        text(&rotated.stdout)
    );
    let second_key = key_id_of_file(&key);
    assert_ne!(second_key, first_key);
    assert_eq!(key_id_of_file(&old_file), first_key, "the old key is kept");
    assert_eq!(
        key_ids_in(&harness.db_path()).await,
        vec![second_key.clone(); 3]
    );

    let again = allybot_on(&harness, &["key", "rotate"]);
    assert_eq!(again.status.code(), Some(1), "not over a kept old key");
    assert!(text(&again.stderr).contains("allybot.key.old"));

    // A later rotation interrupted after the database changed, before the key files moved.
    std::fs::remove_file(&old_file).unwrap();
    assert!(allybot_on(&harness, &["key", "rotate"]).status.success());
    let third_key = key_id_of_file(&key);
    std::fs::rename(&key, &new_file).unwrap();
    std::fs::rename(&old_file, &key).unwrap();
    let refused = allybot_on(&harness, &["run"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("run `allybot key rotate` again"),
        "{}",
        text(&refused.stderr)
    );
    let finished = allybot_on(&harness, &["key", "rotate"]);
    assert!(finished.status.success(), "{}", text(&finished.stderr));
    assert_eq!(key_id_of_file(&key), third_key);
    assert_eq!(key_id_of_file(&old_file), second_key);

    harness.restart().await;
    let data = exported(&harness, member).await;
    assert_eq!(
        data["reflections"][0]["text"],
        "Exported in full, deleted in full."
    );
    assert_eq!(
        data["commitments"][0]["i_will"],
        "I will hand the floor back to them."
    );
}

/// A database as a version before key ids left it, holding one reflection sealed without a key
/// id (its bytes are never opened here).
async fn legacy_database(dir: &Path) -> Store {
    let url = format!("sqlite://{}", dir.join("allybot.db").display());
    let store = Store::open(&url).await.unwrap();
    let reflection = NewReflection {
        user_id: 1_400_000_000_000_000_007,
        cohort_id: None,
        delivery_id: None,
        question: "What did you notice?",
    };
    store
        .save_reflection(reflection, |_| Ok(vec![7u8; 60]), monday_morning())
        .await
        .unwrap();
    set_legacy_format(&dir.join("allybot.db")).await;
    store
}

#[tokio::test]
async fn without_its_key_file_a_database_with_texts_from_before_key_ids_is_refused_and_no_key_is_made(
) {
    let dir = tempfile::tempdir().unwrap();
    let store = legacy_database(dir.path()).await;
    let key = dir.path().join("allybot.key");

    let refused = allybot::data_key::prepare(&store, &key, monday_morning())
        .await
        .unwrap_err();

    assert!(
        matches!(refused, allybot::data_key::DataKeyError::Config(_)),
        "a configuration error (exit 2): {refused}"
    );
    assert!(
        refused.to_string().contains("restore the key file"),
        "{refused}"
    );
    assert!(!key.exists(), "no new key that could open nothing");
    store.close().await;
}

#[tokio::test]
async fn a_reseal_is_in_the_database_file_itself_before_any_key_file_moves() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("allybot.db").display());
    let store = Store::open(&url).await.unwrap();
    let key = dir.path().join("allybot.key");

    let cipher = allybot::data_key::prepare(&store, &key, monday_morning())
        .await
        .unwrap();

    // What a power cut would leave if the write-ahead log were lost: the database file alone.
    let copy = dir.path().join("file-only.db");
    std::fs::copy(dir.path().join("allybot.db"), &copy).unwrap();
    let alone = sqlx::SqlitePool::connect(&format!("sqlite://{}", copy.display()))
        .await
        .unwrap();
    let recorded: Option<String> = sqlx::query_scalar("SELECT key_id FROM data_key")
        .fetch_one(&alone)
        .await
        .unwrap();
    assert_eq!(recorded, Some(cipher.id().to_string()));
    alone.close().await;
    store.close().await;
}
