//! Quiz answers: one per question (the primary key), so a double click records once; each
//! answer, and its later confidence rating, updates the person's review state for the item in
//! the same transaction.

use chrono::{DateTime, NaiveDate, Utc};

use super::convert::{flag, from_db_time, id_to_db, parse_date, to_db_time};
use super::quizzes::{small, QuizAttempt, QuizQuestion};
use super::{Store, StoreError, StoreResult};
use crate::domain::spacing::Review;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizAnswer {
    pub position: u8,
    pub item_id: String,
    pub module: u8,
    /// The chosen option's index in the curriculum item.
    pub choice: usize,
    pub correct: bool,
    pub confidence: Option<u8>,
    /// The item's ladder rung before this answer (0: new or retired).
    pub prior_step: u8,
    /// Local date (cohort time zone) of the answer.
    pub practice_date: NaiveDate,
    pub answered_at: DateTime<Utc>,
}

pub struct NewAnswer<'a> {
    pub question: &'a QuizQuestion,
    pub choice: usize,
    pub correct: bool,
    pub practice_date: NaiveDate,
    pub now: DateTime<Utc>,
}

/// The outcome of recording an answer: newly, or the one a first click already recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    New(QuizAnswer),
    Already(QuizAnswer),
    /// Nothing recorded: an earlier question is unanswered (only a forged id points there).
    OutOfOrder,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rated {
    New(QuizAnswer),
    /// The first rating stands.
    Already(QuizAnswer),
    Unanswered,
}

type AnswerRow = (i64, String, i64, i64, i64, Option<i64>, i64, String, i64);

const ANSWER_COLUMNS: &str = "position, item_id, module, choice, CAST(correct AS INTEGER), confidence, prior_step, practice_date, answered_at";

fn answer_from(row: AnswerRow) -> StoreResult<QuizAnswer> {
    let (position, item_id, module, choice, correct, confidence, prior, date, at) = row;
    Ok(QuizAnswer {
        position: small(position),
        module: small(module),
        choice: usize::try_from(choice).unwrap_or(usize::MAX),
        correct: flag(correct),
        confidence: confidence.map(small),
        prior_step: small(prior),
        practice_date: parse_date(&date)
            .ok_or_else(|| StoreError::Corrupt(format!("quiz answer for {item_id}: date")))?,
        answered_at: from_db_time(at),
        item_id,
    })
}

fn answer_sql(tail: &'static str) -> sqlx::AssertSqlSafe<String> {
    // Only the constant column list and constant clauses are joined here; values are bound.
    sqlx::AssertSqlSafe(format!("SELECT {ANSWER_COLUMNS} FROM quiz_answers {tail}"))
}

/// A review state as stored: (step, due date).
fn review_to_db(review: &Review) -> (i64, Option<String>) {
    match review {
        Review::Scheduled { step, due } => (i64::from(*step), Some(due.to_string())),
        Review::Retired => (0, None),
    }
}

impl Store {
    /// The answers of an attempt, in question order.
    pub async fn quiz_answers(&self, attempt: i64) -> StoreResult<Vec<QuizAnswer>> {
        let rows: Vec<AnswerRow> =
            sqlx::query_as(answer_sql("WHERE attempt_id = $1 ORDER BY position"))
                .bind(attempt)
                .fetch_all(self.pool())
                .await?;
        rows.into_iter().map(answer_from).collect()
    }

