//! Each person's `/settings`: their own time zone, whether reminders are on, and quiet hours.
//! One row per person, shared by every server they use the bot in.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::convert::{flag, id_to_db, to_db_time};
use super::{Store, StoreError, StoreResult};
use crate::domain::{QuietHours, SendTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParticipantSettings {
    /// `None`: follow the cohort's zone.
    pub timezone: Option<Tz>,
    pub reminders_on: bool,
    pub quiet: Option<QuietHours>,
}

impl Default for ParticipantSettings {
    fn default() -> Self {
        Self {
            timezone: None,
            reminders_on: true,
            quiet: None,
        }
    }
}

impl ParticipantSettings {
    /// The zone the person lives in: their own if set, else their cohort's.
    pub fn zone_or(&self, cohort_zone: Tz) -> Tz {
        self.timezone.unwrap_or(cohort_zone)
    }
}

/// The stored columns, as read back.
/// `reminders_on` is read as `CAST(reminders_on AS INTEGER)` (see `convert::flag`).
pub(crate) type SettingsColumns = (Option<String>, Option<i64>, Option<String>, Option<String>);

/// Reads settings columns; a row that does not exist reads as the defaults.
pub(crate) fn settings_from_columns(
    user: u64,
    (zone, on, start, end): SettingsColumns,
) -> StoreResult<ParticipantSettings> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("settings of {user}: {what}"));
    let timezone = zone
        .map(|z| z.parse::<Tz>().map_err(|_| corrupt("timezone")))
        .transpose()?;
    let quiet = match (start, end) {
        (Some(start), Some(end)) => {
            let start = SendTime::parse(&start).map_err(|_| corrupt("quiet_start"))?;
            let end = SendTime::parse(&end).map_err(|_| corrupt("quiet_end"))?;
            QuietHours::new(start, end)
        }
        _ => None,
    };
    Ok(ParticipantSettings {
        timezone,
        reminders_on: on.is_none_or(flag),
        quiet,
    })
}

impl Store {
    pub async fn participant_settings(&self, user: u64) -> StoreResult<ParticipantSettings> {
        let row: Option<SettingsColumns> = sqlx::query_as(
            "SELECT timezone, CAST(reminders_on AS INTEGER), quiet_start, quiet_end FROM participant_settings WHERE user_id = $1",
        )
        .bind(id_to_db(user))
        .fetch_optional(self.pool())
        .await?;
        row.map_or(Ok(ParticipantSettings::default()), |columns| {
            settings_from_columns(user, columns)
        })
    }

    /// Replaces the person's settings.
    pub async fn save_participant_settings(
        &self,
        user: u64,
        settings: &ParticipantSettings,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO participant_settings (user_id, timezone, reminders_on, quiet_start, quiet_end, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone,
               reminders_on = excluded.reminders_on, quiet_start = excluded.quiet_start,
               quiet_end = excluded.quiet_end, updated_at = excluded.updated_at",
        )
        .bind(id_to_db(user))
        .bind(settings.timezone.map(|z| z.name().to_owned()))
        .bind(settings.reminders_on)
        .bind(settings.quiet.map(|q| q.start().to_string()))
        .bind(settings.quiet.map(|q| q.end().to_string()))
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(())
    }
}
