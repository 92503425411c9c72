//! Benchmark 4: the weekly summaries of many cohorts with 12 weeks of activity behind them.
//!
//! The fixture (built once, then measured `RUNS` times): N guilds with one cohort each, created
//! through the store (`create_cohort`), started on Monday 2026-08-31, so the round at Monday
//! 2026-11-23 09:00 UTC summarises their twelfth week. Their activity is written by bulk SQL
//! (one statement per table, from recursive number series), deterministic, and shaped like a
//! real cohort: 50 members (joined over the first week, 4 of them left later); a nudge every
//! weekday; "I tried this" on 20 % of the nudges a member saw; a 3-question quiz from half the
//! members each week; a reflection from 30 % of members each week; a commitment from a member
//! every 4 weeks (half of them), each with one check-in a week later. The 11 earlier weeks'
//! summaries are stored for the chart with the figures the real code computes for the first
//! cohort's weeks, and the cohort's baseline is its members, as an earlier claim records it.
//!
//! Measured is what the weekly round does for each due cohort (src/scheduler/summaries.rs
//! `claim_week`, less the claim's own write, and the chart drawing in src/bot/outbound.rs):
//! its practice calendar, `report::compute` (every count of src/store/summary_counts.rs),
//! `report::chart_weeks`, and `report::chart::render` on a blocking thread, for every cohort
//! with the scheduler's concurrency (16); then the same for one cohort alone. Bounds: every
//! summary under 5 s; one under 50 ms.
//!
//! Run: `cargo bench --bench summaries` (100 cohorts), or `-- 1000` for the full size.

#[path = "measure/mod.rs"]
mod measure;

use std::str::FromStr;
use std::time::{Duration, Instant};

use allybot::app;
use allybot::config;
use allybot::content::model::Curriculum;
use allybot::domain::summary_week::SummarySchedule;
use allybot::report::{self, Subject};
use allybot::store::{Cohort, CreateOutcome, NewCohort, OrgSettings, Store};
use chrono::{DateTime, NaiveDate, Utc};
use futures::StreamExt;
use measure::Spread;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

const RUNS: usize = 3;
/// Single-cohort timings taken per run (the median of them is the run's figure).
const ONE_SAMPLES: usize = 20;
/// The scheduler's default concurrency (SchedulerSettings::new).
const CONCURRENCY: usize = 16;
const MEMBERS: i64 = 50;
const WEEKS: i64 = 12;
const FIRST_GUILD: u64 = 10_000;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .unwrap_or_default()
}

fn start_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 8, 31).unwrap_or_default()
}

/// The round that summarises the twelfth week.
fn round() -> DateTime<Utc> {
    at("2026-11-23T09:00:00Z")
}

async fn create_cohorts(store: &Store, curriculum: &Curriculum, n: usize) -> anyhow::Result<()> {
    let track = curriculum
        .track("accomplice")
        .ok_or_else(|| anyhow::anyhow!("no track"))?;
    let created = at("2026-08-28T12:00:00Z");
    for i in 0..n {
        let guild = FIRST_GUILD + i as u64;
        store.upsert_guild(guild, created).await?;
        let (plan, pace) = track.new_cohort_plan(i as u64);
        let outcome = store
            .create_cohort(
                NewCohort {
                    guild_id: guild,
                    name: &format!("Cohort {i}"),
                    track: &track.id,
                    track_version: &track.version,
                    plan: &plan,
                    pace: &pace,
                    seed: i as u64,
                    start: start_date(),
                    created_by: 1,
                },
                created,
            )
            .await?;
        anyhow::ensure!(matches!(outcome, CreateOutcome::Created(_)), "cohort {i}");
    }
    Ok(())
}

