//! Benchmark 3: the quiz-answer write path against SQLite's own single-row commit rate.
//!
//! An answer button runs, in src/bot/flows/quiz/steps.rs `answer`, two store calls:
//! `quiz_click` (one read: the attempt, its cohort, the cohort's practice calendar and the
//! question), then `record_quiz_answer` (one write transaction, which also refuses a second
//! click or a question out of order). This bench makes the same two calls with the same
//! arguments for every question of many stored attempts, one answer after another, on a real
//! database opened by `Store::open`, and compares the answers per second with the commits per
//! second of a bare `BEGIN IMMEDIATE; INSERT one row; COMMIT` through a pool opened with the
//! same options as the store's (WAL, synchronous=NORMAL, foreign keys, secure_delete=FAST,
//! busy timeout) on a file in the same folder, so the same file system. Bound: the answer
//! rate is at least half the raw rate.
//!
//! Run: `cargo bench --bench quiz_writes` (1,000 answers a run), or with the answers per run
//! as the argument, e.g. `cargo bench --bench quiz_writes -- 10000`. Three runs each; raw and
//! answer runs alternate so a burst of load on the shared machine hits both.

#[path = "measure/mod.rs"]
mod measure;

use std::str::FromStr;
use std::time::{Duration, Instant};

use allybot::app;
use allybot::config;
use allybot::domain::local_time::local_date;
use allybot::domain::spacing;
use allybot::store::{
    CreateOutcome, NewAnswer, NewCohort, NewQuiz, QuizQuestion, QuizSource, Recorded, Store,
};
use chrono::{DateTime, NaiveDate, Utc};
use measure::Spread;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

const RUNS: usize = 3;
const GUILD: u64 = 1;
/// People answering: attempts are spread over them, so review rows are both new and updated.
const PEOPLE: u64 = 200;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .unwrap_or_default()
}

/// A database with one cohort and `attempts` unanswered quizzes of `per_quiz` questions.
async fn prepare(dir: &std::path::Path, attempts: usize) -> anyhow::Result<(Store, Vec<i64>)> {
    let mut settings = config::load(None, &[])?;
    settings.database.url = format!("sqlite://{}", dir.join("answers.db").display());
    let curriculum = app::load_curriculum(&settings)?;
    let track = curriculum
        .track("accomplice")
        .ok_or_else(|| anyhow::anyhow!("no track"))?;
    let store = Store::open(&settings.database.url).await?;
    let now = at("2026-11-23T09:00:00Z");
    store.upsert_guild(GUILD, now).await?;
    let (plan, pace) = track.new_cohort_plan(7);
    let CreateOutcome::Created(cohort) = store
        .create_cohort(
            NewCohort {
                guild_id: GUILD,
                name: "Bench cohort",
                track: &track.id,
                track_version: &track.version,
                plan: &plan,
                pace: &pace,
                seed: 7,
                start: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default(),
                created_by: 2,
            },
            now,
        )
        .await?
    else {
        anyhow::bail!("cohort not created");
    };
    let items: Vec<(u8, String, usize)> = track
        .modules
        .iter()
        .flat_map(|m| {
            m.quiz
                .iter()
                .map(|q| (m.number, q.id.clone(), q.options.len()))
        })
        .collect();
    let per_quiz = settings.quiz.questions as usize;
    let mut ids = Vec::with_capacity(attempts);
    for a in 0..attempts {
        let questions: Vec<QuizQuestion> = (0..per_quiz)
            .map(|p| {
                let (module, item, options) = &items[(a * per_quiz + p) % items.len()];
                QuizQuestion {
                    position: p as u8,
                    item_id: item.clone(),
                    module: *module,
                    order: (0..*options).collect(),
                    review: false,
                }
            })
            .collect();
        let id = store
            .start_quiz(
                NewQuiz {
                    user_id: 1_000 + a as u64 % PEOPLE,
                    guild_id: GUILD,
                    cohort_id: cohort.id,
                    track: &track.id,
                    module: None,
                    seed: a as u64,
                    source: QuizSource::Command,
                    questions: &questions,
                },
                now,
            )
            .await?;
        ids.push(id);
    }
    Ok((store, ids))
}

