//! When a person practised: every kind of engagement, as instants, for streaks and consistency.

use chrono::{DateTime, Utc};

use super::convert::{from_db_time, id_to_db};
use super::{Store, StoreResult};

impl Store {
    /// The instants of everything `user` did: "I tried this", quiz answers, reflections,
    /// commitments and check-in answers, since `since`.
    pub async fn practice_activity(
        &self,
        user: u64,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<DateTime<Utc>>> {
        let times: Vec<i64> = sqlx::query_scalar(
            "SELECT created_at FROM engagements WHERE user_id = $1 AND created_at >= $2
             UNION ALL SELECT answered_at FROM quiz_answers WHERE user_id = $1 AND answered_at >= $2
             UNION ALL SELECT created_at FROM reflections WHERE user_id = $1 AND created_at >= $2
             UNION ALL SELECT created_at FROM commitments WHERE user_id = $1 AND created_at >= $2
             UNION ALL SELECT answered_at FROM checkin_answers WHERE user_id = $1 AND answered_at >= $2",
        )
        .bind(id_to_db(user))
        .bind(super::to_db_time(since))
        .fetch_all(self.pool())
        .await?;
        Ok(times.into_iter().map(from_db_time).collect())
    }
}
