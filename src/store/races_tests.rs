//! Two processes on one database, played by two stores (two pools) on the same URL: on SQLite
//! always, on PostgreSQL when `ALLYBOT_TEST_PG_URL` is set. Each race has exactly one winner,
//! and what the loser holds afterwards (a stale lease, a former epoch) changes nothing.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{CohortPlan, FourA, Pace, Plan};
use crate::store::test_db::TestDb;
use crate::store::{Change, Claim, CreateOutcome, Lease, LeaseOwner, NewCohort, Store, LEASE};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

const NOW: &str = "2026-11-23T09:00:00Z";

fn plan() -> CohortPlan {
    CohortPlan::Modules(Plan::build(
        &[vec![("p-aw".to_owned(), FourA::Awareness)]],
        1,
    ))
}

async fn create(store: &Store, name: &str) -> CreateOutcome {
    let plan = plan();
    let pace = Pace::uniform(5, 1);
    store
        .create_cohort(
            NewCohort {
                guild_id: 1,
                name,
                track: "accomplice",
                track_version: "1",
                plan: &plan,
                pace: &pace,
                seed: 1,
                start: date("2026-11-23"),
                created_by: 1,
            },
            at(NOW),
        )
        .await
        .unwrap()
}

/// Two stores on one fresh database, a guild in it.
async fn two_processes(db: &TestDb) -> (Store, Store) {
    let one = db.open().await;
    let two = db.open().await;
    one.upsert_guild(1, at(NOW)).await.unwrap();
    (one, two)
}

/// The claim of `cohort`'s Monday nudge.
fn monday_claim(cohort: i64) -> Claim<'static> {
    Claim {
        cohort_id: cohort,
        practice_date: date("2026-11-23"),
        day_number: 1,
        prompt_id: "p-aw",
        due_at: at(NOW),
        late: false,
        nonce: "n1",
        channel_id: 5,
    }
}

/// `owner` leads, by a claim on `store` (the lease was free).
async fn lead(store: &Store, owner: &LeaseOwner, now: DateTime<Utc>) -> i64 {
    let epoch = store
        .claim_leadership(owner, now, chrono::Duration::seconds(30))
        .await
        .unwrap()
        .expect("the lease is free");
    owner.set_epoch(epoch);
    epoch
}

#[tokio::test]
async fn two_claims_of_one_delivery_have_one_winner() {
    for db in TestDb::every("two_claims_of_one_delivery_have_one_winner").await {
        let (one, two) = two_processes(&db).await;
        let CreateOutcome::Created(cohort) = create(&one, "Blue").await else {
            panic!("created")
        };
        // Two workers of the leader, one on each pool; and a process that does not lead.
        let (leader, outsider) = (
            LeaseOwner::for_this_process(),
            LeaseOwner::for_this_process(),
        );
        lead(&one, &leader, at(NOW)).await;
        let claim = monday_claim(cohort.id);
        let (first, second, third) = tokio::join!(
            one.claim_delivery(&claim, Lease::from(&leader, at(NOW)), at(NOW)),
            two.claim_delivery(&claim, Lease::from(&leader, at(NOW)), at(NOW)),
            two.claim_delivery(&claim, Lease::from(&outsider, at(NOW)), at(NOW)),
        );
        let won: Vec<i64> = [first.unwrap(), second.unwrap()]
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(won.len(), 1, "{:?}: exactly one claim", db.backend());
        assert_eq!(
            third.unwrap(),
            None,
            "a process that does not lead claims nothing"
        );
    }
}

#[tokio::test]
async fn two_cohorts_with_one_name_have_one_winner() {
    for db in TestDb::every("two_cohorts_with_one_name_have_one_winner").await {
        let (one, two) = two_processes(&db).await;
        let (first, second) = tokio::join!(create(&one, "Blue"), create(&two, "blue"));
        let created = [&first, &second]
            .iter()
            .filter(|outcome| matches!(outcome, CreateOutcome::Created(_)))
            .count();
        let taken = [&first, &second]
            .iter()
            .filter(|outcome| matches!(outcome, CreateOutcome::NameTaken))
            .count();
        assert_eq!((created, taken), (1, 1), "{:?}", db.backend());
    }
}

