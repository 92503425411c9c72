//! Cohorts: a group going through a track together, with its channel, schedule and pace.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::convert::{from_db_time, id_from_db, id_to_db, parse_date, to_db_time};
use super::{Store, StoreError, StoreResult};
use crate::domain::{CohortPlan, Pace, Pause, PracticeCalendar, SendTime, WorkWeek};

#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    pub id: i64,
    pub guild_id: u64,
    pub name: String,
    pub track: String,
    pub track_version: String,
    pub plan: CohortPlan,
    /// Practice days per module (none for an open-ended program).
    pub pace: Pace,
    pub start: NaiveDate,
    pub channel_id: Option<u64>,
    pub channel_set_at: Option<DateTime<Utc>>,
    pub send_time: SendTime,
    pub timezone: Tz,
    pub week: WorkWeek,
    pub archived: bool,
    /// Why deliveries stopped (a dead channel, lost access); `None` while they flow.
    pub stopped_reason: Option<String>,
    pub permission_failures: u32,
    pub created_at: DateTime<Utc>,
}

/// Everything needed to create a cohort.
pub struct NewCohort<'a> {
    pub guild_id: u64,
    pub name: &'a str,
    pub track: &'a str,
    pub track_version: &'a str,
    pub plan: &'a CohortPlan,
    pub pace: &'a Pace,
    pub seed: u64,
    pub start: NaiveDate,
    pub created_by: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CreateOutcome {
    Created(Box<Cohort>),
    NameTaken,
}

#[derive(sqlx::FromRow)]
pub(super) struct CohortRow {
    cohort_id: i64,
    guild_id: i64,
    name: String,
    track: String,
    track_version: String,
    plan: String,
    start_date: String,
    channel_id: Option<i64>,
    channel_set_at: Option<i64>,
    send_time: String,
    timezone: String,
    weekdays: String,
    days_per_module: i64,
    module_days: Option<String>,
    status: String,
    stopped_reason: Option<String>,
    permission_failures: i64,
    created_at: i64,
}

const COLUMNS: &str =
    "cohort_id, guild_id, name, track, track_version, plan, start_date, channel_id, \
    channel_set_at, send_time, timezone, weekdays, days_per_module, module_days, status, \
    stopped_reason, permission_failures, created_at";

impl TryFrom<CohortRow> for Cohort {
    type Error = StoreError;

    fn try_from(row: CohortRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("cohort {}: {what}", row.cohort_id));
        let plan: CohortPlan = serde_json::from_str(&row.plan).map_err(|_| corrupt("plan"))?;
        let pace = match &row.module_days {
            Some(days) => Pace::parse(days).ok_or_else(|| corrupt("module_days"))?,
            // Created before per-module pacing: every module at the one pace it had.
            None => Pace::uniform(
                u32::try_from(row.days_per_module).unwrap_or(5),
                plan.module_count(),
            ),
        };
        if pace.days().len() != plan.module_count() {
            return Err(corrupt("module_days"));
        }
        Ok(Cohort {
            id: row.cohort_id,
            guild_id: id_from_db(row.guild_id),
            plan,
            pace,
            start: parse_date(&row.start_date).ok_or_else(|| corrupt("start_date"))?,
            channel_id: row.channel_id.map(id_from_db),
            channel_set_at: row.channel_set_at.map(from_db_time),
            send_time: SendTime::parse(&row.send_time).map_err(|_| corrupt("send_time"))?,
            timezone: row.timezone.parse().map_err(|_| corrupt("timezone"))?,
            week: WorkWeek::parse(&row.weekdays).map_err(|_| corrupt("weekdays"))?,
            archived: row.status == "archived",
            stopped_reason: row.stopped_reason,
            permission_failures: u32::try_from(row.permission_failures).unwrap_or(0),
            created_at: from_db_time(row.created_at),
            name: row.name,
            track: row.track,
            track_version: row.track_version,
        })
    }
}