/// The activity of every cohort, one bulk statement per table. `d` is the day since the start
/// (a Monday; weekdays are d % 7 < 5), `w` the week, `u` the member's number in the cohort.
const ACTIVITY: &[&str] = &[
    "CREATE TEMP TABLE n (i INTEGER PRIMARY KEY)",
    "INSERT INTO n WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 99)
     SELECT i FROM s",
    "CREATE TEMP TABLE prompts AS SELECT ROW_NUMBER() OVER (ORDER BY prompt_id) - 1 AS k, prompt_id FROM prompt_tags",
    "CREATE TEMP TABLE items (k INTEGER PRIMARY KEY, item_id TEXT, module INTEGER)",
    // memberships: user = cohort * 100 + u
    "INSERT INTO memberships (cohort_id, guild_id, user_id, joined_at, left_at)
     SELECT c.cohort_id, c.guild_id, c.cohort_id * 100 + n.i, ?1 + (n.i % 5) * 86400,
            CASE WHEN n.i >= 46 THEN ?1 + (30 + n.i) * 86400 END
     FROM cohorts c JOIN n ON n.i < ?2",
    "INSERT INTO deliveries (cohort_id, practice_date, day_number, prompt_id, due_at, status, nonce,
                             channel_id, message_id, attempts, claimed_at, finished_at)
     SELECT c.cohort_id, date(?1 + n.i * 86400, 'unixepoch'), n.i / 7 * 5 + n.i % 7 + 1,
            (SELECT prompt_id FROM prompts WHERE k = (n.i / 7 * 5 + n.i % 7) % (SELECT COUNT(*) FROM prompts)),
            ?1 + n.i * 86400 + 32400, 'sent', 'd' || c.cohort_id || '-' || n.i,
            c.guild_id, c.cohort_id * 1000 + n.i, 1, ?1 + n.i * 86400 + 32400, ?1 + n.i * 86400 + 32401
     FROM cohorts c JOIN n ON n.i < ?3 * 7 AND n.i % 7 < 5",
    "INSERT INTO engagements (delivery_id, user_id, cohort_id, kind, created_at)
     SELECT d.delivery_id, m.user_id, d.cohort_id, 'tried', d.due_at + 3600 + (m.user_id % 100) * 60
     FROM deliveries d JOIN memberships m ON m.cohort_id = d.cohort_id
     WHERE m.joined_at <= d.due_at AND (m.left_at IS NULL OR m.left_at > d.due_at)
       AND (m.user_id * 7 + d.due_at / 86400 * 13) % 10 < 2 AND m.user_id % 100 % 8 <> 7",
    "INSERT INTO quiz_attempts (attempt_id, user_id, guild_id, cohort_id, track, module, question_count,
                                seed, source, started_at, finished_at)
     SELECT m.user_id * 16 + w.i, m.user_id, m.guild_id, m.cohort_id, c.track, NULL, 3, w.i, 'command',
            ?1 + (w.i * 7 + m.user_id % 5) * 86400 + 36000 + (m.user_id % 100) * 60,
            ?1 + (w.i * 7 + m.user_id % 5) * 86400 + 36000 + (m.user_id % 100) * 60 + 120
     FROM memberships m JOIN cohorts c ON c.cohort_id = m.cohort_id JOIN n w ON w.i < ?3
     WHERE (m.user_id + w.i) % 2 = 0 AND m.user_id % 100 % 8 <> 7 AND m.joined_at <= ?1 + w.i * 7 * 86400 + 86400 * 5
       AND (m.left_at IS NULL OR m.left_at > ?1 + (w.i * 7 + 5) * 86400)",
    "INSERT INTO quiz_questions (attempt_id, position, item_id, module, option_order, review)
     SELECT a.attempt_id, p.i, i.item_id, i.module, '0,1,2,3', FALSE
     FROM quiz_attempts a JOIN n p ON p.i < 3
     JOIN items i ON i.k = (a.attempt_id * 3 + p.i) % (SELECT COUNT(*) FROM items)",
    "INSERT INTO quiz_answers (attempt_id, position, user_id, cohort_id, track, item_id, module, choice,
                               correct, confidence, prior_step, practice_date, answered_at)
     SELECT q.attempt_id, q.position, a.user_id, a.cohort_id, a.track, q.item_id, q.module, 0,
            (a.attempt_id + q.position) % 3 <> 0, 1 + (a.attempt_id % 4), 0,
            date(a.started_at, 'unixepoch'), a.started_at + 30 * (q.position + 1)
     FROM quiz_questions q JOIN quiz_attempts a ON a.attempt_id = q.attempt_id",
    "INSERT INTO reflections (user_id, cohort_id, delivery_id, question, sealed_text, created_at)
     SELECT m.user_id, m.cohort_id, NULL, 'What did you notice?', x'00', ?1 + (w.i * 7 + 2) * 86400 + 61200 + m.user_id % 100
     FROM memberships m JOIN n w ON w.i < ?3
     WHERE (m.user_id * 3 + w.i) % 10 < 3 AND m.user_id % 100 % 8 <> 7 AND m.joined_at <= ?1 + (w.i * 7 + 2) * 86400
       AND (m.left_at IS NULL OR m.left_at > ?1 + (w.i * 7 + 2) * 86400)",
    "INSERT INTO commitments (user_id, guild_id, cohort_id, when_sealed, will_sealed, follow_up_days,
                              due_date, status, created_at)
     SELECT m.user_id, m.guild_id, m.cohort_id, x'00', x'00', 7,
            date(?1 + (w.i * 7 + 10) * 86400, 'unixepoch'), CASE WHEN w.i < ?3 - 2 THEN 'kept' ELSE 'open' END,
            ?1 + (w.i * 7 + 3) * 86400 + 50000
     FROM memberships m JOIN n w ON w.i < ?3
     WHERE (m.user_id + w.i) % 4 = 0 AND m.user_id % 2 = 0 AND m.user_id % 100 % 8 <> 7 AND m.joined_at <= ?1 + (w.i * 7 + 3) * 86400
       AND (m.left_at IS NULL OR m.left_at > ?1 + (w.i * 7 + 3) * 86400)",
    "INSERT INTO checkin_answers (commitment_id, user_id, round_date, outcome, answered_at)
     SELECT c.commitment_id, c.user_id, c.due_date,
            CASE c.user_id % 3 WHEN 0 THEN 'tried' WHEN 1 THEN 'not_yet' ELSE 'not_applicable' END,
            c.created_at + 7 * 86400
     FROM commitments c WHERE c.created_at + 7 * 86400 < ?4",
    "INSERT INTO summary_baselines (cohort_id, user_id) SELECT cohort_id, user_id FROM memberships",
];