/// Answers every question of `attempts` as the answer button does; returns answers/s and the
/// time spent in `record_quiz_answer` alone.
async fn answer_all(
    store: &Store,
    attempts: &[i64],
    questions: u8,
) -> anyhow::Result<(f64, usize, Duration)> {
    let now = at("2026-11-23T09:05:00Z");
    let started = Instant::now();
    let mut answered = 0;
    let mut writing = Duration::ZERO;
    for &id in attempts {
        for position in 0..questions {
            // The calls of steps.rs `load` and `answer`, in order, for every click.
            let click = store
                .quiz_click(id, Some(position))
                .await?
                .ok_or_else(|| anyhow::anyhow!("attempt {id} missing"))?;
            let today = local_date(now, click.cohort.timezone);
            let question = click
                .question
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("question missing"))?;
            let correct = position % 2 == 0;
            let write = Instant::now();
            let recorded = store
                .record_quiz_answer(
                    &click.attempt,
                    NewAnswer {
                        question,
                        choice: 0,
                        correct,
                        practice_date: today,
                        now,
                    },
                    |prior| spacing::after_answer(&click.calendar, today, prior, correct, None),
                )
                .await?;
            anyhow::ensure!(
                matches!(recorded, Recorded::New(_)),
                "answer {position} of attempt {id} not recorded"
            );
            writing += write.elapsed();
            answered += 1;
        }
    }
    Ok((
        answered as f64 / started.elapsed().as_secs_f64(),
        answered,
        writing,
    ))
}

/// Single-row commits per second through a pool configured as the store configures its own.
async fn raw_commits(dir: &std::path::Path, commits: usize) -> anyhow::Result<f64> {
    let url = format!("sqlite://{}", dir.join("raw.db").display());
    // The same options as Store::open_without_migrating (src/store/mod.rs).
    let options = SqliteConnectOptions::from_str(&url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .pragma("secure_delete", "FAST")
        .busy_timeout(Duration::from_millis(2500));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_millis(2500))
        .connect_with(options)
        .await?;
    sqlx::query("CREATE TABLE raw (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)")
        .execute(&pool)
        .await?;
    let started = Instant::now();
    for i in 0..commits {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("INSERT INTO raw (at) VALUES (?1)")
            .bind(i as i64)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let rate = commits as f64 / started.elapsed().as_secs_f64();
    pool.close().await;
    Ok(rate)
}

async fn bench(answers: usize) -> anyhow::Result<()> {
    let questions = config::load(None, &[])?.quiz.questions as usize;
    let attempts = answers.div_ceil(questions.max(1));
    let mut raw = Vec::new();
    let mut path = Vec::new();
    let mut write_only = Vec::new();
    for run in 1..=RUNS {
        // Next to the target folder: the same file system as the build, not a tmpfs.
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))?;
        let (store, ids) = prepare(dir.path(), attempts).await?;
        let raw_rate = raw_commits(dir.path(), attempts * questions).await?;
        let (rate, answered, writing) = answer_all(&store, &ids, questions as u8).await?;
        let write_rate = answered as f64 / writing.as_secs_f64();
        println!(
            "run {run}: raw {raw_rate:.0} commits/s, answer path {rate:.0} answers/s ({:.2} of raw), record_quiz_answer alone {write_rate:.0}/s, load {}",
            rate / raw_rate,
            measure::load_average()
        );
        raw.push(raw_rate);
        path.push(rate);
        write_only.push(write_rate);
        store.close().await;
    }
    let ratios: Vec<f64> = path.iter().zip(&raw).map(|(p, r)| p / r).collect();
    let ratio = Spread::of(&ratios);
    println!(
        "{answers} answers a run, {RUNS} runs: raw {} commits/s · answer path {} answers/s · record_quiz_answer alone {} /s · ratio {} (bound ≥ 0.50: {})",
        Spread::of(&raw).show(0),
        Spread::of(&path).show(0),
        Spread::of(&write_only).show(0),
        ratio.show(2),
        if ratio.median >= 0.5 { "met" } else { "MISSED" }
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let sizes = measure::sizes(&[1_000]);
    measure::print_machine_for("quiz_writes", &sizes);
    let runtime = tokio::runtime::Runtime::new()?;
    for answers in sizes {
        runtime.block_on(bench(answers))?;
    }
    Ok(())
}
