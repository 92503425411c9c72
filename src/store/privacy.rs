//! Everything keyed to one person, in one place: what `/privacy export` gathers and what
//! `/privacy delete` removes. A table that stores a person's id must be listed here; a test
//! checks every integer column of every table after a delete, so a forgotten one fails it.

use serde_json::{json, Value};

use super::convert::{flag, from_db_time, id_to_db};
use super::quizzes::parse_order;
use super::{Backend, Store, StoreResult};

/// (table, column) pairs whose rows belong to the person in that column.
const PERSONAL_ROWS: &[(&str, &str)] = &[
    // Before commitments: an owner's check-in is a commitment it points at.
    ("plan_owners", "user_id"),
    ("plan_votes", "user_id"),
    // Before completions, which it points at.
    ("completion_notices", "user_id"),
    ("completions", "user_id"),
    ("checkin_answers", "user_id"),
    ("commitments", "user_id"),
    // After commitments, which point at the DM that carried their check-in.
    ("reminder_dms", "user_id"),
    ("participant_settings", "user_id"),
    ("quiz_answers", "user_id"),
    ("quiz_reviews", "user_id"),
    // Deleting an attempt also deletes its questions (ON DELETE CASCADE).
    ("quiz_attempts", "user_id"),
    ("engagements", "user_id"),
    // Before reflections, which it points at.
    ("reflection_shares", "user_id"),
    ("reflections", "user_id"),
    ("reflection_consents", "user_id"),
    ("memberships", "user_id"),
    // After summary_departed has their counts (delete_person folds them in first).
    ("summary_baselines", "user_id"),
];

/// Rows that mention a person without being theirs: the id is blanked (to the value given), the
/// row stays. A cohort an admin created is not the admin's personal data, and others depend on
/// it.
const MENTIONS: &[(&str, &str, &str)] = &[
    ("cohorts", "created_by", "0"),
    // A proposal stays in its plan, anonymous and unlinked (its name is gone: UNLINK below).
    ("plan_proposals", "user_id", "NULL"),
];

/// Run first, while the person's rows still say what they touched: plans whose message shows
/// their name or ownership are edited again (an action losing its last owner then says it is
/// looking for one), and the names they gave their proposals go.
const UNLINK: &[&str] = &[
    "UPDATE plans SET version = version + 1 WHERE plan_id IN (
       SELECT plan_id FROM plan_proposals WHERE user_id = $1 AND name_sealed IS NOT NULL
       UNION SELECT p.plan_id FROM plan_owners o JOIN plan_proposals p USING (proposal_id)
             WHERE o.user_id = $1)",
    "UPDATE plan_proposals SET name_sealed = NULL WHERE user_id = $1",
];

/// A person's rows for an export, table by table, as JSON objects. Sealed texts are not here:
/// the caller, which holds the key, opens them (see `reflections_of`).
#[derive(Debug, Default)]
pub struct PersonalRows {
    pub tables: Vec<(String, Vec<Value>)>,
}

impl Store {
    /// Every row keyed to `user`, table by table.
    pub async fn personal_rows(&self, user: u64) -> StoreResult<PersonalRows> {
        let mut rows = PersonalRows::default();
        rows.tables
            .push(("memberships".into(), self.export_memberships(user).await?));
        rows.tables
            .push(("engagements".into(), self.export_engagements(user).await?));
        let consent: Option<i64> =
            sqlx::query_scalar("SELECT consented_at FROM reflection_consents WHERE user_id = $1")
                .bind(id_to_db(user))
                .fetch_optional(self.pool())
                .await?;
        let consents = consent
            .map(|at| json!({"given_at": from_db_time(at)}))
            .into_iter()
            .collect();
        rows.tables.push(("reflection_consent".into(), consents));
        rows.tables
            .push(("quiz_answers".into(), self.export_quiz_answers(user).await?));
        rows.tables
            .push(("quiz_reviews".into(), self.export_quiz_reviews(user).await?));
        rows.tables.push((
            "quiz_attempts".into(),
            self.export_quiz_attempts(user).await?,
        ));
        rows.tables
            .push(("reminder_dms".into(), self.export_reminder_dms(user).await?));
        rows.tables.push((
            "summary_counted_in".into(),
            self.export_summary_baselines(user).await?,
        ));
        Ok(rows)
    }