/// Writes the activity, with a connection configured as the store's, in one transaction.
async fn write_activity(url: &str, curriculum: &Curriculum) -> anyhow::Result<()> {
    let options = SqliteConnectOptions::from_str(url)?
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let mut tx = pool.begin().await?;
    let start = chrono::NaiveDateTime::from(start_date())
        .and_utc()
        .timestamp();
    for (i, statement) in ACTIVITY.iter().enumerate() {
        sqlx::query(sqlx::AssertSqlSafe(*statement))
            .bind(start)
            .bind(MEMBERS)
            .bind(WEEKS)
            .bind(round().timestamp())
            .execute(&mut *tx)
            .await?;
        if i == 3 {
            let items = curriculum
                .track("accomplice")
                .into_iter()
                .flat_map(|t| &t.modules)
                .flat_map(|m| m.quiz.iter().map(move |q| (m.number, q.id.clone())));
            for (k, (module, item)) in items.enumerate() {
                sqlx::query("INSERT INTO items (k, item_id, module) VALUES (?1, ?2, ?3)")
                    .bind(k as i64)
                    .bind(item)
                    .bind(i64::from(module))
                    .execute(&mut *tx)
                    .await?;
            }
        }
    }
    tx.commit().await?;
    pool.close().await;
    Ok(())
}

