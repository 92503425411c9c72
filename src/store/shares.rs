//! The outbox of anonymous reflection shares: the post of a shared reflection is claimed (with
//! its channel, its nonce and a lease) before it is posted and recorded after, so a crash in
//! between leaves a claim that recovery settles and `/privacy delete` can find. The lease rules
//! are those of every outbox ([`super::lease`]). Deleting the reflection deletes its share row.

use chrono::{DateTime, Utc};

use super::convert::{from_db_time, id_from_db, id_to_db, to_db_time};
use super::lease::{self, held_by, take_over_unfenced_sql, Change, Lease, LeaseOwner};
use super::{Store, StoreResult};

/// A reflection's anonymous copy in a cohort channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SharedPost {
    pub reflection: i64,
    pub channel: u64,
    pub message: u64,
}

/// A share claimed and not yet recorded, with what is needed to post or find it again.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingShare {
    pub reflection_id: i64,
    pub user_id: u64,
    pub channel_id: u64,
    pub nonce: String,
    pub claimed_at: DateTime<Utc>,
    pub lease_until: Option<DateTime<Utc>>,
    /// The reflection's text, still sealed.
    pub sealed_text: Vec<u8>,
}

/// What recording a share's post found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareRecord {
    Recorded,
    /// Another worker took the claim over; it records the post.
    Stale,
    /// The reflection was deleted meanwhile (`/privacy delete`, retention): the post must come
    /// down again.
    Gone,
}

type PendingRow = (i64, i64, i64, String, i64, Option<i64>, Vec<u8>);

fn pending(row: PendingRow) -> PendingShare {
    let (reflection_id, user, channel, nonce, claimed, until, sealed_text) = row;
    PendingShare {
        reflection_id,
        user_id: id_from_db(user),
        channel_id: id_from_db(channel),
        nonce,
        claimed_at: from_db_time(claimed),
        lease_until: until.map(from_db_time),
        sealed_text,
    }
}

const PENDING: &str = "SELECT s.reflection_id, s.user_id, s.channel_id, s.nonce, s.claimed_at, s.lease_until, \
     r.sealed_text FROM reflection_shares s JOIN reflections r USING (reflection_id) WHERE s.status = 'sending'";

/// The nonce of a reflection's anonymous post: one post per reflection, so it is unique.
pub fn share_nonce(reflection: i64) -> String {
    format!("r{reflection}")
}

impl Store {
    /// Claims the anonymous post of a reflection of `user` in `channel`; returns its nonce, or
    /// `None` if the reflection is not theirs or was already shared (a second click).
    pub async fn claim_share(
        &self,
        reflection: i64,
        user: u64,
        channel: u64,
        lease: Lease<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<String>> {
        let nonce = share_nonce(reflection);
        let done = sqlx::query(
            "INSERT INTO reflection_shares (reflection_id, user_id, channel_id, nonce, status, attempts,
                                            lease_owner, lease_until, claimed_at)
             SELECT reflection_id, user_id, $3, $4, 'sending', 1, $5, $6, $7 FROM reflections
             WHERE reflection_id = $1 AND user_id = $2
             ON CONFLICT (reflection_id) DO NOTHING",
        )
        .bind(reflection)
        .bind(id_to_db(user))
        .bind(id_to_db(channel))
        .bind(&nonce)
        .bind(lease.owner.as_str())
        .bind(lease.until_db())
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok((done.rows_affected() == 1).then_some(nonce))
    }

    /// Records where a share's post is, if `owner` still holds the claim.
    pub async fn record_share(
        &self,
        reflection: i64,
        message: u64,
        owner: &LeaseOwner,
        now: DateTime<Utc>,
    ) -> StoreResult<ShareRecord> {
        let done = sqlx::query(concat!(
            "UPDATE reflection_shares SET status = 'sent', message_id = $2, finished_at = $3, lease_until = NULL
             WHERE reflection_id = $1 AND ",
            held_by!("4")
        ))
        .bind(reflection)
        .bind(id_to_db(message))
        .bind(to_db_time(now))
        .bind(owner.as_str())
        .execute(self.writer())
        .await?;
        if done.rows_affected() == 1 {
            return Ok(ShareRecord::Recorded);
        }
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT reflection_id FROM reflections WHERE reflection_id = $1")
                .bind(reflection)
                .fetch_optional(self.pool())
                .await?;
        Ok(match exists {
            Some(_) => ShareRecord::Stale,
            None => ShareRecord::Gone,
        })
    }

