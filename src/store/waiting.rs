//! Check-ins waiting for the person's next command (DMs closed, reminders off, a failed DM):
//! taken once to be shown, put back if showing failed, cleared once seen in `/checkin`.

use chrono::{DateTime, Utc};

use super::commitments::{rows_to_commitments, select, CommitmentRow};
use super::convert::{flag, id_to_db, to_db_time};
use super::{Commitment, Store, StoreResult};

impl Store {
    /// Takes the open check-ins of `user` that wait for their next command: they are no longer
    /// waiting once returned, so two commands at once cannot both show them.
    pub async fn take_waiting_checkins(&self, user: u64) -> StoreResult<Vec<Commitment>> {
        // Every command asks, and almost always nothing waits: a read answers that without
        // queueing for the write lock (under load, that queue cost each command tens of ms).
        // A check-in that starts waiting just after this read is shown at the next command.
        let any: i64 = sqlx::query_scalar(
            "SELECT CAST(EXISTS (SELECT 1 FROM commitments
             WHERE user_id = $1 AND status = 'open' AND waiting_since IS NOT NULL) AS INTEGER)",
        )
        .bind(id_to_db(user))
        .fetch_one(self.pool())
        .await?;
        if !flag(any) {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let rows: Vec<CommitmentRow> = sqlx::query_as(select(
            "WHERE user_id = $1 AND status = 'open' AND waiting_since IS NOT NULL
             ORDER BY due_date, commitment_id",
        ))
        .bind(id_to_db(user))
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE commitments SET waiting_since = NULL WHERE user_id = $1 AND waiting_since IS NOT NULL",
        )
        .bind(id_to_db(user))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        rows_to_commitments(rows)
    }

    /// Puts check-ins back to wait (showing them failed).
    pub async fn restore_waiting(
        &self,
        user: u64,
        ids: &[i64],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for id in ids {
            sqlx::query(
                "UPDATE commitments SET waiting_since = $3 WHERE commitment_id = $1 AND user_id = $2 AND status = 'open'",
            )
            .bind(id)
            .bind(id_to_db(user))
            .bind(to_db_time(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The person has now seen these waiting check-ins.
    pub async fn clear_waiting(&self, user: u64, ids: &[i64]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for id in ids {
            sqlx::query(
                "UPDATE commitments SET waiting_since = NULL WHERE commitment_id = $1 AND user_id = $2",
            )
            .bind(id)
            .bind(id_to_db(user))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