    async fn export_memberships(&self, user: u64) -> StoreResult<Vec<Value>> {
        let rows: Vec<(String, i64, i64, Option<i64>)> = sqlx::query_as(
            "SELECT c.name, m.guild_id, m.joined_at, m.left_at FROM memberships m JOIN cohorts c USING (cohort_id)
             WHERE m.user_id = $1 ORDER BY m.membership_id",
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(cohort, guild, joined, left)| {
                json!({"cohort": cohort, "guild_id": (guild as u64).to_string(),
                       "joined_at": from_db_time(joined), "left_at": left.map(from_db_time)})
            })
            .collect())
    }

    async fn export_quiz_answers(&self, user: u64) -> StoreResult<Vec<Value>> {
        type Row = (String, String, i64, i64, i64, Option<i64>, String, i64);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT track, item_id, module, choice, CAST(correct AS INTEGER), confidence, practice_date, answered_at
             FROM quiz_answers WHERE user_id = $1 ORDER BY answered_at",
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(track, item, module, choice, correct, confidence, date, at)| {
                json!({"track": track, "item": item, "module": module, "chosen_option": choice + 1,
                       "best_answer": flag(correct), "confidence": confidence, "practice_date": date,
                       "answered_at": from_db_time(at)})
            })
            .collect())
    }

    async fn export_quiz_reviews(&self, user: u64) -> StoreResult<Vec<Value>> {
        let rows: Vec<(String, String, i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT track, item_id, module, step, due_date FROM quiz_reviews WHERE user_id = $1 ORDER BY item_id",
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(track, item, module, step, due)| {
                json!({"track": track, "item": item, "module": module, "retired": step == 0, "comes_back_on": due})
            })
            .collect())
    }

    /// Each quiz started, with its questions in the order asked and the option order shown.
    async fn export_quiz_attempts(&self, user: u64) -> StoreResult<Vec<Value>> {
        type Row = (
            i64,
            String,
            Option<i64>,
            String,
            i64,
            Option<i64>,
            Option<String>,
            Option<i64>,
            Option<String>,
            Option<i64>,
        );
        // One row per question (a question-less attempt still has one, with NULLs).
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT a.attempt_id, a.track, a.module, a.source, a.started_at, a.finished_at,
                    q.item_id, q.module, q.option_order, CAST(q.review AS INTEGER)
             FROM quiz_attempts a LEFT JOIN quiz_questions q USING (attempt_id)
             WHERE a.user_id = $1 ORDER BY a.attempt_id, q.position",
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<(i64, Value)> = Vec::new();
        for (attempt, track, asked, source, started, finished, item, module, order, review) in rows
        {
            if out.last().is_none_or(|(id, _)| *id != attempt) {
                out.push((
                    attempt,
                    json!({"track": track, "module_asked": asked, "started_from": source,
                           "started_at": from_db_time(started), "finished_at": finished.map(from_db_time),
                           "questions": []}),
                ));
            }
            if let (Some(item), Some((_, value))) = (item, out.last_mut()) {
                // Original option indexes, numbered from 1 like `chosen_option`.
                let shown: Vec<usize> = order
                    .as_deref()
                    .and_then(parse_order)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|index| index + 1)
                    .collect();
                if let Some(questions) = value["questions"].as_array_mut() {
                    questions.push(
                        json!({"item": item, "module": module, "options_shown": shown,
                                          "spaced_review": review.is_some_and(flag)}),
                    );
                }
            }
        }
        Ok(out.into_iter().map(|(_, value)| value).collect())
    }

    /// The check-in DMs the bot tried to send: the day, and whether it arrived.
    async fn export_reminder_dms(&self, user: u64) -> StoreResult<Vec<Value>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT local_date, status, claimed_at FROM reminder_dms WHERE user_id = $1 ORDER BY reminder_id",
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(date, status, at)| json!({"date": date, "status": status, "at": from_db_time(at)}))
            .collect())
    }

    /// The cohorts whose last summary figures to date counted this person (never what they
    /// did: summaries hold group figures only).
    async fn export_summary_baselines(&self, user: u64) -> StoreResult<Vec<Value>> {
        let cohorts: Vec<String> = sqlx::query_scalar(
            "SELECT c.name FROM summary_baselines b JOIN cohorts c USING (cohort_id)
             WHERE b.user_id = $1 ORDER BY c.cohort_id",
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        Ok(cohorts
            .into_iter()
            .map(|cohort| json!({"cohort": cohort, "why": "counted in the group figures of this cohort's latest summary"}))
            .collect())
    }

    async fn export_engagements(&self, user: u64) -> StoreResult<Vec<Value>> {
        let rows: Vec<(String, String, i64, String, i64)> = sqlx::query_as(
            "SELECT c.name, d.practice_date, d.day_number, e.kind, e.created_at
             FROM engagements e JOIN deliveries d USING (delivery_id) JOIN cohorts c ON c.cohort_id = e.cohort_id
             WHERE e.user_id = $1 ORDER BY e.created_at",
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(cohort, date, day, kind, at)| {
                json!({"cohort": cohort, "practice_date": date, "day": day, "kind": kind, "at": from_db_time(at)})
            })
            .collect())
    }

    /// Removes every row keyed to `user` (and blanks mentions), in one transaction. Returns the
    /// number of rows removed.
    pub async fn delete_person(&self, user: u64) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        // Their part of each cohort's totals stays, as anonymous counts (store::summary_departed).
        Self::fold_departed(&mut tx, user).await?;
        let mut removed = 0;
        for sql in UNLINK {
            sqlx::query(sqlx::AssertSqlSafe(*sql))
                .bind(id_to_db(user))
                .execute(&mut *tx)
                .await?;
        }
        for (table, column) in PERSONAL_ROWS {
            // Table and column names come from the constant list above, never from input.
            let sql = sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE {column} = $1"));
            removed += sqlx::query(sql)
                .bind(id_to_db(user))
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        for (table, column, blank) in MENTIONS {
            let sql = sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET {column} = {blank} WHERE {column} = $1"
            ));
            sqlx::query(sql)
                .bind(id_to_db(user))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(removed)
    }

    /// How many rows in the whole database hold `value` in an integer column (for the test that
    /// proves a delete was complete).
    pub async fn rows_mentioning(&self, value: u64) -> StoreResult<Vec<(String, String, i64)>> {
        let (columns_sql, integer) = match self.backend() {
            Backend::Sqlite => ("SELECT name, type FROM pragma_table_info($1)", "INTEGER"),
            Backend::Postgres => (
                "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT)
                 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1",
                "bigint",
            ),
        };
        let mut found = Vec::new();
        for table in self.table_names().await? {
            let columns: Vec<(String, String)> = sqlx::query_as(columns_sql)
                .bind(&table)
                .fetch_all(self.pool())
                .await?;
            for (column, kind) in columns
                .into_iter()
                .filter(|(_, kind)| kind.eq_ignore_ascii_case(integer))
            {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM {table} WHERE {column} = $1"
                ));
                let count: i64 = sqlx::query_scalar(sql)
                    .bind(id_to_db(value))
                    .fetch_one(self.pool())
                    .await?;
                if count > 0 {
                    found.push((table.clone(), format!("{column} ({kind})"), count));
                }
            }
        }
        Ok(found)
    }
}