/// Where one summary's time went: the figures (calendar and counts), the chart's weeks, the
/// drawing.
#[derive(Default, Clone, Copy)]
struct Split {
    figures: Duration,
    weeks: Duration,
    drawing: Duration,
}

/// One cohort's summary as the weekly round makes it: figures, chart weeks, chart PNG.
async fn summarise(
    store: &Store,
    curriculum: &Curriculum,
    cohort: &Cohort,
    org: &OrgSettings,
    k: u32,
) -> anyhow::Result<(report::Figures, usize, Split)> {
    let started = Instant::now();
    let (week_of, _) = org.schedule.latest(cohort.timezone, round());
    let window = SummarySchedule::week_before(week_of, cohort.timezone);
    let calendar = store.calendar(cohort).await?;
    let subject = Subject {
        cohort,
        calendar: &calendar,
        track: curriculum.track(&cohort.track),
        k: org.k(k),
    };
    let computed = report::compute(store, &subject, window).await?;
    let figures = started.elapsed();
    let weeks = report::chart_weeks(store, cohort.id, &computed.figures).await?;
    let charted = started.elapsed();
    let title = format!("{}: practice by week", cohort.name);
    let k = computed.figures.k;
    let png =
        tokio::task::spawn_blocking(move || report::chart::render(&title, &weeks, k)).await??;
    let split = Split {
        figures,
        weeks: charted - figures,
        drawing: started.elapsed() - charted,
    };
    Ok((computed.figures, png.len(), split))
}

/// Stores the 11 earlier weeks' summaries of every cohort, with the first cohort's real figures.
async fn store_earlier_weeks(
    store: &Store,
    url: &str,
    curriculum: &Curriculum,
    k: u32,
) -> anyhow::Result<()> {
    let cohorts = store.summarisable_cohorts().await?;
    let first = cohorts
        .first()
        .ok_or_else(|| anyhow::anyhow!("no cohort"))?;
    let calendar = store.calendar(first).await?;
    let mut weeks = Vec::new();
    for w in 1..WEEKS {
        let week_of = start_date() + chrono::Duration::weeks(w);
        let window = SummarySchedule::week_before(week_of, first.timezone);
        let subject = Subject {
            cohort: first,
            calendar: &calendar,
            track: curriculum.track(&first.track),
            k,
        };
        let figures = report::compute(store, &subject, window).await?.figures;
        weeks.push((week_of, serde_json::to_string(&figures)?));
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::from_str(url)?)
        .await?;
    let mut tx = pool.begin().await?;
    for (week_of, figures) in weeks {
        let due = chrono::NaiveDateTime::from(week_of).and_utc().timestamp() + 32400;
        sqlx::query(
            "INSERT INTO summaries (cohort_id, week_of, due_at, status, late, nonce, channel_id, attempts,
                                    reason, figures, claimed_at, finished_at)
             SELECT cohort_id, ?1, ?2, 'skipped', FALSE, 's' || cohort_id || ?1, NULL, 0,
                    'no summary channel is set', ?3, ?2, ?2 FROM cohorts",
        )
        .bind(week_of.to_string())
        .bind(due)
        .bind(figures)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    pool.close().await;
    Ok(())
}

struct Run {
    all: Duration,
    one: Duration,
    /// The single cohort's median split.
    split: Split,
}

