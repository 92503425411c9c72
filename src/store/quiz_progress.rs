//! Reading quiz history back: each person's review state per item (what the next quiz asks
//! first), and the figures /progress shows (quizzes taken, accuracy by module, what is due).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::convert::{id_to_db, parse_date};
use super::{Store, StoreResult};
use crate::domain::spacing::Review;

/// Answers and best answers in one module of one track.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleAccuracy {
    pub track: String,
    pub module: u8,
    pub answered: u32,
    pub best: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuizProgress {
    /// Quizzes with at least one answer.
    pub quizzes_taken: u32,
    /// Per track and module, module 1 first.
    pub modules: Vec<ModuleAccuracy>,
}

/// An item waiting to come back for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReview {
    pub track: String,
    pub item_id: String,
    pub module: u8,
    pub due: NaiveDate,
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

impl Store {
    /// `user`'s review state for every item of `track` they have answered.
    pub async fn quiz_reviews(
        &self,
        user: u64,
        track: &str,
    ) -> StoreResult<HashMap<String, Review>> {
        let rows: Vec<(String, i64, Option<String>)> = sqlx::query_as(
            "SELECT item_id, step, due_date FROM quiz_reviews WHERE user_id = $1 AND track = $2",
        )
        .bind(id_to_db(user))
        .bind(track)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(item, step, due)| {
                let due = due.as_deref().and_then(parse_date);
                let review = match (u8::try_from(step), due) {
                    (Ok(step @ 1..=3), Some(due)) => Review::Scheduled { step, due },
                    _ => Review::Retired,
                };
                (item, review)
            })
            .collect())
    }

    /// Quizzes taken and accuracy per module, for /progress.
    pub async fn quiz_progress(&self, user: u64) -> StoreResult<QuizProgress> {
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT attempt_id) FROM quiz_answers WHERE user_id = $1",
        )
        .bind(id_to_db(user))
        .fetch_one(self.pool())
        .await?;
        let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT track, module, COUNT(*), SUM(CASE WHEN correct THEN 1 ELSE 0 END) FROM quiz_answers WHERE user_id = $1
             GROUP BY track, module ORDER BY track, module",
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        Ok(QuizProgress {
            quizzes_taken: count(taken),
            modules: rows
                .into_iter()
                .map(|(track, module, answered, best)| ModuleAccuracy {
                    track,
                    module: u8::try_from(module).unwrap_or(0),
                    answered: count(answered),
                    best: count(best),
                })
                .collect(),
        })
    }

    /// Items waiting to come back for `user`, soonest first (overdue ones included).
    pub async fn quiz_due_next(&self, user: u64, limit: u32) -> StoreResult<Vec<DueReview>> {
        let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
            "SELECT track, item_id, module, due_date FROM quiz_reviews
             WHERE user_id = $1 AND step > 0 ORDER BY due_date, module, item_id LIMIT $2",
        )
        .bind(id_to_db(user))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(track, item_id, module, due)| {
                Some(DueReview {
                    track,
                    item_id,
                    module: u8::try_from(module).ok()?,
                    due: parse_date(&due)?,
                })
            })
            .collect())
    }
}
