//! Leases on claims: two workers racing for one stuck claim (exactly one wins, on a real SQLite
//! file through two separate pools, as two processes would; one that does not lead cannot take
//! it at all), a stale worker that changes nothing, and a stale dead-target result that does
//! not stop the cohort.

use std::time::Duration;

use allybot::domain::{CohortPlan, Pace, Plan, SendTime, WorkWeek};
use allybot::sim::{Fault, FaultKind, Gate};
use allybot::store::{
    Change, Claim, CreateOutcome, DeliveryStatus, Failure, Lease, LeaseOwner, NewCohort, Store,
    LEASE,
};
use axum::http::Method;
use chrono::{DateTime, NaiveDate, Utc};

use crate::cohorts::with_cohort;
use crate::harness::at;

/// `owner` leads the scheduler as of `now` (the lease was free or had run out): only the
/// leader's workers may renew or take over the scheduler's claims.
async fn lead(store: &Store, owner: &LeaseOwner, now: DateTime<Utc>) {
    let epoch = store
        .claim_leadership(owner, now, chrono::Duration::seconds(30))
        .await
        .unwrap()
        .expect("the scheduler's lease is free");
    owner.set_epoch(epoch);
}

/// A fresh database file with one cohort; returns its folder (kept alive), URL and cohort id.
async fn database() -> (tempfile::TempDir, String, i64) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("allybot.db").display());
    let store = Store::open(&url).await.unwrap();
    store
        .upsert_guild(1, at("2026-11-23T08:00:00Z"))
        .await
        .unwrap();
    let plan = CohortPlan::Modules(Plan::build(
        &[vec![("p1".to_owned(), allybot::domain::FourA::Action)]],
        1,
    ));
    let pace = Pace::uniform(5, 1);
    let new = NewCohort {
        guild_id: 1,
        name: "Blue",
        track: "accomplice",
        track_version: "1",
        plan: &plan,
        pace: &pace,
        seed: 1,
        start: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        created_by: 1,
    };
    let CreateOutcome::Created(cohort) = store
        .create_cohort(new, at("2026-11-23T08:00:00Z"))
        .await
        .unwrap()
    else {
        panic!("created")
    };
    store
        .set_schedule(
            cohort.id,
            SendTime::parse("09:00").unwrap(),
            chrono_tz::UTC,
            WorkWeek::MON_FRI,
        )
        .await
        .unwrap();
    store.close().await;
    (dir, url, cohort.id)
}

fn claim_for(cohort: i64, date: NaiveDate, nonce: &str) -> Claim<'_> {
    Claim {
        cohort_id: cohort,
        practice_date: date,
        day_number: 1,
        prompt_id: "p1",
        due_at: at("2026-11-23T09:00:00Z"),
        late: false,
        nonce,
        channel_id: 42,
    }
}

#[tokio::test]
async fn two_workers_racing_to_take_over_a_stuck_claim_exactly_one_wins_each_time() {
    let (_dir, url, cohort) = database().await;
    // Two pools on one file: two processes, as far as SQLite can tell.
    let (one, two) = (
        Store::open(&url).await.unwrap(),
        Store::open(&url).await.unwrap(),
    );
    // A leader claimed twenty days and crashed; the next leader's two workers, one per pool,
    // race for each claim once its lease ran out; a process that does not lead tries too.
    let crashed = LeaseOwner::for_this_process();
    let leader = LeaseOwner::for_this_process();
    let outsider = LeaseOwner::for_this_process();
    let claimed_at = at("2026-11-23T09:00:00Z");
    let later: DateTime<Utc> = claimed_at + LEASE + chrono::Duration::seconds(1);
    lead(&one, &crashed, claimed_at).await;
    let mut claimed = Vec::new();
    for day in 0..20 {
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap() + chrono::Duration::days(day);
        let nonce = format!("n{day}");
        let id = one
            .claim_delivery(
                &claim_for(cohort, date, &nonce),
                Lease::from(&crashed, claimed_at),
                claimed_at,
            )
            .await
            .unwrap()
            .expect("claimed");
        claimed.push(id);
    }
    lead(&one, &leader, later).await;

    for (day, id) in claimed.into_iter().enumerate() {
        assert!(
            !one.take_over_delivery(id, Lease::from(&leader, claimed_at), claimed_at)
                .await
                .unwrap(),
            "a live lease is not taken over"
        );
        assert!(
            !two.take_over_delivery(id, Lease::from(&outsider, later), later)
                .await
                .unwrap(),
            "a process that does not lead cannot take a claim over"
        );

        let (won_first, won_second) = tokio::join!(
            one.take_over_delivery(id, Lease::from(&leader, later), later),
            two.take_over_delivery(id, Lease::from(&leader, later), later),
        );
        let (won_first, won_second) = (won_first.unwrap(), won_second.unwrap());

        assert!(won_first ^ won_second, "day {day}: exactly one winner");
        let row = one.delivery(id).await.unwrap().unwrap();
        assert_eq!(row.lease_owner.as_deref(), Some(leader.as_str()));
        assert_eq!(row.attempts, 2, "one take-over, counted once");
        assert_eq!(row.status, DeliveryStatus::Sending);
    }
}

