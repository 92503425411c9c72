//! Engagement with a nudge ("I tried this"), kept as timestamped rows so progress and weekly
//! summaries can be aggregated later.

use chrono::{DateTime, Utc};

use super::convert::{id_to_db, to_db_time};
use super::{Store, StoreResult};

impl Store {
    /// Records that `user` tried the nudge `delivery`; false if it was already counted.
    pub async fn record_tried(
        &self,
        delivery: i64,
        cohort: i64,
        user: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO engagements (delivery_id, user_id, cohort_id, kind, created_at) VALUES ($1, $2, $3, 'tried', $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(delivery)
        .bind(id_to_db(user))
        .bind(cohort)
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// How many people tried the nudge `delivery`.
    pub async fn tried_count(&self, delivery: i64) -> StoreResult<u32> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM engagements WHERE delivery_id = $1 AND kind = 'tried'",
        )
        .bind(delivery)
        .fetch_one(self.pool())
        .await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }
}
