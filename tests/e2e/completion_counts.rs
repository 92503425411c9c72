//! Completions in a summary are a count of people under the k rules: "—" below k, the number
//! from k on, and withheld with the other figures to date. Built on a real SQLite file through
//! the store and `report::compute` (the same path as the weekly post), without the bot.

use allybot::domain::kanon::Shown;
use allybot::domain::summary_week::SummarySchedule;
use allybot::report::{self, Subject};
use allybot::store::{CreateOutcome, NewCohort, Store};
use chrono::NaiveDate;

use crate::harness::at;

#[tokio::test]
async fn completions_show_from_k_people_and_never_who() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("a.db").display());
    let store = Store::open(&url).await.unwrap();
    let mut settings = allybot::config::load(None, &[]).unwrap();
    settings.content.dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cert-track");
    let curriculum = allybot::app::load_curriculum(&settings).unwrap();
    let track = curriculum.track("cert").unwrap();
    let (plan, pace) = track.new_cohort_plan(1);
    let start = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let now = at("2026-11-23T08:00:00Z");
    store.upsert_guild(1, now).await.unwrap();
    let new = NewCohort {
        guild_id: 1,
        name: "Blue",
        track: &track.id,
        track_version: &track.version,
        plan: &plan,
        pace: &pace,
        seed: 1,
        start,
        created_by: 9,
    };
    let CreateOutcome::Created(created) = store.create_cohort(new, now).await.unwrap() else {
        panic!("created")
    };
    let id = created.id;
    for user in 100..106 {
        store.join_cohort(1, id, user, now).await.unwrap();
    }
    let cohort = store.cohort(id).await.unwrap().unwrap();
    let calendar = store.calendar(&cohort).await.unwrap();
    let completions = |k: u32| {
        let (store, cohort, calendar) = (&store, &cohort, &calendar);
        async move {
            let subject = Subject {
                cohort,
                calendar,
                track: Some(track),
                k,
            };
            let week = SummarySchedule::week_before(
                NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
                cohort.timezone,
            );
            report::compute(store, &subject, week)
                .await
                .unwrap()
                .figures
                .completions
        }
    };
    assert_eq!(
        completions(3).await,
        Some(Shown::Value(0)),
        "none is about no one"
    );
    let done_on = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    for user in [100, 101] {
        store
            .record_completion(user, id, &track.id, done_on, at("2026-11-27T12:00:00Z"))
            .await
            .unwrap();
    }
    assert_eq!(
        completions(3).await,
        Some(Shown::TooFew),
        "two people: fewer than k"
    );
    store
        .record_completion(102, id, &track.id, done_on, at("2026-11-27T13:00:00Z"))
        .await
        .unwrap();
    assert_eq!(completions(3).await, Some(Shown::Value(3)));
    assert_eq!(completions(5).await, Some(Shown::TooFew));
    // One completing after the week ended is not counted in it.
    store
        .record_completion(103, id, &track.id, done_on, at("2026-12-01T09:00:00Z"))
        .await
        .unwrap();
    assert_eq!(completions(3).await, Some(Shown::Value(3)));
    store.close().await;
}
