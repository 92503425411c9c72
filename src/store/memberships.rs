//! Who is in which cohort. A person is in at most one live cohort per guild (a partial UNIQUE
//! index enforces it even under concurrent joins).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::convert::{from_db_time, id_to_db, to_db_time};
use super::{Store, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub cohort_id: i64,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinOutcome {
    Joined,
    AlreadyIn,
    /// In another live cohort of the same guild; switching needs a confirmation.
    InOther {
        cohort_id: i64,
    },
}

impl Store {
    /// The person's live cohort in this guild, if any.
    pub async fn membership(&self, guild: u64, user: u64) -> StoreResult<Option<Membership>> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT cohort_id, joined_at FROM memberships WHERE guild_id = $1 AND user_id = $2 AND left_at IS NULL",
        )
        .bind(id_to_db(guild))
        .bind(id_to_db(user))
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(cohort_id, joined)| Membership {
            cohort_id,
            joined_at: from_db_time(joined),
        }))
    }

    pub async fn join_cohort(
        &self,
        guild: u64,
        cohort: i64,
        user: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<JoinOutcome> {
        let mut tx = self.begin_write().await?;
        let current: Option<i64> = sqlx::query_scalar(
            "SELECT cohort_id FROM memberships WHERE guild_id = $1 AND user_id = $2 AND left_at IS NULL",
        )
        .bind(id_to_db(guild))
        .bind(id_to_db(user))
        .fetch_optional(&mut *tx)
        .await?;
        match current {
            Some(existing) if existing == cohort => return Ok(JoinOutcome::AlreadyIn),
            Some(existing) => {
                return Ok(JoinOutcome::InOther {
                    cohort_id: existing,
                })
            }
            None => {}
        }
        insert_membership(&mut tx, guild, cohort, user, now).await?;
        tx.commit().await?;
        Ok(JoinOutcome::Joined)
    }

    /// Leaves the current cohort (if any) and joins `cohort`, in one transaction.
    pub async fn switch_cohort(
        &self,
        guild: u64,
        cohort: i64,
        user: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE memberships SET left_at = $3 WHERE guild_id = $1 AND user_id = $2 AND left_at IS NULL")
            .bind(id_to_db(guild))
            .bind(id_to_db(user))
            .bind(to_db_time(now))
            .execute(&mut *tx)
            .await?;
        insert_membership(&mut tx, guild, cohort, user, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Leaves the person's live cohort in this guild; returns which one it was.
    pub async fn leave_cohort(
        &self,
        guild: u64,
        user: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "UPDATE memberships SET left_at = $3 WHERE guild_id = $1 AND user_id = $2 AND left_at IS NULL
             RETURNING cohort_id",
        )
        .bind(id_to_db(guild))
        .bind(id_to_db(user))
        .bind(to_db_time(now))
        .fetch_optional(self.writer())
        .await?)
    }

    pub async fn member_count(&self, cohort: i64) -> StoreResult<u32> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships WHERE cohort_id = $1 AND left_at IS NULL",
        )
        .bind(cohort)
        .fetch_one(self.pool())
        .await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// Current member counts of every cohort in `guild` that has members.
    pub async fn member_counts(&self, guild: u64) -> StoreResult<HashMap<i64, u32>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT cohort_id, COUNT(*) FROM memberships
             WHERE guild_id = $1 AND left_at IS NULL GROUP BY cohort_id",
        )
        .bind(id_to_db(guild))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(cohort, count)| (cohort, u32::try_from(count).unwrap_or(u32::MAX)))
            .collect())
    }

    pub async fn is_member(&self, cohort: i64, user: u64) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT membership_id FROM memberships WHERE cohort_id = $1 AND user_id = $2 AND left_at IS NULL",
        )
        .bind(cohort)
        .bind(id_to_db(user))
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }
}

async fn insert_membership(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    guild: u64,
    cohort: i64,
    user: u64,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO memberships (cohort_id, guild_id, user_id, joined_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(cohort)
    .bind(id_to_db(guild))
    .bind(id_to_db(user))
    .bind(to_db_time(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
