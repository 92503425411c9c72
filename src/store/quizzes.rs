//! Quiz attempts and their questions. An attempt's questions and option orders are fixed when
//! it starts, so its buttons mean the same after a restart. Answers are in [`super::quiz_answers`].

use chrono::{DateTime, Utc};

use super::convert::{flag, from_db_time, id_from_db, id_to_db, to_db_time};
use super::{Store, StoreError, StoreResult};

/// Where a quiz was started from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuizSource {
    Command,
    Nudge,
}

impl QuizSource {
    fn code(self) -> &'static str {
        match self {
            QuizSource::Command => "command",
            QuizSource::Nudge => "nudge",
        }
    }
}

/// A question of an attempt: `order[shown] = original option index`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizQuestion {
    pub position: u8,
    pub item_id: String,
    pub module: u8,
    pub order: Vec<usize>,
    /// The item was due for spaced review when the quiz started.
    pub review: bool,
}

pub struct NewQuiz<'a> {
    pub user_id: u64,
    pub guild_id: u64,
    pub cohort_id: i64,
    pub track: &'a str,
    pub module: Option<u8>,
    pub seed: u64,
    pub source: QuizSource,
    pub questions: &'a [QuizQuestion],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizAttempt {
    pub id: i64,
    pub user_id: u64,
    pub guild_id: u64,
    pub cohort_id: i64,
    pub track: String,
    pub module: Option<u8>,
    pub question_count: u8,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

pub(super) type AttemptRow = (
    i64,
    i64,
    i64,
    i64,
    String,
    Option<i64>,
    i64,
    i64,
    Option<i64>,
);
pub(super) fn attempt_from(row: AttemptRow) -> QuizAttempt {
    let (id, user, guild, cohort, track, module, count, started, finished) = row;
    QuizAttempt {
        id,
        user_id: id_from_db(user),
        guild_id: id_from_db(guild),
        cohort_id: cohort,
        track,
        module: module.map(small),
        question_count: small(count),
        started_at: from_db_time(started),
        finished_at: finished.map(from_db_time),
    }
}

pub(super) fn question_from(
    attempt: i64,
    position: u8,
    item_id: String,
    module: i64,
    order: &str,
    review: bool,
) -> StoreResult<QuizQuestion> {
    let order = parse_order(order).ok_or_else(|| {
        StoreError::Corrupt(format!("quiz {attempt} question {position}: option order"))
    })?;
    Ok(QuizQuestion {
        position,
        item_id,
        module: small(module),
        order,
        review,
    })
}

pub(super) fn small(n: i64) -> u8 {
    u8::try_from(n).unwrap_or(u8::MAX)
}

pub(super) fn parse_order(text: &str) -> Option<Vec<usize>> {
    text.split(',').map(|n| n.parse().ok()).collect()
}

impl Store {
    /// Starts a quiz with its questions; returns the attempt id.
    pub async fn start_quiz(&self, quiz: NewQuiz<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO quiz_attempts (user_id, guild_id, cohort_id, track, module, question_count, seed, source, started_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING attempt_id",
        )
        .bind(id_to_db(quiz.user_id))
        .bind(id_to_db(quiz.guild_id))
        .bind(quiz.cohort_id)
        .bind(quiz.track)
        .bind(quiz.module.map(i64::from))
        .bind(quiz.questions.len() as i64)
        .bind(quiz.seed as i64)
        .bind(quiz.source.code())
        .bind(to_db_time(now))
        .fetch_one(&mut *tx)
        .await?;
        for question in quiz.questions {
            let order: Vec<String> = question.order.iter().map(usize::to_string).collect();
            sqlx::query(
                "INSERT INTO quiz_questions (attempt_id, position, item_id, module, option_order, review)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(i64::from(question.position))
            .bind(&question.item_id)
            .bind(i64::from(question.module))
            .bind(order.join(","))
            .bind(question.review)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    pub async fn quiz_attempt(&self, id: i64) -> StoreResult<Option<QuizAttempt>> {
        let row: Option<AttemptRow> = sqlx::query_as(
            "SELECT attempt_id, user_id, guild_id, cohort_id, track, module, question_count, started_at, finished_at
             FROM quiz_attempts WHERE attempt_id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(attempt_from))
    }

    /// How many quizzes `user` has started (to seed the next one).
    pub async fn quizzes_started(&self, user: u64) -> StoreResult<u32> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM quiz_attempts WHERE user_id = $1")
                .bind(id_to_db(user))
                .fetch_one(self.pool())
                .await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    pub async fn quiz_question(
        &self,
        attempt: i64,
        position: u8,
    ) -> StoreResult<Option<QuizQuestion>> {
        let row: Option<(String, i64, String, i64)> = sqlx::query_as(
            "SELECT item_id, module, option_order, CAST(review AS INTEGER) FROM quiz_questions WHERE attempt_id = $1 AND position = $2",
        )
        .bind(attempt)
        .bind(i64::from(position))
        .fetch_optional(self.pool())
        .await?;
        row.map(|(item_id, module, order, review)| {
            question_from(attempt, position, item_id, module, &order, flag(review))
        })
        .transpose()
    }

    /// Marks the attempt finished (the first time only).
    pub async fn finish_quiz(&self, attempt: i64, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE quiz_attempts SET finished_at = $2 WHERE attempt_id = $1 AND finished_at IS NULL")
            .bind(attempt)
            .bind(to_db_time(now))
            .execute(self.writer())
            .await?;
        Ok(())
    }
}
