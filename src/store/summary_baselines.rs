//! Whom the previous summary shown of a cohort counted "to date": the reference for the
//! differencing rule (domain::kanon, rule 3).

use super::convert::{id_from_db, id_to_db};
use super::{Store, StoreResult};
use crate::domain::kanon::Counted;

impl Store {
    /// `None` when no summary of this cohort was shown yet.
    pub async fn summary_baseline(&self, cohort: i64) -> StoreResult<Option<Counted>> {
        let rows: Vec<Option<i64>> =
            sqlx::query_scalar("SELECT user_id FROM summary_baselines WHERE cohort_id = ?1")
                .bind(cohort)
                .fetch_all(self.pool())
                .await?;
        if rows.is_empty() {
            return Ok(None);
        }
        let mut counted = Counted::default();
        for row in rows {
            match row {
                Some(id) => {
                    counted.ids.insert(id_from_db(id));
                }
                None => counted.forgotten += 1,
            }
        }
        Ok(Some(counted))
    }

    /// Records `members` as the people counted by the summary just shown.
    pub async fn set_summary_baseline(&self, cohort: i64, members: &[u64]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM summary_baselines WHERE cohort_id = ?1")
            .bind(cohort)
            .execute(&mut *tx)
            .await?;
        for member in members {
            sqlx::query("INSERT INTO summary_baselines (cohort_id, user_id) VALUES (?1, ?2)")
                .bind(cohort)
                .bind(id_to_db(*member))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