    /// Gives a share up (its post failed, or cannot be confirmed), if `owner` still holds the
    /// claim: the reflection is unshared, and its author may try again.
    pub async fn abandon_share(&self, reflection: i64, owner: &LeaseOwner) -> StoreResult<Change> {
        let done = sqlx::query(concat!(
            "DELETE FROM reflection_shares WHERE reflection_id = $1 AND ",
            held_by!("2")
        ))
        .bind(reflection)
        .bind(owner.as_str())
        .execute(self.writer())
        .await?;
        Ok(Change::from_rows(done.rows_affected()))
    }

    /// Ends `owner`'s lease on a share as of `now`, leaving the claim `sending`: its post may have
    /// reached Discord (a timeout hides one that landed), so recovery (or `/privacy delete`)
    /// takes it over at once and settles it, looking in the channel before posting again.
    pub async fn release_share(
        &self,
        reflection: i64,
        owner: &LeaseOwner,
        now: DateTime<Utc>,
    ) -> StoreResult<Change> {
        let done = sqlx::query(concat!(
            "UPDATE reflection_shares SET lease_until = $3 WHERE reflection_id = $1 AND ",
            held_by!("2")
        ))
        .bind(reflection)
        .bind(owner.as_str())
        .bind(to_db_time(now) - 1)
        .execute(self.writer())
        .await?;
        Ok(Change::from_rows(done.rows_affected()))
    }

    /// Takes over a share claim whose lease ran out before `now`: true for the one that won.
    pub async fn take_over_share(
        &self,
        reflection: i64,
        lease: Lease<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let sql = take_over_unfenced_sql!("reflection_shares", "reflection_id");
        lease::take_over(self, sql, reflection, lease, now).await
    }

    /// Share claims whose lease ran out before `now` (their holder crashed mid-post).
    pub async fn stuck_shares(&self, now: DateTime<Utc>) -> StoreResult<Vec<PendingShare>> {
        let rows: Vec<PendingRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{PENDING} AND s.lease_until < $1 ORDER BY s.reflection_id"
        )))
        .bind(to_db_time(now))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(pending).collect())
    }

    /// `user`'s shares still being posted (or left so by a crash).
    pub async fn pending_shares_of(&self, user: u64) -> StoreResult<Vec<PendingShare>> {
        let rows: Vec<PendingRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{PENDING} AND s.user_id = $1 ORDER BY s.reflection_id"
        )))
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(pending).collect())
    }

    /// The first of `candidates` (message ids) that no share has recorded as its post: a post
    /// found by its text may be someone else's share of the same words.
    pub async fn first_unrecorded_share_post(
        &self,
        candidates: &[u64],
    ) -> StoreResult<Option<u64>> {
        if candidates.is_empty() {
            return Ok(None);
        }
        let ids: Vec<i64> = candidates.iter().map(|m| id_to_db(*m)).collect();
        let ids = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".to_owned());
        // Only the constant subquery is joined here; values are bound.
        let recorded: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT message_id FROM reflection_shares WHERE message_id IN ({})",
            self.backend().json_integers("$1")
        )))
        .bind(ids)
        .fetch_all(self.pool())
        .await?;
        Ok(candidates
            .iter()
            .copied()
            .find(|m| !recorded.contains(&id_to_db(*m))))
    }

    /// The anonymous posts of `user`'s reflections.
    pub async fn shared_posts_of(&self, user: u64) -> StoreResult<Vec<SharedPost>> {
        self.shared_posts("s.user_id = $1", id_to_db(user)).await
    }

    /// The anonymous posts of reflections written before `cutoff`.
    pub async fn shared_posts_before(&self, cutoff: DateTime<Utc>) -> StoreResult<Vec<SharedPost>> {
        self.shared_posts("r.created_at < $1", to_db_time(cutoff))
            .await
    }

    async fn shared_posts(
        &self,
        condition: &'static str,
        value: i64,
    ) -> StoreResult<Vec<SharedPost>> {
        // `condition` is one of the constant clauses above; the value is bound.
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT s.reflection_id, s.channel_id, s.message_id FROM reflection_shares s
             JOIN reflections r USING (reflection_id) WHERE {condition} AND s.status = 'sent'"
        ));
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(sql)
            .bind(value)
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(reflection, channel, message)| SharedPost {
                reflection,
                channel: id_from_db(channel),
                message: id_from_db(message),
            })
            .collect())
    }
}