    /// Records the answer to one question, once and in order, and updates the person's review
    /// state for the item with `review(prior rung)`. A second click gets the first answer back;
    /// a question after the next unanswered one records nothing.
    pub async fn record_quiz_answer(
        &self,
        attempt: &QuizAttempt,
        answer: NewAnswer<'_>,
        review: impl FnOnce(u8) -> Review,
    ) -> StoreResult<Recorded> {
        let question = answer.question;
        let mut tx = self.begin_write().await?;
        // One statement checks the order, reads the prior rung, inserts and returns the answer:
        // an answer click is the busiest write there is, and each statement is a round trip to
        // SQLite's thread. Answers are stored in order, so position n is next when the attempt
        // has n answers; an earlier position is a second click (no row either way).
        let inserted: Option<AnswerRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "INSERT INTO quiz_answers (attempt_id, position, user_id, cohort_id, track, item_id, module, choice, correct, prior_step, practice_date, answered_at)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9,
                    COALESCE((SELECT step FROM quiz_reviews WHERE user_id = $3 AND track = $5 AND item_id = $6), 0),
                    $10, $11
             WHERE (SELECT COUNT(*) FROM quiz_answers WHERE attempt_id = $1) = $2
             ON CONFLICT DO NOTHING RETURNING {ANSWER_COLUMNS}"
        )))
        .bind(attempt.id)
        .bind(i64::from(question.position))
        .bind(id_to_db(attempt.user_id))
        .bind(attempt.cohort_id)
        .bind(&attempt.track)
        .bind(&question.item_id)
        .bind(i64::from(question.module))
        .bind(answer.choice as i64)
        .bind(answer.correct)
        .bind(answer.practice_date.to_string())
        .bind(to_db_time(answer.now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = inserted else {
            // A second click gets the first answer, which stands; otherwise it is out of order.
            let row: Option<AnswerRow> =
                sqlx::query_as(answer_sql("WHERE attempt_id = $1 AND position = $2"))
                    .bind(attempt.id)
                    .bind(i64::from(question.position))
                    .fetch_optional(&mut *tx)
                    .await?;
            return Ok(match row {
                Some(row) => Recorded::Already(answer_from(row)?),
                None => Recorded::OutOfOrder,
            });
        };
        let recorded = answer_from(row)?;
        let prior = recorded.prior_step;
        let (step, due) = review_to_db(&review(prior));
        sqlx::query(
            "INSERT INTO quiz_reviews (user_id, track, item_id, module, step, due_date, attempt_id, position, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (user_id, track, item_id) DO UPDATE SET module = excluded.module, step = excluded.step,
               due_date = excluded.due_date, attempt_id = excluded.attempt_id, position = excluded.position,
               updated_at = excluded.updated_at",
        )
        .bind(id_to_db(attempt.user_id))
        .bind(&attempt.track)
        .bind(&question.item_id)
        .bind(i64::from(question.module))
        .bind(step)
        .bind(due)
        .bind(attempt.id)
        .bind(i64::from(question.position))
        .bind(to_db_time(answer.now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Recorded::New(recorded))
    }

    /// Records a 1-4 confidence rating for an answered question, once; the review state the
    /// answer set is revised with `review(answer with its rating)`, unless a later answer to
    /// the same item has replaced it since.
    pub async fn rate_quiz_answer(
        &self,
        attempt: &QuizAttempt,
        position: u8,
        level: u8,
        now: DateTime<Utc>,
        review: impl FnOnce(&QuizAnswer) -> Review,
    ) -> StoreResult<Rated> {
        let mut tx = self.begin_write().await?;
        let rated = sqlx::query(
            "UPDATE quiz_answers SET confidence = $3, rated_at = $4
             WHERE attempt_id = $1 AND position = $2 AND confidence IS NULL",
        )
        .bind(attempt.id)
        .bind(i64::from(position))
        .bind(i64::from(level))
        .bind(to_db_time(now))
        .execute(&mut *tx)
        .await?;
        let row: Option<AnswerRow> =
            sqlx::query_as(answer_sql("WHERE attempt_id = $1 AND position = $2"))
                .bind(attempt.id)
                .bind(i64::from(position))
                .fetch_optional(&mut *tx)
                .await?;
        let Some(answer) = row.map(answer_from).transpose()? else {
            return Ok(Rated::Unanswered);
        };
        if rated.rows_affected() == 0 {
            return Ok(Rated::Already(answer));
        }
        let (step, due) = review_to_db(&review(&answer));
        sqlx::query(
            "UPDATE quiz_reviews SET step = $6, due_date = $7, updated_at = $8
             WHERE user_id = $1 AND track = $2 AND item_id = $3 AND attempt_id = $4 AND position = $5",
        )
        .bind(id_to_db(attempt.user_id))
        .bind(&attempt.track)
        .bind(&answer.item_id)
        .bind(attempt.id)
        .bind(i64::from(position))
        .bind(step)
        .bind(due)
        .bind(to_db_time(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Rated::New(answer))
    }
}
