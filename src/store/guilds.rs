//! Guilds the bot has been added to.

use chrono::{DateTime, Utc};

use super::convert::{id_to_db, to_db_time};
use super::{Store, StoreResult};

impl Store {
    /// Records that the bot is in `guild` (again, if it had been removed).
    pub async fn upsert_guild(&self, guild: u64, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO guilds (guild_id, joined_at) VALUES ($1, $2)
             ON CONFLICT (guild_id) DO UPDATE SET removed_at = NULL",
        )
        .bind(id_to_db(guild))
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Records that the bot was removed from `guild`.
    pub async fn mark_guild_removed(&self, guild: u64, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE guilds SET removed_at = $2 WHERE guild_id = $1")
            .bind(id_to_db(guild))
            .bind(to_db_time(now))
            .execute(self.writer())
            .await?;
        Ok(())
    }
}