#[tokio::test]
async fn two_schedulers_for_one_lease_have_one_leader_and_a_takeover_raises_the_epoch() {
    let test = "two_schedulers_for_one_lease_have_one_leader_and_a_takeover_raises_the_epoch";
    for db in TestDb::every(test).await {
        let (one, two) = two_processes(&db).await;
        let (a, b) = (
            LeaseOwner::for_this_process(),
            LeaseOwner::for_this_process(),
        );
        let lease = chrono::Duration::seconds(30);
        let (first, second) = tokio::join!(
            one.claim_leadership(&a, at(NOW), lease),
            two.claim_leadership(&b, at(NOW), lease),
        );
        let (first, second) = (first.unwrap(), second.unwrap());
        assert_eq!(
            first.is_some() as u8 + second.is_some() as u8,
            1,
            "{:?}: one leader",
            db.backend()
        );
        let (leader, standby, epoch) = match (first, second) {
            (Some(epoch), None) => ((&one, &a), (&two, &b), epoch),
            (None, Some(epoch)) => ((&two, &b), (&one, &a), epoch),
            other => panic!("{other:?}"),
        };
        assert_eq!(epoch, 1, "the first holder leads in epoch 1");

        let later = at(NOW) + chrono::Duration::seconds(20);
        assert_eq!(
            leader
                .0
                .claim_leadership(leader.1, later, lease)
                .await
                .unwrap(),
            Some(1),
            "a renewal keeps the epoch"
        );
        assert_eq!(
            standby
                .0
                .claim_leadership(standby.1, later, lease)
                .await
                .unwrap(),
            None,
            "a running lease is not taken"
        );
        let expired = later + lease + chrono::Duration::seconds(1);
        assert_eq!(
            standby
                .0
                .claim_leadership(standby.1, expired, lease)
                .await
                .unwrap(),
            Some(2),
            "an expired lease is taken over in a new epoch"
        );
        assert_eq!(
            leader
                .0
                .claim_leadership(leader.1, expired, lease)
                .await
                .unwrap(),
            None,
            "the former leader does not get it back while the new lease runs"
        );
        let stored = leader.0.leader().await.unwrap();
        assert_eq!(
            (stored.holder.as_str(), stored.epoch),
            (standby.1.as_str(), 2)
        );
    }
}

#[tokio::test]
async fn a_former_leader_can_neither_renew_nor_take_over_nor_mark_what_the_new_one_took() {
    let test = "a_former_leader_can_neither_renew_nor_take_over_nor_mark_what_the_new_one_took";
    for db in TestDb::every(test).await {
        let (one, two) = two_processes(&db).await;
        let CreateOutcome::Created(cohort) = create(&one, "Blue").await else {
            panic!("created")
        };
        let (old, new) = (
            LeaseOwner::for_this_process(),
            LeaseOwner::for_this_process(),
        );
        lead(&one, &old, at(NOW)).await;
        let claim = monday_claim(cohort.id);
        let id = one
            .claim_delivery(&claim, Lease::from(&old, at(NOW)), at(NOW))
            .await
            .unwrap()
            .expect("claimed");
        assert_eq!(
            one.renew_delivery(id, Lease::from(&old, at(NOW)))
                .await
                .unwrap(),
            Change::Applied,
            "the leader renews its claim"
        );

        // The old leader pauses; its lease runs out and the other process takes over.
        let paused = at(NOW) + chrono::Duration::minutes(1);
        let epoch = two
            .claim_leadership(&new, paused, chrono::Duration::seconds(30))
            .await
            .unwrap()
            .expect("taken over");
        new.set_epoch(epoch);
        assert_eq!(
            one.renew_delivery(id, Lease::from(&old, paused))
                .await
                .unwrap(),
            Change::Stale,
            "fenced: the former epoch cannot renew, so it does not post"
        );
        assert_eq!(
            two.end_former_leaders_leases(&new, paused).await.unwrap(),
            1
        );
        assert!(
            two.take_over_delivery(id, Lease::from(&new, paused), paused)
                .await
                .unwrap(),
            "the new leader takes the claim over at once"
        );
        assert!(
            !one.take_over_delivery(id, Lease::from(&old, paused), paused + LEASE * 2)
                .await
                .unwrap(),
            "fenced: the former leader cannot take it back even after the lease"
        );
        assert_eq!(
            one.mark_sent(id, 99, 5, &old, paused).await.unwrap(),
            Change::Stale,
            "a stale mark is refused"
        );
        assert_eq!(
            two.mark_sent(id, 42, 5, &new, paused).await.unwrap(),
            Change::Applied
        );
    }
}
