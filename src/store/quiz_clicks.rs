//! What a quiz button needs before it can answer, in one query: the attempt, its cohort, the
//! cohort's practice calendar and the clicked question. A click is the busiest interaction
//! there is, and every query is a round trip to SQLite's worker thread; reading these one by
//! one made an answer six reads before its write (docs/BENCHMARKS.md, section 3).
//!
//! The calendar is read here, on every click, not cached: `/cohort pause` and holidays change
//! it, and a fresh read cannot be stale.

use super::cohorts::{lay_holiday, lay_pause, qualified_columns, Cohort, CohortRow};
use super::convert::flag;
use super::quizzes::{attempt_from, question_from, QuizAttempt, QuizQuestion};
use super::{Backend, Store, StoreError, StoreResult};
use crate::domain::PracticeCalendar;

/// A stored attempt with what a click on one of its buttons needs.
#[derive(Debug, Clone, PartialEq)]
pub struct QuizClick {
    pub attempt: QuizAttempt,
    pub cohort: Cohort,
    pub calendar: PracticeCalendar,
    /// The question asked for, if one was and the attempt has it.
    pub question: Option<QuizQuestion>,
}

#[derive(sqlx::FromRow)]
struct ClickRow {
    #[sqlx(flatten)]
    cohort: CohortRow,
    attempt_id: i64,
    attempt_user: i64,
    attempt_guild: i64,
    attempt_cohort: i64,
    attempt_track: String,
    attempt_module: Option<i64>,
    question_count: i64,
    started_at: i64,
    finished_at: Option<i64>,
    question_item: Option<String>,
    question_module: Option<i64>,
    question_order: Option<String>,
    question_review: Option<i64>,
    /// JSON: `["2026-12-24", …]`.
    holidays: String,
    /// JSON: `[["from", "until" or null], …]`, in the order they were added.
    pauses: String,
}

/// The calendar's two lists as JSON text, in each backend's spelling (an empty list is `[]`).
fn calendar_lists(backend: Backend) -> (&'static str, &'static str) {
    match backend {
        Backend::Sqlite => (
            "(SELECT json_group_array(holiday_date) FROM cohort_holidays
              WHERE cohort_id = a.cohort_id)",
            "(SELECT json_group_array(json_array(from_date, until_date) ORDER BY pause_id)
              FROM cohort_pauses WHERE cohort_id = a.cohort_id)",
        ),
        Backend::Postgres => (
            "(SELECT COALESCE(CAST(json_agg(holiday_date) AS TEXT), '[]') FROM cohort_holidays
              WHERE cohort_id = a.cohort_id)",
            "(SELECT COALESCE(CAST(json_agg(json_build_array(from_date, until_date)
                                             ORDER BY pause_id) AS TEXT), '[]')
              FROM cohort_pauses WHERE cohort_id = a.cohort_id)",
        ),
    }
}

fn click_sql(backend: Backend) -> sqlx::AssertSqlSafe<String> {
    let (holidays, pauses) = calendar_lists(backend);
    // Only constant column lists are joined here; values are bound.
    sqlx::AssertSqlSafe(format!(
        "SELECT a.attempt_id AS attempt_id, a.user_id AS attempt_user, a.guild_id AS attempt_guild,
                a.cohort_id AS attempt_cohort, a.track AS attempt_track, a.module AS attempt_module,
                a.question_count AS question_count, a.started_at AS started_at,
                a.finished_at AS finished_at,
                q.item_id AS question_item, q.module AS question_module,
                q.option_order AS question_order,
                CAST(q.review AS INTEGER) AS question_review,
                {holidays} AS holidays, {pauses} AS pauses, {}
         FROM quiz_attempts a
         JOIN cohorts c ON c.cohort_id = a.cohort_id
         LEFT JOIN quiz_questions q ON q.attempt_id = a.attempt_id AND q.position = $2
         WHERE a.attempt_id = $1",
        qualified_columns("c")
    ))
}

impl Store {
    /// Attempt `attempt` with its cohort, calendar and (when `position` is given) that
    /// question; `None` when there is no such attempt.
    pub async fn quiz_click(
        &self,
        attempt: i64,
        position: Option<u8>,
    ) -> StoreResult<Option<QuizClick>> {
        let row: Option<ClickRow> = sqlx::query_as(click_sql(self.backend()))
            .bind(attempt)
            .bind(position.map(i64::from))
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| click_from(row, position)).transpose()
    }
}

fn click_from(row: ClickRow, position: Option<u8>) -> StoreResult<QuizClick> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("quiz {}: {what}", row.attempt_id));
    let holidays: Vec<String> =
        serde_json::from_str(&row.holidays).map_err(|_| corrupt("holidays"))?;
    let pauses: Vec<(String, Option<String>)> =
        serde_json::from_str(&row.pauses).map_err(|_| corrupt("pauses"))?;
    let attempt = attempt_from((
        row.attempt_id,
        row.attempt_user,
        row.attempt_guild,
        row.attempt_cohort,
        row.attempt_track,
        row.attempt_module,
        row.question_count,
        row.started_at,
        row.finished_at,
    ));
    let question = match (position, row.question_item, row.question_order) {
        (Some(position), Some(item), Some(order)) => Some(question_from(
            attempt.id,
            position,
            item,
            row.question_module.unwrap_or_default(),
            &order,
            row.question_review.is_some_and(flag),
        )?),
        _ => None,
    };
    let cohort = Cohort::try_from(row.cohort)?;
    let mut calendar = PracticeCalendar::new(cohort.start, cohort.week);
    for date in &holidays {
        lay_holiday(&mut calendar, date);
    }
    for (from, until) in &pauses {
        lay_pause(&mut calendar, cohort.id, from, until.as_deref());
    }
    Ok(QuizClick {
        attempt,
        cohort,
        calendar,
        question,
    })
}

#[cfg(test)]
#[path = "quiz_clicks_tests.rs"]
mod tests;
