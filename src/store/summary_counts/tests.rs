//! The aggregation SQL against a fixture small enough to count by hand: who is counted for the
//! week and to date, each window's bounds, and that people who joined after the cut-off, or
//! activity after it, count nowhere.

use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::domain::{CohortPlan, Pace, Plan};
use crate::store::test_db::TestDb;
use crate::store::{CreateOutcome, NewCohort, Store};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

/// Week: Mon 30 Nov to Sun 6 Dec 2026 (UTC); cut-off Mon 7 Dec 00:00.
const WEEK: &str = "2026-11-30T00:00:00Z";
const CUT: &str = "2026-12-07T00:00:00Z";
const BEFORE: &str = "2026-11-25T12:00:00Z"; // to date, not this week
const DURING: &str = "2026-12-02T12:00:00Z"; // this week
const AFTER: &str = "2026-12-07T12:00:00Z"; // after the cut-off: nowhere

struct Fixture {
    store: Store,
    cohort: i64,
    _db: TestDb,
}

impl Fixture {
    async fn new(db: TestDb) -> Self {
        let store = db.open().await;
        let plan = CohortPlan::Modules(Plan::build(
            &[vec![("p-aw".to_owned(), FourA::Awareness)]],
            1,
        ));
        let new = NewCohort {
            guild_id: 1,
            name: "Blue",
            track: "accomplice",
            track_version: "1",
            plan: &plan,
            pace: &Pace::uniform(5, 1),
            seed: 1,
            start: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            created_by: 1,
        };
        let CreateOutcome::Created(cohort) = store.create_cohort(new, at(BEFORE)).await.unwrap()
        else {
            panic!("created")
        };
        store
            .sync_prompt_tags(&[
                ("p-aw".to_owned(), FourA::Awareness),
                ("p-ad".to_owned(), FourA::Advocacy),
            ])
            .await
            .unwrap();
        Fixture {
            store,
            cohort: cohort.id,
            _db: db,
        }
    }

    async fn exec(&self, sql: &'static str, values: &[i64]) {
        let mut query = sqlx::query(sql);
        for value in values {
            query = query.bind(*value);
        }
        query.execute(self.store.pool()).await.unwrap();
    }

    async fn member(&self, user: i64, joined: &str, left: Option<&str>) {
        sqlx::query(
            "INSERT INTO memberships (cohort_id, guild_id, user_id, joined_at, left_at) VALUES ($1, 1, $2, $3, $4)",
        )
        .bind(self.cohort)
        .bind(user)
        .bind(at(joined).timestamp())
        .bind(left.map(|l| at(l).timestamp()))
        .execute(self.store.pool())
        .await
        .unwrap();
    }

    /// A nudge of `prompt` sent at `when`; returns its delivery id.
    async fn nudge(&self, day: i64, prompt: &'static str, when: &str) -> i64 {
        let sql = match prompt {
            "p-aw" => "INSERT INTO deliveries (cohort_id, practice_date, day_number, prompt_id, due_at, status, nonce, claimed_at)
                       VALUES ($1, $2, $2, 'p-aw', $3, 'sent', 'n' || $2, $3) RETURNING delivery_id",
            _ => "INSERT INTO deliveries (cohort_id, practice_date, day_number, prompt_id, due_at, status, nonce, claimed_at)
                  VALUES ($1, $2, $2, 'p-ad', $3, 'sent', 'n' || $2, $3) RETURNING delivery_id",
        };
        sqlx::query_scalar(sql)
            .bind(self.cohort)
            .bind(day)
            .bind(at(when).timestamp())
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }

    async fn tried(&self, delivery: i64, user: i64, when: &str) {
        self.exec(
            "INSERT INTO engagements (delivery_id, user_id, cohort_id, kind, created_at) VALUES ($1, $2, $3, 'tried', $4)",
            &[delivery, user, self.cohort, at(when).timestamp()],
        )
        .await;
    }

