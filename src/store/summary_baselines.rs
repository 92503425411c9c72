//! Whom the previous weekly summary of a cohort counted "to date": the reference for the
//! differencing rule (domain::kanon, rule 3). Only the weekly claim writes it, in the same
//! transaction as the claim; `/cohort report` only compares with it.

use super::convert::{id_from_db, id_to_db};
use super::{Store, StoreResult};
use crate::domain::kanon::Counted;

impl Store {
    /// `None` when no weekly summary of this cohort counted anyone yet. (A baseline of nobody
    /// needs no protecting: with fewer than k people counted, nothing is shown at all.)
    pub async fn summary_baseline(&self, cohort: i64) -> StoreResult<Option<Counted>> {
        let rows: Vec<i64> =
            sqlx::query_scalar("SELECT user_id FROM summary_baselines WHERE cohort_id = $1")
                .bind(cohort)
                .fetch_all(self.pool())
                .await?;
        Ok((!rows.is_empty()).then(|| Counted::of(rows.into_iter().map(id_from_db))))
    }

    /// Replaces the cohort's baseline with `members`, inside the caller's transaction.
    pub(crate) async fn replace_summary_baseline(
        tx: &mut sqlx::AnyConnection,
        cohort: i64,
        members: &[u64],
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM summary_baselines WHERE cohort_id = $1")
            .bind(cohort)
            .execute(&mut *tx)
            .await?;
        for member in members {
            sqlx::query("INSERT INTO summary_baselines (cohort_id, user_id) VALUES ($1, $2)")
                .bind(cohort)
                .bind(id_to_db(*member))
                .execute(&mut *tx)
                .await?;
        }
        Ok(())
    }
}
