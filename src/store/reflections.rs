//! Reflections and the consent to keep them. Text is sealed by the caller's sealing function,
//! bound to its row: this module never sees plaintext.

use chrono::{DateTime, Utc};

use super::convert::{from_db_time, id_from_db, id_to_db, to_db_time};
use super::sealed::{SealResult, SealedColumn, SealedField, UNSEALED};
use super::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq)]
pub struct StoredReflection {
    pub id: i64,
    pub user_id: u64,
    pub cohort_id: Option<i64>,
    pub question: String,
    pub sealed_text: Vec<u8>,
    pub created_at: DateTime<Utc>,
    /// When its author chose to share it anonymously (the post may still be on its way).
    pub shared_at: Option<DateTime<Utc>>,
    /// The channel of the anonymous copy.
    pub shared_channel_id: Option<u64>,
}

#[derive(Debug, Clone, Copy)]
pub struct NewReflection<'a> {
    pub user_id: u64,
    pub cohort_id: Option<i64>,
    pub delivery_id: Option<i64>,
    pub question: &'a str,
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

const COLUMNS: &str = "SELECT r.reflection_id, r.user_id, r.cohort_id, r.question, r.sealed_text, r.created_at, \
     s.claimed_at, s.channel_id FROM reflections r LEFT JOIN reflection_shares s USING (reflection_id)";

impl Store {
    pub async fn has_reflection_consent(&self, user: u64) -> StoreResult<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT consented_at FROM reflection_consents WHERE user_id = $1")
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
        sqlx::query("INSERT INTO reflection_consents (user_id, consented_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(id_to_db(user))
            .bind(to_db_time(now))
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Stores a reflection whose text `seal` seals for its row (`reflections.sealed_text`).
    pub async fn save_reflection(
        &self,
        new: NewReflection<'_>,
        seal: impl Fn(&SealedField) -> SealResult,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reflections (user_id, cohort_id, delivery_id, question, sealed_text, created_at)
             VALUES ($1, $2, $3, $4, $6, $5) RETURNING reflection_id",
        )
        .bind(id_to_db(new.user_id))
        .bind(new.cohort_id)
        .bind(new.delivery_id)
        .bind(new.question)
        .bind(to_db_time(now))
        .bind(UNSEALED)
        .fetch_one(&mut *tx)
        .await?;
        let field = SealedField {
            column: SealedColumn::ReflectionText,
            row: id,
            owner: new.user_id,
        };
        let sealed = seal(&field).map_err(StoreError::Seal)?;
        sqlx::query(SealedColumn::ReflectionText.update_one())
            .bind(id)
            .bind(sealed)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A reflection, only if it belongs to `user`.
    pub async fn own_reflection(
        &self,
        user: u64,
        id: i64,
    ) -> StoreResult<Option<StoredReflection>> {
        let row: Option<ReflectionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{COLUMNS} WHERE r.reflection_id = $1 AND r.user_id = $2"
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
            "{COLUMNS} WHERE r.user_id = $1 ORDER BY r.reflection_id"
        )))
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(from_row).collect())
    }

    /// Deletes reflections written before `cutoff`, except `keep` (whose anonymous post could
    /// not be taken down yet: the row is how a later round finds the post) and those whose share
    /// is still being posted (its post may be up, or about to be; the purge takes it down once
    /// the share is settled); returns how many.
    pub async fn purge_reflections_before(
        &self,
        cutoff: DateTime<Utc>,
        keep: &[i64],
    ) -> StoreResult<u64> {
        let keep = serde_json::to_string(keep).unwrap_or_else(|_| "[]".to_owned());
        // Only the constant subquery is joined here; values are bound.
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM reflections WHERE created_at < $1
             AND reflection_id NOT IN ({})
             AND reflection_id NOT IN (SELECT reflection_id FROM reflection_shares WHERE status = 'sending')",
            self.backend().json_integers("$2")
        )))
        .bind(to_db_time(cutoff))
        .bind(keep)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected())
    }
}