/// The cohort columns prefixed with a table alias, for a query that joins cohorts to another
/// table with columns of the same names.
pub(super) fn qualified_columns(alias: &str) -> String {
    COLUMNS
        .split(',')
        .map(|column| format!("{alias}.{0} AS {0}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds a stored holiday date to `calendar` (one that cannot be read is no holiday).
pub(super) fn lay_holiday(calendar: &mut PracticeCalendar, date: &str) {
    if let Some(date) = parse_date(date) {
        calendar.holidays.insert(date);
    }
}

/// Adds a stored pause of `cohort` to `calendar`.
pub(super) fn lay_pause(
    calendar: &mut PracticeCalendar,
    cohort: i64,
    from: &str,
    until: Option<&str>,
) {
    match parse_date(from) {
        Some(from) => calendar.pauses.push(Pause {
            from,
            until: until.and_then(parse_date),
        }),
        // Dropping it silently would let a paused cohort start posting again.
        None => tracing::error!(
            cohort_id = cohort,
            "a pause cannot be read; the cohort may post while it should be paused"
        ),
    }
}

fn sql(tail: &'static str) -> sqlx::AssertSqlSafe<String> {
    // Only constant column lists and constant clauses are joined here; values are bound.
    sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM cohorts {tail}"))
}

impl Store {
    pub async fn create_cohort(
        &self,
        new: NewCohort<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<CreateOutcome> {
        let plan =
            serde_json::to_string(new.plan).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT cohort_id FROM cohorts WHERE guild_id = $1 AND lower(name) = lower($2) AND status = 'active'",
        )
        .bind(id_to_db(new.guild_id))
        .bind(new.name)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            return Ok(CreateOutcome::NameTaken);
        }
        sqlx::query("INSERT INTO guilds (guild_id, joined_at) VALUES ($1, $2) ON CONFLICT (guild_id) DO NOTHING")
            .bind(id_to_db(new.guild_id))
            .bind(to_db_time(now))
            .execute(&mut *tx)
            .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO cohorts (guild_id, name, track, track_version, plan, module_days, seed, start_date, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING cohort_id",
        )
        .bind(id_to_db(new.guild_id))
        .bind(new.name)
        .bind(new.track)
        .bind(new.track_version)
        .bind(plan)
        .bind(new.pace.to_db())
        .bind(new.seed as i64)
        .bind(new.start.to_string())
        .bind(id_to_db(new.created_by))
        .bind(to_db_time(now))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        let cohort = self
            .cohort(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("new cohort vanished".into()))?;
        Ok(CreateOutcome::Created(Box::new(cohort)))
    }

    pub async fn cohort(&self, id: i64) -> StoreResult<Option<Cohort>> {
        let row: Option<CohortRow> = sqlx::query_as(sql("WHERE cohort_id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(Cohort::try_from).transpose()
    }

    /// The cohort `user` is in now in `guild`, if any.
    pub async fn current_cohort(&self, guild: u64, user: u64) -> StoreResult<Option<Cohort>> {
        let row: Option<CohortRow> = sqlx::query_as(sql(
            "WHERE cohort_id = (SELECT cohort_id FROM memberships
                                WHERE guild_id = $1 AND user_id = $2 AND left_at IS NULL)",
        ))
        .bind(id_to_db(guild))
        .bind(id_to_db(user))
        .fetch_optional(self.pool())
        .await?;
        row.map(Cohort::try_from).transpose()
    }

    /// A live cohort of `guild` by name, ignoring case.
    pub async fn cohort_named(&self, guild: u64, name: &str) -> StoreResult<Option<Cohort>> {
        let row: Option<CohortRow> = sqlx::query_as(sql(
            "WHERE guild_id = $1 AND lower(name) = lower($2) AND status = 'active'",
        ))
        .bind(id_to_db(guild))
        .bind(name.trim())
        .fetch_optional(self.pool())
        .await?;
        row.map(Cohort::try_from).transpose()
    }

    /// A guild's live cohorts, by name.
    pub async fn cohorts_in_guild(&self, guild: u64) -> StoreResult<Vec<Cohort>> {
        let rows: Vec<CohortRow> = sqlx::query_as(sql(
            "WHERE guild_id = $1 AND status = 'active' ORDER BY lower(name)",
        ))
        .bind(id_to_db(guild))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(Cohort::try_from).collect()
    }

    /// Live cohorts whose nudges may be due: a channel set, deliveries not stopped, and the bot
    /// still in the guild.
    pub async fn deliverable_cohorts(&self) -> StoreResult<Vec<Cohort>> {
        let rows: Vec<CohortRow> = sqlx::query_as(sql(
            "WHERE status = 'active' AND channel_id IS NOT NULL AND stopped_reason IS NULL \
             AND guild_id NOT IN (SELECT guild_id FROM guilds WHERE removed_at IS NOT NULL)",
        ))
        .fetch_all(self.pool())
        .await?;
        // One unreadable row (say, a time zone a tz-database update removed) must not stop
        // every other cohort's nudges: it is logged and left out.
        Ok(rows
            .into_iter()
            .filter_map(|row| match Cohort::try_from(row) {
                Ok(cohort) => Some(cohort),
                Err(e) => {
                    tracing::error!(error = %e, "a cohort cannot be read and gets no nudges until fixed");
                    None
                }
            })
            .collect())
    }

    /// Live cohorts that get a weekly summary: every active cohort in a guild the bot is still
    /// in (a cohort without a nudge channel still has members to summarise).
    pub async fn summarisable_cohorts(&self) -> StoreResult<Vec<Cohort>> {
        let rows: Vec<CohortRow> = sqlx::query_as(sql("WHERE status = 'active' \
             AND guild_id NOT IN (SELECT guild_id FROM guilds WHERE removed_at IS NOT NULL)"))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| match Cohort::try_from(row) {
                Ok(cohort) => Some(cohort),
                Err(e) => {
                    tracing::error!(error = %e, "a cohort cannot be read and gets no summary until fixed");
                    None
                }
            })
            .collect())
    }

    /// Sets the nudge channel; this also restarts deliveries that had stopped.
    pub async fn set_channel(
        &self,
        cohort: i64,
        channel: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE cohorts SET channel_id = $2, channel_set_at = $3, stopped_reason = NULL, stopped_at = NULL,
             permission_failures = 0 WHERE cohort_id = $1",
        )
        .bind(cohort)
        .bind(id_to_db(channel))
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub async fn set_schedule(
        &self,
        cohort: i64,
        time: SendTime,
        zone: Tz,
        week: WorkWeek,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE cohorts SET send_time = $2, timezone = $3, weekdays = $4 WHERE cohort_id = $1",
        )
        .bind(cohort)
        .bind(time.to_string())
        .bind(zone.name())
        .bind(week.to_string())
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Stores a cohort's practice days per module (from `/cohort pace`).
    pub async fn set_pace(&self, cohort: i64, pace: &Pace) -> StoreResult<()> {
        sqlx::query("UPDATE cohorts SET module_days = $2 WHERE cohort_id = $1")
            .bind(cohort)
            .bind(pace.to_db())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    pub async fn archive_cohort(&self, cohort: i64, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE cohorts SET status = 'archived', archived_at = $2 WHERE cohort_id = $1",
        )
        .bind(cohort)
        .bind(to_db_time(now))
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE memberships SET left_at = $2 WHERE cohort_id = $1 AND left_at IS NULL")
            .bind(cohort)
            .bind(to_db_time(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stops a cohort's deliveries with a reason an admin can act on.
    pub async fn stop_deliveries(
        &self,
        cohort: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE cohorts SET stopped_reason = $2, stopped_at = $3 WHERE cohort_id = $1")
            .bind(cohort)
            .bind(reason)
            .bind(to_db_time(now))
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Stops every cohort of a guild the bot was removed from.
    pub async fn stop_guild_cohorts(
        &self,
        guild: u64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE cohorts SET stopped_reason = $2, stopped_at = $3
             WHERE guild_id = $1 AND status = 'active' AND stopped_reason IS NULL",
        )
        .bind(id_to_db(guild))
        .bind(reason)
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected())
    }

    pub async fn clear_permission_failures(&self, cohort: i64) -> StoreResult<()> {
        sqlx::query("UPDATE cohorts SET permission_failures = 0 WHERE cohort_id = $1 AND permission_failures > 0")
            .bind(cohort)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// The cohort's practice calendar: its start, weekdays, holidays and pauses.
    pub async fn calendar(&self, cohort: &Cohort) -> StoreResult<PracticeCalendar> {
        let mut calendars = self
            .calendars_of(Some(cohort.id), std::slice::from_ref(cohort))
            .await?;
        Ok(calendars
            .remove(&cohort.id)
            .unwrap_or_else(|| PracticeCalendar::new(cohort.start, cohort.week)))
    }

    /// The calendars of `cohorts` in two queries, for the scheduler's round over all of them.
    pub async fn calendars(
        &self,
        cohorts: &[Cohort],
    ) -> StoreResult<HashMap<i64, PracticeCalendar>> {
        self.calendars_of(None, cohorts).await
    }

    /// Holidays and pauses of one cohort (`only`), or of all, laid onto `cohorts`' calendars.
    async fn calendars_of(
        &self,
        only: Option<i64>,
        cohorts: &[Cohort],
    ) -> StoreResult<HashMap<i64, PracticeCalendar>> {
        let holidays: Vec<(i64, String)> = sqlx::query_as(
            "SELECT cohort_id, holiday_date FROM cohort_holidays WHERE $1 IS NULL OR cohort_id = $1",
        )
        .bind(only)
        .fetch_all(self.pool())
        .await?;
        let pauses: Vec<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT cohort_id, from_date, until_date FROM cohort_pauses
             WHERE $1 IS NULL OR cohort_id = $1 ORDER BY pause_id",
        )
        .bind(only)
        .fetch_all(self.pool())
        .await?;
        let mut calendars: HashMap<i64, PracticeCalendar> = cohorts
            .iter()
            .map(|c| (c.id, PracticeCalendar::new(c.start, c.week)))
            .collect();
        for (cohort, date) in holidays {
            if let Some(calendar) = calendars.get_mut(&cohort) {
                lay_holiday(calendar, &date);
            }
        }
        for (cohort, from, until) in pauses {
            if let Some(calendar) = calendars.get_mut(&cohort) {
                lay_pause(calendar, cohort, &from, until.as_deref());
            }
        }
        Ok(calendars)
    }

    /// Returns false if `date` was already a holiday.
    pub async fn add_holiday(&self, cohort: i64, date: NaiveDate) -> StoreResult<bool> {
        let done = sqlx::query("INSERT INTO cohort_holidays (cohort_id, holiday_date) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(cohort)
            .bind(date.to_string())
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Returns false if `date` was not a holiday.
    pub async fn remove_holiday(&self, cohort: i64, date: NaiveDate) -> StoreResult<bool> {
        let done =
            sqlx::query("DELETE FROM cohort_holidays WHERE cohort_id = $1 AND holiday_date = $2")
                .bind(cohort)
                .bind(date.to_string())
                .execute(self.writer())
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Starts a pause from `from`; returns false if the cohort is already paused.
    pub async fn pause_cohort(&self, cohort: i64, from: NaiveDate) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let open: Option<i64> = sqlx::query_scalar(
            "SELECT pause_id FROM cohort_pauses WHERE cohort_id = $1 AND until_date IS NULL",
        )
        .bind(cohort)
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_some() {
            return Ok(false);
        }
        sqlx::query("INSERT INTO cohort_pauses (cohort_id, from_date) VALUES ($1, $2)")
            .bind(cohort)
            .bind(from.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Ends the open pause at `until` (exclusive); returns false if the cohort was not paused.
    /// A pause that never took effect (until <= from) is removed entirely.
    pub async fn resume_cohort(&self, cohort: i64, until: NaiveDate) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let open: Option<(i64, String)> =
            sqlx::query_as("SELECT pause_id, from_date FROM cohort_pauses WHERE cohort_id = $1 AND until_date IS NULL")
                .bind(cohort)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((pause, from)) = open else {
            return Ok(false);
        };
        if parse_date(&from).is_some_and(|from| until <= from) {
            sqlx::query("DELETE FROM cohort_pauses WHERE pause_id = $1")
                .bind(pause)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("UPDATE cohort_pauses SET until_date = $2 WHERE pause_id = $1")
                .bind(pause)
                .bind(until.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FourA, Plan};
    use crate::store::test_db::TestDb;
    use crate::store::{CreateOutcome, NewCohort};

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    async fn cohort(store: &Store, name: &str) -> Cohort {
        let plan = Plan::build(&[vec![("p1".to_owned(), FourA::Action)]], 1).into();
        let new = NewCohort {
            guild_id: 1,
            name,
            track: "accomplice",
            track_version: "1",
            plan: &plan,
            pace: &Pace::new([5]),
            seed: 1,
            start: date("2026-11-23"),
            created_by: 1,
        };
        match store.create_cohort(new, Utc::now()).await.unwrap() {
            CreateOutcome::Created(cohort) => *cohort,
            _ => panic!("created"),
        }
    }

    #[tokio::test]
    async fn all_calendars_at_once_match_each_cohorts_own() {
        for db in TestDb::every("all_calendars_at_once_match_each_cohorts_own").await {
            let store = db.open().await;
            store.upsert_guild(1, Utc::now()).await.unwrap();
            let (blue, green, red) = (
                cohort(&store, "Blue").await,
                cohort(&store, "Green").await,
                cohort(&store, "Red").await,
            );
            store
                .add_holiday(blue.id, date("2026-11-26"))
                .await
                .unwrap();
            store
                .pause_cohort(green.id, date("2026-12-01"))
                .await
                .unwrap();

            let cohorts = [blue.clone(), green.clone(), red.clone()];
            let all = store.calendars(&cohorts).await.unwrap();

            for one in &cohorts {
                assert_eq!(
                    all[&one.id],
                    store.calendar(one).await.unwrap(),
                    "{}",
                    one.name
                );
            }
            assert_eq!(all[&blue.id].holidays.len(), 1);
            assert!(all[&blue.id].pauses.is_empty());
            assert_eq!(all[&green.id].pauses.len(), 1);
            assert!(all[&red.id].holidays.is_empty() && all[&red.id].pauses.is_empty());
        }
    }
}
