use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::domain::{FourA, Pace, Plan};
use crate::store::test_db::TestDb;
use crate::store::{CommitOutcome, CreateOutcome, NewCohort, NewCommitment};

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
        .unwrap()
        .to_utc()
}

/// A store with one cohort and `count` open commitments of user 7, all due on 24 November.
async fn store_with_commitments(db: &TestDb, count: usize) -> (Store, Vec<i64>) {
    let store = db.open().await;
    // The scheduler's claims are made by the process that leads.
    let epoch = store
        .claim_leadership(owner(), now(), chrono::Duration::seconds(30))
        .await
        .unwrap()
        .expect("the lease of a new database is free");
    owner().set_epoch(epoch);
    // The scheduler's claims are made by the process that leads.
    let epoch = store
        .claim_leadership(owner(), now(), chrono::Duration::seconds(30))
        .await
        .unwrap()
        .expect("the lease of a new database is free");
    owner().set_epoch(epoch);
    store.upsert_guild(1, now()).await.unwrap();
    let plan = Plan::build(&[vec![("p1".to_owned(), FourA::Action)]], 1).into();
    let new = NewCohort {
        guild_id: 1,
        name: "Blue",
        track: "accomplice",
        track_version: "1",
        plan: &plan,
        pace: &Pace::new([5]),
        seed: 1,
        start: date("2026-11-23"),
        created_by: 1,
    };
    let CreateOutcome::Created(cohort) = store.create_cohort(new, now()).await.unwrap() else {
        panic!("created")
    };
    let mut ids = Vec::new();
    for _ in 0..count {
        let new = NewCommitment {
            user_id: 7,
            guild_id: 1,
            cohort_id: cohort.id,
            follow_up_days: 1,
            due_date: date("2026-11-24"),
        };
        let CommitOutcome::Created(id) = store
            .create_commitment(new, sealed, 5, now())
            .await
            .unwrap()
        else {
            panic!("created")
        };
        ids.push(id);
    }
    (store, ids)
}

/// Stands in for the data key: the store only passes what it returns through.
fn sealed(_: &crate::store::SealedField) -> crate::store::SealResult {
    Ok(b"sealed".to_vec())
}

fn owner() -> &'static LeaseOwner {
    static OWNER: std::sync::OnceLock<LeaseOwner> = std::sync::OnceLock::new();
    OWNER.get_or_init(LeaseOwner::for_this_process)
}

fn lease() -> Lease<'static> {
    Lease::from(owner(), now())
}

fn claim<'a>(day: &str, items: &'a [(i64, NaiveDate)]) -> ReminderClaim<'a> {
    let local_date = date(day);
    ReminderClaim {
        user_id: 7,
        local_date,
        window_start: local_date - chrono::Duration::days(6),
        max_in_window: 3,
        nonce: "n",
        items,
    }
}

#[tokio::test]
async fn a_check_in_is_claimed_once_and_a_day_holds_one_reminder() {
    for db in TestDb::every("a_check_in_is_claimed_once_and_a_day_holds_one_reminder").await {
        let (store, ids) = store_with_commitments(&db, 2).await;
        let first = [(ids[0], date("2026-11-24"))];
        let second = [(ids[1], date("2026-11-24"))];

        assert!(store
            .claim_reminder(&claim("2026-11-24", &first), lease(), now())
            .await
            .unwrap()
            .is_some());
        assert!(
            store
                .claim_reminder(&claim("2026-11-25", &first), lease(), now())
                .await
                .unwrap()
                .is_none(),
            "already handed out"
        );
        assert!(
            store
                .claim_reminder(&claim("2026-11-24", &second), lease(), now())
                .await
                .unwrap()
                .is_none(),
            "one reminder a day"
        );
        let pending = store.pending_checkins(date("2026-11-30")).await.unwrap();
        assert_eq!(
            pending.iter().map(|p| p.commitment_id).collect::<Vec<_>>(),
            vec![ids[1]],
            "the refused claim left its check-in pending"
        );
    }
}

#[tokio::test]
async fn a_fourth_reminder_in_seven_days_is_refused_in_sql() {
    for db in TestDb::every("a_fourth_reminder_in_seven_days_is_refused_in_sql").await {
        let (store, ids) = store_with_commitments(&db, 4).await;
        for (i, day) in ["2026-11-24", "2026-11-25", "2026-11-26"]
            .iter()
            .enumerate()
        {
            let items = [(ids[i], date("2026-11-24"))];
            assert!(store
                .claim_reminder(&claim(day, &items), lease(), now())
                .await
                .unwrap()
                .is_some());
        }
        let items = [(ids[3], date("2026-11-24"))];
        assert!(store
            .claim_reminder(&claim("2026-11-27", &items), lease(), now())
            .await
            .unwrap()
            .is_none());
        assert!(
            store
                .claim_reminder(&claim("2026-12-01", &items), lease(), now())
                .await
                .unwrap()
                .is_some(),
            "the window has moved past the first"
        );
    }
}

#[tokio::test]
async fn an_interrupted_reminder_is_never_resent_and_its_check_in_waits() {
    for db in TestDb::every("an_interrupted_reminder_is_never_resent_and_its_check_in_waits").await
    {
        let (store, ids) = store_with_commitments(&db, 1).await;
        let items = [(ids[0], date("2026-11-24"))];
        store
            .claim_reminder(&claim("2026-11-24", &items), lease(), now())
            .await
            .unwrap();

        assert_eq!(
            store
                .settle_stale_reminders(now() + chrono::Duration::minutes(4))
                .await
                .unwrap(),
            0,
            "its lease still holds"
        );
        let later = now() + chrono::Duration::minutes(30);
        assert_eq!(store.settle_stale_reminders(later).await.unwrap(), 1);
        assert!(store
            .pending_checkins(date("2026-11-30"))
            .await
            .unwrap()
            .is_empty());
        let waiting = store.take_waiting_checkins(7).await.unwrap();
        assert_eq!(waiting.len(), 1);
        let writes_before = store.write_waits().count;
        assert!(
            store.take_waiting_checkins(7).await.unwrap().is_empty(),
            "taken once"
        );
        assert_eq!(
            store.write_waits().count,
            writes_before,
            "with nothing waiting, no write transaction (every command asks)"
        );
        assert_eq!(
            store.reminder_dates(7, date("2026-11-20")).await.unwrap(),
            vec![date("2026-11-24")],
            "still counted"
        );
    }
}

#[tokio::test]
async fn an_unreadable_check_in_is_left_out_and_the_others_still_come() {
    for db in TestDb::every("an_unreadable_check_in_is_left_out_and_the_others_still_come").await {
        let (store, ids) = store_with_commitments(&db, 1).await;
        let cohort = store.cohorts_in_guild(1).await.unwrap()[0].id;
        let new = NewCommitment {
            user_id: 8,
            guild_id: 1,
            cohort_id: cohort,
            follow_up_days: 1,
            due_date: date("2026-11-24"),
        };
        store
            .create_commitment(new, sealed, 5, now())
            .await
            .unwrap();
        // Person 8's own zone was removed by a tz-database update.
        sqlx::query(
        "INSERT INTO participant_settings (user_id, timezone, updated_at) VALUES (8, 'Gone/Zone', 0)",
    )
    .execute(store.pool())
    .await
    .unwrap();

        let pending = store.pending_checkins(date("2026-11-30")).await.unwrap();

        let ids_pending: Vec<i64> = pending.iter().map(|p| p.commitment_id).collect();
        assert_eq!(ids_pending, ids, "person 7's check-in still comes");
    }
}
