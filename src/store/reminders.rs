//! The check-in outbox: which check-ins are due to be handed out, claiming a reminder DM
//! before it is sent (exactly once, and within the daily and weekly caps even with two
//! processes), recording how it went, and check-ins parked for the person's next command.
//! Claims carry a lease (see [`super::lease`]): only the holder sends and records a DM, and one
//! whose lease ran out is settled as `unknown`, never sent again.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::commitments::{rows_to_commitments, select, CommitmentRow};
use super::convert::{id_from_db, id_to_db, parse_date, to_db_time};
use super::lease::{self, held_by, renew_sql, Change, Lease, LeaseOwner};
use super::participant_settings::{settings_from_columns, ParticipantSettings};
use super::{Commitment, Store, StoreError, StoreResult};
use crate::domain::SendTime;

/// Statuses of a reminder DM that may have reached the person: they count against the caps.
const COUNTED: &str = "status IN ('sending', 'sent', 'unknown')";

/// An open commitment whose current check-in has not been handed out yet.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingCheckin {
    pub commitment_id: i64,
    pub user_id: u64,
    pub due_date: NaiveDate,
    /// The cohort's nudge time and zone.
    pub send_time: SendTime,
    pub cohort_zone: Tz,
    pub settings: ParticipantSettings,
}

/// A reminder DM to claim, carrying the check-ins `items` (commitment id, due date).
pub struct ReminderClaim<'a> {
    pub user_id: u64,
    pub local_date: NaiveDate,
    /// First local date of the cap window ending on `local_date`, and the window's cap.
    pub window_start: NaiveDate,
    pub max_in_window: u32,
    pub nonce: &'a str,
    pub items: &'a [(i64, NaiveDate)],
}

/// How a reminder DM ended when it did not arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undelivered {
    /// The person does not accept DMs from the bot (50007).
    DmClosed,
    Failed,
}