#[tokio::test]
async fn a_stale_worker_changes_nothing_and_the_holder_finishes() {
    let (_dir, url, cohort) = database().await;
    let store = Store::open(&url).await.unwrap();
    let (stale, holder) = (
        LeaseOwner::for_this_process(),
        LeaseOwner::for_this_process(),
    );
    let claimed_at = at("2026-11-23T09:00:00Z");
    let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    lead(&store, &stale, claimed_at).await;
    let id = store
        .claim_delivery(
            &claim_for(cohort, date, "n"),
            Lease::from(&stale, claimed_at),
            claimed_at,
        )
        .await
        .unwrap()
        .unwrap();
    let later = claimed_at + LEASE + chrono::Duration::seconds(1);
    lead(&store, &holder, later).await;
    assert!(store
        .take_over_delivery(id, Lease::from(&holder, later), later)
        .await
        .unwrap());

    let gone = Failure {
        code: Some(10003),
        reason: "The channel no longer exists",
        retry_at: None,
    };
    assert_eq!(
        store
            .renew_delivery(id, Lease::from(&stale, later))
            .await
            .unwrap(),
        Change::Stale,
        "the stale worker learns not to post"
    );
    assert_eq!(
        store.mark_failed(id, &gone, &stale, later).await.unwrap(),
        Change::Stale
    );
    assert_eq!(
        store.mark_sent(id, 777, 42, &stale, later).await.unwrap(),
        Change::Stale
    );
    assert_eq!(
        store.count_permission_failure(id, &stale).await.unwrap(),
        None,
        "nothing counted against the cohort"
    );
    let row = store.delivery(id).await.unwrap().unwrap();
    assert_eq!(row.status, DeliveryStatus::Sending);
    assert_eq!(row.message_id, None);

    assert_eq!(
        store.mark_sent(id, 888, 42, &holder, later).await.unwrap(),
        Change::Applied
    );
    assert_eq!(
        store.mark_failed(id, &gone, &stale, later).await.unwrap(),
        Change::Stale,
        "a stale worker cannot turn sent into failed"
    );
    let row = store.delivery(id).await.unwrap().unwrap();
    assert_eq!(
        (row.status, row.message_id),
        (DeliveryStatus::Sent, Some(888))
    );
}

#[tokio::test]
async fn a_dead_channel_seen_by_a_worker_that_lost_its_claim_does_not_stop_the_cohort() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    // The bot's post is held in flight; when it is answered, Discord says the channel is gone.
    let gate = Gate::new();
    harness.sim.inject(Fault::new(
        Some(Method::POST),
        format!("/channels/{channel}/messages"),
        1,
        FaultKind::Held {
            gate: gate.clone(),
            then: Box::new(FaultKind::Error {
                status: 404,
                code: 10003,
                message: "Unknown Channel".into(),
            }),
        },
    ));
    harness.clock.set(at("2026-11-23T09:00:00Z"));
    let settle = harness.bot().scheduler().settle();
    let meanwhile = async {
        assert!(gate.wait_arrived(1, Duration::from_secs(10)).await);
        // Meanwhile another process took the claim over (its lease had run out, say after a
        // long pause of this one).
        let store = harness.bot().store();
        let delivery = store.unfinished_deliveries().await.unwrap().remove(0);
        let standby = LeaseOwner::for_this_process();
        let after_lease = delivery.lease_until.unwrap() + chrono::Duration::seconds(1);
        // It leads by then: the bot's lease on the scheduler ran out during the pause too.
        lead(store, &standby, after_lease).await;
        assert!(store
            .take_over_delivery(delivery.id, Lease::from(&standby, after_lease), after_lease)
            .await
            .unwrap());
        gate.open();
        (delivery.id, standby)
    };
    let ((), (delivery, standby)) = tokio::join!(settle, meanwhile);

    let store = harness.bot().store();
    let cohort = store
        .cohort_named(harness.guild, "Blue")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        cohort.stopped_reason, None,
        "the stale result stopped nothing"
    );
    let row = store.delivery(delivery).await.unwrap().unwrap();
    assert_eq!(row.status, DeliveryStatus::Sending, "still the standby's");
    assert_eq!(row.lease_owner.as_deref(), Some(standby.as_str()));
}
