//! Reflections and the consent to keep them. Text arrives here already sealed: this module never
//! sees plaintext.

use chrono::{DateTime, Utc};

use super::convert::{from_db_time, id_from_db, id_to_db, to_db_time};
use super::{Store, StoreResult};

#[derive(Debug, Clone, PartialEq)]
pub struct StoredReflection {
    pub id: i64,
    pub user_id: u64,
    pub cohort_id: Option<i64>,
    pub question: String,
    pub sealed_text: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub shared_at: Option<DateTime<Utc>>,
    /// The channel the anonymous copy was posted in, once it was posted.
    pub shared_channel_id: Option<u64>,
}

/// A reflection's anonymous copy in a cohort channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SharedPost {
    pub reflection: i64,
    pub channel: u64,
    pub message: u64,
}

pub struct NewReflection<'a> {
    pub user_id: u64,
    pub cohort_id: Option<i64>,
    pub delivery_id: Option<i64>,
    pub question: &'a str,
    pub sealed_text: &'a [u8],
}

type ReflectionRow = (
    i64,
    i64,
    Option<i64>,
    String,
    Vec<u8>,
    i64,
    Option<i64>,
    Option<i64>,
);

fn from_row(row: ReflectionRow) -> StoredReflection {
    let (id, user, cohort_id, question, sealed_text, created, shared, channel) = row;
    StoredReflection {
        id,
        user_id: id_from_db(user),
        cohort_id,
        question,
        sealed_text,
        created_at: from_db_time(created),
        shared_at: shared.map(from_db_time),
        shared_channel_id: channel.map(id_from_db),
    }
}

const COLUMNS: &str = "SELECT reflection_id, user_id, cohort_id, question, sealed_text, created_at, shared_at, shared_channel_id FROM reflections";

impl Store {
    pub async fn has_reflection_consent(&self, user: u64) -> StoreResult<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT consented_at FROM reflection_consents WHERE user_id = ?1")
                .bind(id_to_db(user))
                .fetch_optional(self.pool())
                .await?;
        Ok(found.is_some())
    }

    pub async fn record_reflection_consent(
        &self,
        user: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO reflection_consents (user_id, consented_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING")
            .bind(id_to_db(user))
            .bind(to_db_time(now))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn save_reflection(
        &self,
        new: NewReflection<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO reflections (user_id, cohort_id, delivery_id, question, sealed_text, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING reflection_id",
        )
        .bind(id_to_db(new.user_id))
        .bind(new.cohort_id)
        .bind(new.delivery_id)
        .bind(new.question)
        .bind(new.sealed_text)
        .bind(to_db_time(now))
        .fetch_one(self.pool())
        .await?)
    }

    /// A reflection, only if it belongs to `user`.
    pub async fn own_reflection(
        &self,
        user: u64,
        id: i64,
    ) -> StoreResult<Option<StoredReflection>> {
        let row: Option<ReflectionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{COLUMNS} WHERE reflection_id = ?1 AND user_id = ?2"
        )))
        .bind(id)
        .bind(id_to_db(user))
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(from_row))
    }

    /// A person's reflections, oldest first.
    pub async fn reflections_of(&self, user: u64) -> StoreResult<Vec<StoredReflection>> {
        let rows: Vec<ReflectionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{COLUMNS} WHERE user_id = ?1 ORDER BY reflection_id"
        )))
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(from_row).collect())
    }

    /// Marks a reflection shared; false if it already was (a second click shares nothing).
    pub async fn mark_reflection_shared(&self, id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE reflections SET shared_at = ?2 WHERE reflection_id = ?1 AND shared_at IS NULL",
        )
        .bind(id)
        .bind(to_db_time(now))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records where the shared post went, so deleting the reflection can remove it too.
    pub async fn record_shared_post(&self, id: i64, channel: u64, message: u64) -> StoreResult<()> {
        sqlx::query("UPDATE reflections SET shared_channel_id = ?2, shared_message_id = ?3 WHERE reflection_id = ?1")
            .bind(id)
            .bind(super::convert::id_to_db(channel))
            .bind(super::convert::id_to_db(message))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The anonymous posts of `user`'s reflections.
    pub async fn shared_posts_of(&self, user: u64) -> StoreResult<Vec<SharedPost>> {
        self.shared_posts("user_id = ?1", id_to_db(user)).await
    }

    /// The anonymous posts of reflections written before `cutoff`.
    pub async fn shared_posts_before(&self, cutoff: DateTime<Utc>) -> StoreResult<Vec<SharedPost>> {
        self.shared_posts("created_at < ?1", to_db_time(cutoff))
            .await
    }

    async fn shared_posts(
        &self,
        condition: &'static str,
        value: i64,
    ) -> StoreResult<Vec<SharedPost>> {
        // `condition` is one of the constant clauses above; the value is bound.
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT reflection_id, shared_channel_id, shared_message_id FROM reflections WHERE {condition} AND shared_message_id IS NOT NULL"
        ));
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(sql)
            .bind(value)
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(reflection, channel, message)| SharedPost {
                reflection,
                channel: id_from_db(channel),
                message: id_from_db(message),
            })
            .collect())
    }

    /// Undoes a claim to share (the post failed), so the author can try again.
    pub async fn unmark_reflection_shared(&self, id: i64) -> StoreResult<()> {
        sqlx::query("UPDATE reflections SET shared_at = NULL WHERE reflection_id = ?1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes reflections written before `cutoff`, except `keep` (whose anonymous post could
    /// not be taken down yet: the row is how a later round finds the post); returns how many.
    pub async fn purge_reflections_before(
        &self,
        cutoff: DateTime<Utc>,
        keep: &[i64],
    ) -> StoreResult<u64> {
        let keep = serde_json::to_string(keep).unwrap_or_else(|_| "[]".to_owned());
        let done = sqlx::query(
            "DELETE FROM reflections WHERE created_at < ?1
             AND reflection_id NOT IN (SELECT value FROM json_each(?2))",
        )
        .bind(to_db_time(cutoff))
        .bind(keep)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}
