//! The one read a quiz button makes must return what the separate reads it replaced return,
//! calendar included; and the answer write must keep answers in order on its own.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::spacing::Review;
use crate::domain::{CohortPlan, FourA, Pace, Plan};
use crate::store::test_db::TestDb;
use crate::store::{
    CreateOutcome, NewAnswer, NewCohort, NewQuiz, QuizQuestion, QuizSource, Recorded, Store,
};

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
        .unwrap()
        .to_utc()
}

/// A store with one cohort and one two-question quiz; returns the attempt id.
async fn quiz_store(db: &TestDb) -> (Store, i64) {
    let store = db.open().await;
    let plan = CohortPlan::Modules(Plan::build(
        &[vec![("p-aw".to_owned(), FourA::Awareness)]],
        1,
    ));
    let pace = Pace::uniform(5, 1);
    let CreateOutcome::Created(cohort) = store
        .create_cohort(
            NewCohort {
                guild_id: 1,
                name: "Tuesday group",
                track: "accomplice",
                track_version: "1",
                plan: &plan,
                pace: &pace,
                seed: 7,
                start: date("2026-11-02"),
                created_by: 2,
            },
            now(),
        )
        .await
        .unwrap()
    else {
        panic!("cohort not created");
    };
    let questions: Vec<QuizQuestion> = (0..2)
        .map(|position| QuizQuestion {
            position,
            item_id: format!("item-{position}"),
            module: 1,
            order: vec![2, 0, 1],
            review: position == 1,
        })
        .collect();
    let attempt = store
        .start_quiz(
            NewQuiz {
                user_id: 42,
                guild_id: 1,
                cohort_id: cohort.id,
                track: "accomplice",
                module: None,
                seed: 3,
                source: QuizSource::Command,
                questions: &questions,
            },
            now(),
        )
        .await
        .unwrap();
    (store, attempt)
}

#[tokio::test]
async fn one_read_returns_what_the_separate_reads_return() {
    for db in TestDb::every("one_read_returns_what_the_separate_reads_return").await {
        let (store, id) = quiz_store(&db).await;
        let attempt = store.quiz_attempt(id).await.unwrap().unwrap();
        let cohort = store.cohort(attempt.cohort_id).await.unwrap().unwrap();
        // Two holidays, an ended pause and an open one: every shape the calendar has.
        store
            .add_holiday(cohort.id, date("2026-12-24"))
            .await
            .unwrap();
        store
            .add_holiday(cohort.id, date("2026-12-25"))
            .await
            .unwrap();
        assert!(store
            .pause_cohort(cohort.id, date("2026-11-25"))
            .await
            .unwrap());
        assert!(store
            .resume_cohort(cohort.id, date("2026-11-30"))
            .await
            .unwrap());
        assert!(store
            .pause_cohort(cohort.id, date("2026-12-07"))
            .await
            .unwrap());
        let calendar = store.calendar(&cohort).await.unwrap();
        assert_eq!(calendar.holidays.len(), 2);
        assert_eq!(calendar.pauses.len(), 2);

        let click = store.quiz_click(id, Some(1)).await.unwrap().unwrap();
        assert_eq!(click.attempt, attempt);
        assert_eq!(click.cohort, cohort);
        assert_eq!(click.calendar, calendar);
        assert_eq!(click.question, store.quiz_question(id, 1).await.unwrap());
        assert!(click.question.is_some());

        let no_question = store.quiz_click(id, None).await.unwrap().unwrap();
        assert_eq!(no_question.question, None);
        assert_eq!(no_question.calendar, calendar);
        let past_the_end = store.quiz_click(id, Some(2)).await.unwrap().unwrap();
        assert_eq!(past_the_end.question, None);
        assert_eq!(store.quiz_click(id + 1, Some(0)).await.unwrap(), None);
    }
}

#[tokio::test]
async fn the_answer_write_records_in_order_and_once() {
    for db in TestDb::every("the_answer_write_records_in_order_and_once").await {
        let (store, id) = quiz_store(&db).await;
        let record = |position: u8, choice: usize| {
            let store = &store;
            async move {
                let click = store.quiz_click(id, Some(position)).await.unwrap().unwrap();
                let question = click.question.unwrap();
                store
                    .record_quiz_answer(
                        &click.attempt,
                        NewAnswer {
                            question: &question,
                            choice,
                            correct: false,
                            practice_date: date("2026-11-23"),
                            now: now(),
                        },
                        |_| Review::Scheduled {
                            step: 1,
                            due: date("2026-11-24"),
                        },
                    )
                    .await
                    .unwrap()
            }
        };
        assert_eq!(record(1, 0).await, Recorded::OutOfOrder);
        assert!(store.quiz_answers(id).await.unwrap().is_empty());
        let Recorded::New(first) = record(0, 2).await else {
            panic!("the first question was not recorded");
        };
        assert_eq!(first.choice, 2);
        assert_eq!(record(0, 1).await, Recorded::Already(first.clone()));
        assert!(matches!(record(1, 1).await, Recorded::New(_)));
        assert_eq!(record(0, 0).await, Recorded::Already(first));
        assert_eq!(store.quiz_answers(id).await.unwrap().len(), 2);
    }
}