type PendingRow = (
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

impl Store {
    /// Open commitments due on or before `due_by` whose check-in was not handed out yet.
    pub async fn pending_checkins(&self, due_by: NaiveDate) -> StoreResult<Vec<PendingCheckin>> {
        let rows: Vec<PendingRow> = sqlx::query_as(
            "SELECT c.commitment_id, c.user_id, c.due_date, co.send_time, co.timezone,
                    s.timezone, CAST(s.reminders_on AS INTEGER), s.quiet_start, s.quiet_end
             FROM commitments c
             JOIN cohorts co ON co.cohort_id = c.cohort_id
             LEFT JOIN participant_settings s ON s.user_id = c.user_id
             WHERE c.status = 'open' AND c.due_date <= $1
               AND (c.prompted_for IS NULL OR c.prompted_for <> c.due_date)
             ORDER BY c.user_id, c.due_date, c.commitment_id",
        )
        .bind(due_by.to_string())
        .fetch_all(self.pool())
        .await?;
        let read = |(id, user, due, time, zone, own_zone, on, start, end): PendingRow| {
            let corrupt = |what: &str| StoreError::Corrupt(format!("commitment {id}: {what}"));
            Ok::<_, StoreError>(PendingCheckin {
                commitment_id: id,
                user_id: id_from_db(user),
                due_date: parse_date(&due).ok_or_else(|| corrupt("due_date"))?,
                send_time: SendTime::parse(&time).map_err(|_| corrupt("send_time"))?,
                cohort_zone: zone.parse().map_err(|_| corrupt("timezone"))?,
                settings: settings_from_columns(id_from_db(user), (own_zone, on, start, end))?,
            })
        };
        // One unreadable row (a zone a tz-database update removed) must not hold up everyone
        // else's check-ins: it is logged and left out, as for cohorts.
        Ok(rows
            .into_iter()
            .filter_map(|row| match read(row) {
                Ok(pending) => Some(pending),
                Err(e) => {
                    tracing::error!(error = %e, "a check-in cannot be read and waits until fixed");
                    None
                }
            })
            .collect())
    }

    /// Local dates since `since` on which the person was (or may have been) sent a reminder.
    pub async fn reminder_dates(&self, user: u64, since: NaiveDate) -> StoreResult<Vec<NaiveDate>> {
        let dates: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT local_date FROM reminder_dms WHERE user_id = $1 AND local_date >= $2 AND {COUNTED}"
        )))
        .bind(id_to_db(user))
        .bind(since.to_string())
        .fetch_all(self.pool())
        .await?;
        Ok(dates.iter().filter_map(|d| parse_date(d)).collect())
    }

    /// Claims a reminder DM and the check-ins it carries, unless a cap is already used up or
    /// every item was handed out meanwhile. Returns the reminder id.
    pub async fn claim_reminder(
        &self,
        claim: &ReminderClaim<'_>,
        lease: Lease<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let in_window: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM reminder_dms WHERE user_id = $1 AND local_date BETWEEN $2 AND $3 AND {COUNTED}"
        )))
        .bind(id_to_db(claim.user_id))
        .bind(claim.window_start.to_string())
        .bind(claim.local_date.to_string())
        .fetch_one(&mut *tx)
        .await?;
        if in_window >= i64::from(claim.max_in_window) {
            return Ok(None);
        }
        let reminder: Option<i64> = sqlx::query_scalar(concat!(
            "INSERT INTO reminder_dms (user_id, local_date, status, nonce, claimed_at, lease_owner, lease_until)
             SELECT $1, $2, 'sending', $3, $4, $5, $6 WHERE TRUE",
            lease::fence!("5", "7"),
            " ON CONFLICT DO NOTHING RETURNING reminder_id"
        ))
        .bind(id_to_db(claim.user_id))
        .bind(claim.local_date.to_string())
        .bind(claim.nonce)
        .bind(to_db_time(now))
        .bind(lease.owner.as_str())
        .bind(lease.until_db())
        .bind(lease.owner.epoch())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(reminder) = reminder else {
            return Ok(None); // one went out today already
        };
        let mut carried = 0;
        for (id, due) in claim.items {
            carried += sqlx::query(
                "UPDATE commitments SET prompted_for = due_date, reminder_id = $3, waiting_since = NULL
                 WHERE commitment_id = $1 AND due_date = $2 AND user_id = $4 AND status = 'open'
                   AND (prompted_for IS NULL OR prompted_for <> due_date)",
            )
            .bind(id)
            .bind(due.to_string())
            .bind(reminder)
            .bind(id_to_db(claim.user_id))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        if carried == 0 {
            return Ok(None); // handed out by another round meanwhile; the claim rolls back
        }
        tx.commit().await?;
        Ok(Some(reminder))
    }

    /// The open commitments a claimed reminder carries.
    pub async fn reminder_items(&self, reminder: i64) -> StoreResult<Vec<Commitment>> {
        let rows: Vec<CommitmentRow> = sqlx::query_as(select(
            "WHERE reminder_id = $1 AND status = 'open' ORDER BY due_date, commitment_id",
        ))
        .bind(reminder)
        .fetch_all(self.pool())
        .await?;
        rows_to_commitments(rows)
    }

    /// Extends the lease on a reminder right before it is sent; `Stale` if it was settled or
    /// taken meanwhile (then it must not be sent).
    pub async fn renew_reminder(&self, reminder: i64, lease: Lease<'_>) -> StoreResult<Change> {
        lease::renew(
            self,
            renew_sql!("reminder_dms", "reminder_id"),
            reminder,
            lease,
        )
        .await
    }

    /// Records a delivered reminder, if `owner` still holds its claim.
    pub async fn mark_reminder_sent(
        &self,
        reminder: i64,
        message: u64,
        owner: &LeaseOwner,
        now: DateTime<Utc>,
    ) -> StoreResult<Change> {
        let done = sqlx::query(concat!(
            "UPDATE reminder_dms SET status = 'sent', message_id = $2, finished_at = $3, lease_until = NULL
             WHERE reminder_id = $1 AND ",
            held_by!("4")
        ))
        .bind(reminder)
        .bind(id_to_db(message))
        .bind(to_db_time(now))
        .bind(owner.as_str())
        .execute(self.writer())
        .await?;
        Ok(Change::from_rows(done.rows_affected()))
    }

    /// Records a reminder that did not arrive, if `owner` still holds its claim; its check-ins
    /// wait for the person's next command.
    pub async fn mark_reminder_undelivered(
        &self,
        reminder: i64,
        how: Undelivered,
        code: Option<i64>,
        owner: &LeaseOwner,
        now: DateTime<Utc>,
    ) -> StoreResult<Change> {
        let status = match how {
            Undelivered::DmClosed => "dm_closed",
            Undelivered::Failed => "failed",
        };
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(concat!(
            "UPDATE reminder_dms SET status = $2, error_code = $3, finished_at = $4, lease_until = NULL
             WHERE reminder_id = $1 AND ",
            held_by!("5")
        ))
        .bind(reminder)
        .bind(status)
        .bind(code)
        .bind(to_db_time(now))
        .bind(owner.as_str())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(Change::Stale);
        }
        sqlx::query(
            "UPDATE commitments SET waiting_since = $2 WHERE reminder_id = $1 AND status = 'open'",
        )
        .bind(reminder)
        .bind(to_db_time(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Change::Applied)
    }

    /// Hands check-ins out without a DM (reminders are off): they wait for the next command.
    pub async fn park_checkins(
        &self,
        items: &[(i64, NaiveDate)],
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let mut parked = 0;
        for (id, due) in items {
            parked += sqlx::query(
                "UPDATE commitments SET prompted_for = due_date, waiting_since = $3
                 WHERE commitment_id = $1 AND due_date = $2 AND status = 'open'
                   AND (prompted_for IS NULL OR prompted_for <> due_date)",
            )
            .bind(id)
            .bind(due.to_string())
            .bind(to_db_time(now))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(parked)
    }

    /// Reminders whose lease ran out before `now` without an outcome (a crash mid-send): marked
    /// unknown (still counted against the caps) and their check-ins parked, never sent twice.
    /// Taking a claim over is settling it here, by one conditional UPDATE per table.
    pub async fn settle_stale_reminders(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE commitments SET waiting_since = $2 WHERE status = 'open' AND reminder_id IN
               (SELECT reminder_id FROM reminder_dms WHERE status = 'sending' AND lease_until < $1)",
        )
        .bind(to_db_time(now))
        .bind(to_db_time(now))
        .execute(&mut *tx)
        .await?;
        let settled = sqlx::query(
            "UPDATE reminder_dms SET status = 'unknown', finished_at = $2, lease_until = NULL
             WHERE status = 'sending' AND lease_until < $1",
        )
        .bind(to_db_time(now))
        .bind(to_db_time(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(settled)
    }
}

#[cfg(test)]
#[path = "reminders/tests.rs"]
mod tests;