    async fn reflection(&self, user: i64, when: &str) {
        sqlx::query(
            "INSERT INTO reflections (user_id, cohort_id, question, sealed_text, created_at) VALUES ($1, $2, 'q', $3, $4)",
        )
        .bind(user)
        .bind(self.cohort)
        .bind(vec![0u8])
        .bind(at(when).timestamp())
        .execute(self.store.pool())
        .await
        .unwrap();
    }

    /// A one-question quiz answered at `when`, best answer or not.
    async fn quiz(&self, user: i64, module: i64, correct: bool, when: &str) {
        let attempt: i64 = sqlx::query_scalar(
            "INSERT INTO quiz_attempts (user_id, guild_id, cohort_id, track, question_count, seed, source, started_at)
             VALUES ($1, 1, $2, 'accomplice', 1, 1, 'command', $3) RETURNING attempt_id",
        )
        .bind(user)
        .bind(self.cohort)
        .bind(at(when).timestamp())
        .fetch_one(self.store.pool())
        .await
        .unwrap();
        self.exec(
            "INSERT INTO quiz_questions (attempt_id, position, item_id, module, option_order, review) VALUES ($1, 0, 'q', $2, '0,1,2,3', FALSE)",
            &[attempt, module],
        )
        .await;
        self.exec(
            "INSERT INTO quiz_answers (attempt_id, position, user_id, cohort_id, track, item_id, module, choice, correct, prior_step, practice_date, answered_at)
             VALUES ($1, 0, $2, $3, 'accomplice', 'q', $4, 0, $5 <> 0, 0, '2026-12-01', $6)",
            &[attempt, user, self.cohort, module, i64::from(correct), at(when).timestamp()],
        )
        .await;
    }

