//! An organisation's (a guild's) summary settings: the summary channel, k, and the weekly slot.
//! A guild without a row has the defaults: no channel, k from the configuration, Monday 09:00.

use chrono::{DateTime, Utc, Weekday};

use super::convert::{from_db_time, id_from_db, id_to_db, to_db_time};
use super::{Store, StoreResult};
use crate::domain::summary_week::SummarySchedule;
use crate::domain::SendTime;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSettings {
    pub guild_id: u64,
    pub summary_channel: Option<u64>,
    /// Why posting to the summary channel stopped; `None` while it works.
    pub summary_stopped: Option<String>,
    /// `None`: `privacy.min_group_size` from the configuration.
    pub min_group_size: Option<u32>,
    pub schedule: SummarySchedule,
    /// Occurrences at or before this instant are never due (the slot changed after them).
    pub schedule_set_at: Option<DateTime<Utc>>,
}

impl OrgSettings {
    pub fn defaults(guild_id: u64) -> Self {
        OrgSettings {
            guild_id,
            summary_channel: None,
            summary_stopped: None,
            min_group_size: None,
            schedule: SummarySchedule::default(),
            schedule_set_at: None,
        }
    }

    /// k for this organisation, given the configured default.
    pub fn k(&self, configured: u32) -> u32 {
        self.min_group_size.unwrap_or(configured)
    }
}

/// A change made by `/org settings`; `None` leaves a value as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct SettingsChange {
    pub min_group_size: Option<u32>,
    pub summary_day: Option<Weekday>,
    pub summary_time: Option<SendTime>,
}

type Row = (
    i64,
    Option<i64>,
    Option<String>,
    Option<i64>,
    i64,
    String,
    i64,
);

fn from_row((guild, channel, stopped, k, day, time, set_at): Row) -> OrgSettings {
    let defaults = SummarySchedule::default();
    OrgSettings {
        guild_id: id_from_db(guild),
        summary_channel: channel.map(id_from_db),
        summary_stopped: stopped,
        min_group_size: k.and_then(|k| u32::try_from(k).ok()),
        schedule: SummarySchedule {
            day: u8::try_from(day)
                .ok()
                .and_then(|d| Weekday::try_from(d).ok())
                .unwrap_or(defaults.day),
            time: SendTime::parse(&time).unwrap_or(defaults.time),
        },
        schedule_set_at: Some(from_db_time(set_at)),
    }
}

const SELECT: &str =
    "SELECT guild_id, summary_channel_id, summary_stopped, min_group_size, summary_day, \
     summary_time, schedule_set_at FROM org_settings";

impl Store {
    pub async fn org_settings(&self, guild: u64) -> StoreResult<OrgSettings> {
        let row: Option<Row> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE guild_id = $1")))
                .bind(id_to_db(guild))
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map_or_else(|| OrgSettings::defaults(guild), from_row))
    }

    /// Every organisation that has a row, for the scheduler's round.
    pub async fn all_org_settings(&self) -> StoreResult<Vec<OrgSettings>> {
        let rows: Vec<Row> = sqlx::query_as(SELECT).fetch_all(self.pool()).await?;
        Ok(rows.into_iter().map(from_row).collect())
    }

    /// Sets the summary channel; this also restarts summaries that had stopped.
    pub async fn set_summary_channel(
        &self,
        guild: u64,
        channel: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO org_settings (guild_id, summary_channel_id, schedule_set_at, updated_at) VALUES ($1, $2, $3, $3)
             ON CONFLICT (guild_id) DO UPDATE SET summary_channel_id = $2, summary_stopped = NULL, updated_at = $3",
        )
        .bind(id_to_db(guild))
        .bind(id_to_db(channel))
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Applies `/org settings`; a new day or time makes only later occurrences due.
    pub async fn change_org_settings(
        &self,
        guild: u64,
        change: SettingsChange,
        now: DateTime<Utc>,
    ) -> StoreResult<OrgSettings> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO org_settings (guild_id, schedule_set_at, updated_at) VALUES ($1, $2, $2)
             ON CONFLICT (guild_id) DO NOTHING",
        )
        .bind(id_to_db(guild))
        .bind(to_db_time(now))
        .execute(&mut *tx)
        .await?;
        let slot_changed = change.summary_day.is_some() || change.summary_time.is_some();
        sqlx::query(
            "UPDATE org_settings SET
                 min_group_size = COALESCE($2, min_group_size),
                 summary_day = COALESCE($3, summary_day),
                 summary_time = COALESCE($4, summary_time),
                 schedule_set_at = CASE WHEN $5 THEN $6 ELSE schedule_set_at END,
                 updated_at = $6
             WHERE guild_id = $1",
        )
        .bind(id_to_db(guild))
        .bind(change.min_group_size.map(i64::from))
        .bind(
            change
                .summary_day
                .map(|d| i64::from(d.num_days_from_monday())),
        )
        .bind(change.summary_time.map(|t| t.to_string()))
        .bind(slot_changed)
        .bind(to_db_time(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.org_settings(guild).await
    }

    /// Records that the summary channel cannot be used (deleted, access lost) until an admin
    /// picks one again.
    pub async fn stop_summaries(&self, guild: u64, reason: &str) -> StoreResult<()> {
        sqlx::query("UPDATE org_settings SET summary_stopped = $2 WHERE guild_id = $1")
            .bind(id_to_db(guild))
            .bind(reason)
            .execute(self.writer())
            .await?;
        Ok(())
    }
}