async fn measure_once(store: &Store, curriculum: &Curriculum, k: u32) -> anyhow::Result<Run> {
    let started = Instant::now();
    let cohorts = store.summarisable_cohorts().await?;
    let orgs = store.all_org_settings().await?;
    let _recorded = store.latest_summary_weeks().await?;
    let org_of = |guild: u64| {
        orgs.iter()
            .find(|o| o.guild_id == guild)
            .cloned()
            .unwrap_or_else(|| OrgSettings::defaults(guild))
    };
    let done: Vec<anyhow::Result<(report::Figures, usize, Split)>> =
        futures::stream::iter(&cohorts)
            .map(|cohort| {
                let org = org_of(cohort.guild_id);
                async move { summarise(store, curriculum, cohort, &org, k).await }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
    let all = started.elapsed();
    let mut charts = 0;
    for result in done {
        let (figures, png, _) = result?;
        anyhow::ensure!(png > 0, "an empty chart");
        anyhow::ensure!(
            figures.week.participation.value().is_some(),
            "a week with no participation shown: the fixture is not realistic"
        );
        charts += 1;
    }
    anyhow::ensure!(charts == cohorts.len(), "every cohort summarised");

    let middle = &cohorts[cohorts.len() / 2];
    let org = org_of(middle.guild_id);
    let mut singles = Vec::new();
    for _ in 0..ONE_SAMPLES {
        let started = Instant::now();
        let (_, _, split) = summarise(store, curriculum, middle, &org, k).await?;
        singles.push((started.elapsed(), split));
    }
    singles.sort_by_key(|(took, _)| *took);
    let (one, split) = singles[singles.len() / 2];
    Ok(Run { all, one, split })
}

async fn bench(cohorts: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))?;
    let mut settings = config::load(None, &[])?;
    let url = format!("sqlite://{}", dir.path().join("summaries.db").display());
    settings.database.url = url.clone();
    let k = settings.privacy.min_group_size;
    let curriculum = app::load_curriculum(&settings)?;
    let building = Instant::now();
    let store = Store::open(&url).await?;
    let tags: Vec<_> = curriculum
        .tracks
        .iter()
        .flat_map(|t| &t.modules)
        .flat_map(|m| &m.prompts)
        .map(|p| (p.id.clone(), p.four_a))
        .collect();
    store.sync_prompt_tags(&tags).await?;
    create_cohorts(&store, &curriculum, cohorts).await?;
    write_activity(&url, &curriculum).await?;
    store_earlier_weeks(&store, &url, &curriculum, k).await?;
    let size = std::fs::metadata(dir.path().join("summaries.db"))?.len()
        + std::fs::metadata(dir.path().join("summaries.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!(
        "fixture: {cohorts} cohorts × {MEMBERS} members × {WEEKS} weeks built in {:.1} s ({} MB)",
        building.elapsed().as_secs_f64(),
        size / 1_000_000
    );
    let mut all = Vec::new();
    let mut one = Vec::new();
    for run in 1..=RUNS {
        let r = measure_once(&store, &curriculum, k).await?;
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "run {run}: all {:.2} s, one {:.1} ms (figures {:.1}, chart weeks {:.1}, drawing {:.1}), load {}",
            r.all.as_secs_f64(),
            ms(r.one),
            ms(r.split.figures),
            ms(r.split.weeks),
            ms(r.split.drawing),
            measure::load_average()
        );
        all.push(r.all.as_secs_f64());
        one.push(r.one.as_secs_f64() * 1e3);
    }
    let (all, one) = (Spread::of(&all), Spread::of(&one));
    println!(
        "{cohorts} cohorts, {RUNS} runs: every summary and chart {} s (bound < 5 s: {}, ratio {:.2}) · one cohort's {} ms (bound < 50 ms: {}, ratio {:.2})",
        all.show(2),
        if all.median < 5.0 { "met" } else { "MISSED" },
        all.median / 5.0,
        one.show(1),
        if one.median < 50.0 { "met" } else { "MISSED" },
        one.median / 50.0
    );
    store.close().await;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let sizes = measure::sizes(&[100]);
    measure::print_machine_for("summaries", &sizes);
    let runtime = tokio::runtime::Runtime::new()?;
    for cohorts in sizes {
        runtime.block_on(bench(cohorts))?;
    }
    Ok(())
}