    async fn count(&self) -> CohortTallies {
        self.store
            .summary_tallies(CountWindow {
                cohort: self.cohort,
                cut: at(CUT),
                week_from: at(WEEK),
                slots_from: at("2026-11-01T00:00:00Z"),
            })
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn the_week_counts_current_members_and_to_date_everyone_who_has_been_one() {
    for db in
        TestDb::every("the_week_counts_current_members_and_to_date_everyone_who_has_been_one").await
    {
        let f = Fixture::new(db).await;
        f.member(11, BEFORE, None).await;
        f.member(12, BEFORE, None).await;
        f.member(13, BEFORE, Some(DURING)).await; // left during the week
        f.member(14, AFTER, None).await; // joined after the cut-off
        let early = f.nudge(1, "p-aw", BEFORE).await;
        let this_week = f.nudge(2, "p-ad", DURING).await;
        f.tried(early, 11, BEFORE).await;
        f.tried(early, 13, BEFORE).await;
        f.tried(this_week, 11, DURING).await;
        f.tried(this_week, 12, DURING).await;
        f.tried(this_week, 13, "2026-12-01T08:00:00Z").await; // before leaving: to date only
        f.tried(this_week, 14, AFTER).await; // after the cut-off: nowhere
        f.reflection(12, DURING).await;
        f.reflection(12, BEFORE).await;
        f.reflection(11, AFTER).await;
        f.quiz(11, 4, true, DURING).await;
        f.quiz(12, 4, false, DURING).await;
        f.quiz(12, 2, true, BEFORE).await;

        let t = f.count().await;

        let mut members = t.members.clone();
        members.sort_unstable();
        assert_eq!(members, [11, 12]);
        let mut ever = t.ever.clone();
        ever.sort_unstable();
        assert_eq!(ever, [11, 12, 13]);
        assert_eq!((t.week.engaged, t.to_date.engaged), (2, 3));
        assert_eq!(
            t.week.tried,
            Tally {
                count: 2,
                people: 2
            }
        );
        assert_eq!(
            t.to_date.tried,
            Tally {
                count: 5,
                people: 3
            }
        );
        let advocacy = FourA::ALL
            .iter()
            .position(|a| *a == FourA::Advocacy)
            .unwrap();
        let awareness = FourA::ALL
            .iter()
            .position(|a| *a == FourA::Awareness)
            .unwrap();
        assert_eq!(
            t.week.tried_by_tag[advocacy],
            Tally {
                count: 2,
                people: 2
            }
        );
        assert_eq!(t.week.tried_by_tag[awareness], Tally::default());
        assert_eq!(
            t.to_date.tried_by_tag[awareness],
            Tally {
                count: 2,
                people: 2
            }
        );
        assert_eq!(
            t.to_date.tried_by_tag[advocacy],
            Tally {
                count: 3,
                people: 3
            }
        );
        assert_eq!(
            t.week.reflections,
            Tally {
                count: 1,
                people: 1
            }
        );
        assert_eq!(
            t.to_date.reflections,
            Tally {
                count: 2,
                people: 1
            }
        );
        assert_eq!(
            t.week.quizzes,
            Tally {
                count: 2,
                people: 2
            }
        );
        assert_eq!(
            t.to_date.quizzes,
            Tally {
                count: 3,
                people: 2
            }
        );
        assert_eq!((t.week.answers.count, t.week.best), (2, 1));
        assert_eq!((t.to_date.answers.count, t.to_date.best), (3, 2));
        let module = |tallies: &WindowTallies, number: u8| {
            tallies
                .by_module
                .iter()
                .find(|m| m.module == number)
                .copied()
        };
        assert_eq!(module(&t.week, 2), None, "no module 2 answer this week");
        assert_eq!(
            module(&t.to_date, 2).map(|m| (m.answers.count, m.best)),
            Some((1, 1))
        );
        assert_eq!(
            module(&t.week, 4).map(|m| (m.answers.people, m.best)),
            Some((2, 1))
        );
        // Posted this week: one Advocacy nudge.
        assert_eq!(t.posted_by_tag[advocacy], 1);
        assert_eq!(t.posted_by_tag.iter().sum::<u64>(), 1);
        // Activity slots: only current members, none after the cut-off.
        assert!(t
            .active_slots
            .iter()
            .all(|(user, _)| [11, 12].contains(user)));
        let latest = t
            .active_slots
            .iter()
            .map(|(_, slot)| slot * SLOT_SECONDS)
            .max();
        assert!(latest < Some(at(CUT).timestamp()));
    }
}

#[tokio::test]
async fn a_deleted_person_leaves_the_figures_to_date_unchanged_and_no_id_behind() {
    for db in
        TestDb::every("a_deleted_person_leaves_the_figures_to_date_unchanged_and_no_id_behind")
            .await
    {
        let f = Fixture::new(db).await;
        f.member(11, BEFORE, None).await;
        f.member(12, BEFORE, None).await;
        let early = f.nudge(1, "p-aw", BEFORE).await;
        let this_week = f.nudge(2, "p-ad", DURING).await;
        f.tried(early, 12, BEFORE).await;
        f.tried(this_week, 11, DURING).await;
        f.tried(this_week, 12, DURING).await;
        f.reflection(12, DURING).await;
        f.quiz(12, 4, true, BEFORE).await;
        let before = f.count().await;

        f.store.delete_person(12).await.unwrap();
        let after = f.count().await;

        assert_eq!(after.ever, [11]);
        assert_eq!(after.departed_members, 1);
        assert_eq!(
            after.to_date, before.to_date,
            "the totals to date do not move"
        );
        assert_eq!(
            after.week.tried,
            Tally {
                count: 1,
                people: 1
            },
            "the week counts members only"
        );
        assert!(f.store.rows_mentioning(12).await.unwrap().is_empty());
        // A second deletion adds up; nobody's counts can be told apart.
        f.store.delete_person(11).await.unwrap();
        let last = f.count().await;
        assert_eq!(last.departed_members, 2);
        assert_eq!(
            last.to_date.tried,
            Tally {
                count: 3,
                people: 2
            }
        );
    }
}
