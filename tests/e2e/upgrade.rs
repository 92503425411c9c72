//! Upgrading from 0.2.0: a database that release wrote (rebuilt from its SQL dump, so no old
//! code runs) is migrated at start-up, and every cohort keeps its prompt on every day: the
//! pinned plan and the one pace it had, not the new per-module defaults.

use std::collections::BTreeMap;
use std::str::FromStr;

use allybot::domain::Pace;
use allybot::sim::SimOptions;
use allybot::store::{SharedPost, Store};
use serde::Deserialize;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::ConnectOptions;

use crate::everyday::play_days;
use crate::harness::{at, skipped_on_postgres, Harness};

const DUMP: &str = include_str!("../fixtures/upgrade-0.2.0/database.sql");
const EXPECTED: &str = include_str!("../fixtures/upgrade-0.2.0/expected.json");

#[derive(Deserialize)]
struct Expected {
    pace: u32,
    prompts: Vec<String>,
}

/// Writes the 0.2.0 database into the harness's folder, with the simulator's ids.
async fn restore_0_2_0(harness: &Harness, channel_a: u64, channel_b: u64) {
    let sql = DUMP
        .replace("{{GUILD}}", &harness.guild.to_string())
        .replace("{{CHANNEL_A}}", &channel_a.to_string())
        .replace("{{CHANNEL_B}}", &channel_b.to_string());
    let url = format!("sqlite://{}", harness.db_path().display());
    let mut connection = SqliteConnectOptions::from_str(&url)
        .unwrap()
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut connection)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_database_written_by_0_2_0_keeps_every_cohorts_prompts_on_the_same_days() {
    if skipped_on_postgres(
        "a_database_written_by_0_2_0_keeps_every_cohorts_prompts_on_the_same_days",
    ) {
        return;
    }
    let mut harness = Harness::world(SimOptions::default()).await;
    let channel_a = harness
        .sim
        .add_text_channel(harness.guild, "amber-and-cedar");
    let channel_b = harness.sim.add_text_channel(harness.guild, "birch");
    restore_0_2_0(&harness, channel_a, channel_b).await;
    let expected: BTreeMap<String, Expected> = serde_json::from_str(EXPECTED).unwrap();
    harness.clock.set(at("2026-11-23T06:00:00Z"));

    harness.boot().await; // applies migration 0007

    let store = harness.bot().store();
    let curriculum = allybot::app::load_curriculum(&harness.settings()).unwrap();
    for (id, name) in (1..=5).zip(["Amber", "Birch", "Cedar", "Dune", "Elm"]) {
        let cohort = store.cohort(id).await.unwrap().expect("the cohort reads");
        assert_eq!(cohort.name, name);
        let wanted = &expected[name];
        assert_eq!(
            cohort.pace,
            Pace::uniform(wanted.pace, 7),
            "{name} keeps its one pace for every module"
        );
        let track = curriculum.track(&cohort.track).unwrap();
        for (index, prompt) in wanted.prompts.iter().enumerate() {
            let day = index as u32 + 1;
            let planned = cohort
                .plan
                .day_among(day, &cohort.pace, |id| track.prompt(id).is_some())
                .unwrap();
            assert_eq!(&planned.prompt_id, prompt, "{name}, practice day {day}");
        }
    }

    // Two weeks of nudges after the upgrade, through the scheduler.
    let weekdays = ["23", "24", "25", "26", "27", "30"];
    for day in weekdays {
        play_days(&harness, &format!("2026-11-{day}"), 1).await;
        harness.clock.set(at(&format!("2026-11-{day}T12:00:00Z")));
        harness.bot().scheduler().settle().await;
    }
    for (id, name, first_new_day) in [(1, "Amber", 16), (2, "Birch", 10), (3, "Cedar", 16)] {
        let mut rows = store.recent_deliveries(id, 100).await.unwrap();
        rows.sort_by_key(|d| d.day_number);
        let new: Vec<_> = rows
            .iter()
            .filter(|d| d.day_number >= first_new_day)
            .collect();
        assert_eq!(
            new.len(),
            6,
            "{name}: a nudge each weekday after the upgrade"
        );
        for delivery in new {
            assert_eq!(
                delivery.prompt_id,
                expected[name].prompts[delivery.day_number as usize - 1],
                "{name}, practice day {}",
                delivery.day_number
            );
        }
    }
}

#[tokio::test]
async fn a_share_0_2_0_left_half_finished_is_given_up_at_the_upgrade_not_posted() {
    if skipped_on_postgres("a_share_0_2_0_left_half_finished_is_given_up_at_the_upgrade_not_posted")
    {
        return;
    }
    let harness = Harness::world(SimOptions::default()).await;
    let channel_a = harness
        .sim
        .add_text_channel(harness.guild, "amber-and-cedar");
    let channel_b = harness.sim.add_text_channel(harness.guild, "birch");
    restore_0_2_0(&harness, channel_a, channel_b).await;
    // Two reflections 0.2.0 shared: one posted and recorded; one whose post was cut short an
    // hour before the upgrade (marked shared, no channel or message recorded).
    let person: i64 = 1_400_000_000_000_000_042;
    let recorded = at("2026-11-20T10:00:00Z").timestamp();
    let cut_short = at("2026-11-23T05:00:00Z").timestamp();
    let url = format!("sqlite://{}", harness.db_path().display());
    let db = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO reflections (reflection_id, user_id, cohort_id, question, sealed_text, created_at,
                                  shared_at, shared_channel_id, shared_message_id)
         VALUES (1, ?1, 1, 'q', x'00', ?2, ?2, ?3, 777), (2, ?1, 1, 'q', x'00', ?4, ?4, NULL, NULL)",
    )
    .bind(person)
    .bind(recorded)
    .bind(i64::try_from(channel_a).unwrap())
    .bind(cut_short)
    .execute(&db)
    .await
    .unwrap();
    db.close().await;

    let store = Store::open(&url).await.unwrap();

    let person = u64::try_from(person).unwrap();
    assert_eq!(
        store.shared_posts_of(person).await.unwrap(),
        vec![SharedPost {
            reflection: 1,
            channel: channel_a,
            message: 777
        }]
    );
    assert!(
        store.pending_shares_of(person).await.unwrap().is_empty(),
        "nothing left for recovery to post"
    );
    let reflections = store.reflections_of(person).await.unwrap();
    assert_eq!(reflections.len(), 2, "both reflections are kept");
    assert_eq!(
        reflections[1].shared_at, None,
        "its author may share it again"
    );
    store.close().await;
}
