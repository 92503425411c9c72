//! A cohort's collaborative action plan: the plan (open, then published), its proposals (texts
//! sealed by the caller), one changeable vote per person and proposal, and the owners who
//! volunteered. Publishing is one conditional UPDATE (open -> published), so it happens once.
//! The published plan's message is an outbox of its own (`plan_posts.rs`).

use chrono::{DateTime, NaiveDate, Utc};

use super::convert::{from_db_time, id_from_db, id_to_db, parse_date, to_db_time};
use super::sealed::{SealResult, SealedColumn, SealedField, PLAN_OWNER, UNSEALED};
use super::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanState {
    Open,
    Published,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredPlan {
    pub id: i64,
    pub cohort_id: i64,
    pub state: PlanState,
    pub opened_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub version: i64,
}

/// An action's status, from its owners' check-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActionStatus {
    Planned,
    /// The first step was taken.
    Tried,
    NotYet,
    Blocked,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Planned => "planned",
            ActionStatus::Tried => "tried",
            ActionStatus::NotYet => "not_yet",
            ActionStatus::Blocked => "blocked",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            ActionStatus::Planned,
            ActionStatus::Tried,
            ActionStatus::NotYet,
            ActionStatus::Blocked,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub id: i64,
    pub plan_id: i64,
    pub number: u32,
    pub user_id: Option<u64>,
    pub sealed_text: Vec<u8>,
    pub name_sealed: Option<Vec<u8>>,
    pub target_date: NaiveDate,
    pub channel_id: Option<u64>,
    pub message_id: Option<u64>,
    pub rank: Option<u32>,
    pub status: ActionStatus,
    pub removed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Owner {
    pub id: i64,
    pub proposal_id: i64,
    pub user_id: u64,
    pub name_sealed: Option<Vec<u8>>,
    pub commitment_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteChoice {
    Support,
    NotNow,
}

impl VoteChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            VoteChoice::Support => "support",
            VoteChoice::NotNow => "not_now",
        }
    }
}

/// What a vote did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteOutcome {
    New,
    Changed,
    Unchanged,
}

/// A proposal's votes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub support: u32,
    pub not_now: u32,
}

impl Tally {
    pub fn voters(&self) -> u32 {
        self.support + self.not_now
    }
}

type ProposalRow = (
    i64,
    i64,
    i64,
    Option<i64>,
    Vec<u8>,
    Option<Vec<u8>>,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
    Option<i64>,
);

const PROPOSAL: &str =
    "SELECT proposal_id, plan_id, number, user_id, sealed_text, name_sealed, target_date, \
     channel_id, message_id, rank, status, removed_at FROM plan_proposals";

fn proposal(row: ProposalRow) -> StoreResult<Proposal> {
    let (id, plan, number, user, text, name, date, channel, message, rank, status, removed) = row;
    let corrupt = |what: &str| StoreError::Corrupt(format!("proposal {id}: {what}"));
    Ok(Proposal {
        id,
        plan_id: plan,
        number: u32::try_from(number).map_err(|_| corrupt("number"))?,
        user_id: user.map(id_from_db),
        sealed_text: text,
        name_sealed: name,
        target_date: parse_date(&date).ok_or_else(|| corrupt("target_date"))?,
        channel_id: channel.map(id_from_db),
        message_id: message.map(id_from_db),
        rank: rank.and_then(|r| u32::try_from(r).ok()),
        status: ActionStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
        removed: removed.is_some(),
    })
}

type PlanRow = (i64, i64, String, i64, Option<i64>, i64);
/// owner_id, proposal_id, user_id, name_sealed, commitment_id
type OwnerRow = (i64, i64, i64, Option<Vec<u8>>, Option<i64>);
/// number, cohort name, owner_id, proposal_id, name_sealed, commitment_id
type OwnershipRow = (i64, String, i64, i64, Option<Vec<u8>>, Option<i64>);

fn plan(row: PlanRow) -> StoreResult<StoredPlan> {
    let (id, cohort, state, opened, published, version) = row;
    let state = match state.as_str() {
        "open" => PlanState::Open,
        "published" => PlanState::Published,
        _ => return Err(StoreError::Corrupt(format!("plan {id}: state"))),
    };
    Ok(StoredPlan {
        id,
        cohort_id: cohort,
        state,
        opened_at: from_db_time(opened),
        published_at: published.map(from_db_time),
        version,
    })
}

const PLAN: &str = "SELECT plan_id, cohort_id, state, opened_at, published_at, version FROM plans";

/// A new proposal's parts that are not sealed.
#[derive(Debug, Clone, Copy)]
pub struct NewProposal {
    pub plan_id: i64,
    pub user_id: u64,
    pub target_date: NaiveDate,
    pub named: bool,
}

impl Store {
    /// Opens `cohort`'s plan, if it has none. Returns the plan and whether it was just opened.
    pub async fn open_plan(
        &self,
        cohort: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<(StoredPlan, bool)> {
        let opened = sqlx::query(
            "INSERT INTO plans (cohort_id, state, opened_at) VALUES ($1, 'open', $2)
             ON CONFLICT (cohort_id) DO NOTHING",
        )
        .bind(cohort)
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?
        .rows_affected()
            == 1;
        let found = self
            .plan_of(cohort)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("cohort {cohort}: plan")))?;
        Ok((found, opened))
    }

    pub async fn plan_of(&self, cohort: i64) -> StoreResult<Option<StoredPlan>> {
        let row: Option<PlanRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{PLAN} WHERE cohort_id = $1")))
                .bind(cohort)
                .fetch_optional(self.pool())
                .await?;
        row.map(plan).transpose()
    }

    pub async fn plan(&self, id: i64) -> StoreResult<Option<StoredPlan>> {
        let row: Option<PlanRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{PLAN} WHERE plan_id = $1")))
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        row.map(plan).transpose()
    }

    /// Adds a proposal to an open plan, its texts (and the name, if `named`) sealed for its
    /// row. `None` when the plan is not open any more.
    pub async fn add_proposal(
        &self,
        new: NewProposal,
        seal: impl Fn(&SealedField) -> SealResult,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Proposal>> {
        let mut tx = self.begin_write().await?;
        let open: Option<i64> =
            sqlx::query_scalar("SELECT plan_id FROM plans WHERE plan_id = $1 AND state = 'open'")
                .bind(new.plan_id)
                .fetch_optional(&mut *tx)
                .await?;
        if open.is_none() {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plan_proposals (plan_id, number, user_id, sealed_text, target_date, created_at)
             VALUES ($1, (SELECT COALESCE(MAX(number), 0) + 1 FROM plan_proposals WHERE plan_id = $1),
                     $2, $5, $3, $4)
             RETURNING proposal_id",
        )
        .bind(new.plan_id)
        .bind(id_to_db(new.user_id))
        .bind(new.target_date.to_string())
        .bind(to_db_time(now))
        .bind(UNSEALED)
        .fetch_one(&mut *tx)
        .await?;
        let mut fields = vec![SealedField {
            column: SealedColumn::ProposalText,
            row: id,
            owner: PLAN_OWNER,
        }];
        if new.named {
            fields.push(SealedField {
                column: SealedColumn::ProposalName,
                row: id,
                owner: new.user_id,
            });
        }
        for field in fields {
            sqlx::query(field.column.update_one())
                .bind(id)
                .bind(seal(&field).map_err(StoreError::Seal)?)
                .execute(&mut *tx)
                .await?;
        }
        let row: ProposalRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{PROPOSAL} WHERE proposal_id = $1"
        )))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        proposal(row).map(Some)
    }

    pub async fn proposal(&self, id: i64) -> StoreResult<Option<Proposal>> {
        let row: Option<ProposalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{PROPOSAL} WHERE proposal_id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(proposal).transpose()
    }

    pub async fn proposal_numbered(&self, plan: i64, number: u32) -> StoreResult<Option<Proposal>> {
        let row: Option<ProposalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{PROPOSAL} WHERE plan_id = $1 AND number = $2"
        )))
        .bind(plan)
        .bind(i64::from(number))
        .fetch_optional(self.pool())
        .await?;
        row.map(proposal).transpose()
    }

    /// Every proposal of a plan, removed ones included, by number.
    pub async fn proposals(&self, plan: i64) -> StoreResult<Vec<Proposal>> {
        let rows: Vec<ProposalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{PROPOSAL} WHERE plan_id = $1 ORDER BY number"
        )))
        .bind(plan)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(proposal).collect()
    }

    /// The proposals `user` made (the export; the delete's edits of named posts).
    pub async fn proposals_by(&self, user: u64) -> StoreResult<Vec<Proposal>> {
        let rows: Vec<ProposalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{PROPOSAL} WHERE user_id = $1 ORDER BY proposal_id"
        )))
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(proposal).collect()
    }

    pub async fn set_proposal_post(&self, id: i64, channel: u64, message: u64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE plan_proposals SET channel_id = $2, message_id = $3 WHERE proposal_id = $1",
        )
        .bind(id)
        .bind(id_to_db(channel))
        .bind(id_to_db(message))
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Removes a proposal (an admin's moderation): it takes no more votes or owners and leaves
    /// the published plan. False if it was removed already.
    pub async fn remove_proposal(&self, id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE plan_proposals SET removed_at = $2, rank = NULL WHERE proposal_id = $1 AND removed_at IS NULL",
        )
        .bind(id)
        .bind(to_db_time(now))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            bump_version_of_proposal(&mut tx, id).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records or changes `user`'s vote on a proposal of an open plan.
    pub async fn vote(
        &self,
        proposal: i64,
        user: u64,
        choice: VoteChoice,
        now: DateTime<Utc>,
    ) -> StoreResult<VoteOutcome> {
        let mut tx = self.begin_write().await?;
        let before: Option<String> = sqlx::query_scalar(
            "SELECT choice FROM plan_votes WHERE proposal_id = $1 AND user_id = $2",
        )
        .bind(proposal)
        .bind(id_to_db(user))
        .fetch_optional(&mut *tx)
        .await?;
        let outcome = match before.as_deref() {
            None => VoteOutcome::New,
            Some(c) if c == choice.as_str() => VoteOutcome::Unchanged,
            Some(_) => VoteOutcome::Changed,
        };
        sqlx::query(
            "INSERT INTO plan_votes (proposal_id, user_id, choice, voted_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (proposal_id, user_id) DO UPDATE SET choice = excluded.choice, voted_at = excluded.voted_at",
        )
        .bind(proposal)
        .bind(id_to_db(user))
        .bind(choice.as_str())
        .bind(to_db_time(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    pub async fn tally(&self, proposal: i64) -> StoreResult<Tally> {
        let (support, not_now): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN choice = 'support' THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN choice = 'not_now' THEN 1 ELSE 0 END), 0)
             FROM plan_votes WHERE proposal_id = $1",
        )
        .bind(proposal)
        .fetch_one(self.pool())
        .await?;
        Ok(Tally {
            support: u32::try_from(support).unwrap_or(0),
            not_now: u32::try_from(not_now).unwrap_or(0),
        })
    }

    /// `user`'s votes: (proposal number, cohort name, choice), for the export.
    pub async fn votes_by(&self, user: u64) -> StoreResult<Vec<(u32, String, String)>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT p.number, c.name, v.choice FROM plan_votes v
             JOIN plan_proposals p USING (proposal_id) JOIN plans pl USING (plan_id)
             JOIN cohorts c ON c.cohort_id = pl.cohort_id
             WHERE v.user_id = $1 ORDER BY v.voted_at",
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(n, cohort, choice)| (u32::try_from(n).unwrap_or(0), cohort, choice))
            .collect())
    }

    /// `user` volunteers to own a proposal, named (with the sealed name) or not. Returns the
    /// owner row, or `None` when they already own it.
    pub async fn volunteer(
        &self,
        proposal: i64,
        user: u64,
        seal_name: Option<impl Fn(&SealedField) -> SealResult>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO plan_owners (proposal_id, user_id, volunteered_at) VALUES ($1, $2, $3)
             ON CONFLICT (proposal_id, user_id) DO NOTHING RETURNING owner_id",
        )
        .bind(proposal)
        .bind(id_to_db(user))
        .bind(to_db_time(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            return Ok(None);
        };
        if let Some(seal) = seal_name {
            let field = SealedField {
                column: SealedColumn::OwnerName,
                row: id,
                owner: user,
            };
            sqlx::query(field.column.update_one())
                .bind(id)
                .bind(seal(&field).map_err(StoreError::Seal)?)
                .execute(&mut *tx)
                .await?;
        }
        bump_version_of_proposal(&mut tx, proposal).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    pub async fn owners(&self, proposal: i64) -> StoreResult<Vec<Owner>> {
        let rows: Vec<OwnerRow> = sqlx::query_as(
            "SELECT owner_id, proposal_id, user_id, name_sealed, commitment_id FROM plan_owners
             WHERE proposal_id = $1 ORDER BY owner_id",
        )
        .bind(proposal)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, proposal_id, user, name, commitment)| Owner {
                id,
                proposal_id,
                user_id: id_from_db(user),
                name_sealed: name,
                commitment_id: commitment,
            })
            .collect())
    }

    /// `user`'s ownerships: (proposal number, cohort name, the ownership), for the export.
    pub async fn ownerships_of(&self, user: u64) -> StoreResult<Vec<(u32, String, Owner)>> {
        let rows: Vec<OwnershipRow> = sqlx::query_as(
            "SELECT p.number, c.name, o.owner_id, o.proposal_id, o.name_sealed, o.commitment_id
             FROM plan_owners o JOIN plan_proposals p USING (proposal_id) JOIN plans pl USING (plan_id)
             JOIN cohorts c ON c.cohort_id = pl.cohort_id
             WHERE o.user_id = $1 ORDER BY o.owner_id",
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(number, cohort, id, proposal_id, name, commitment)| {
                (
                    u32::try_from(number).unwrap_or(0),
                    cohort,
                    Owner {
                        id,
                        proposal_id,
                        user_id: user,
                        name_sealed: name,
                        commitment_id: commitment,
                    },
                )
            })
            .collect())
    }

    pub async fn set_owner_commitment(&self, owner: i64, commitment: i64) -> StoreResult<()> {
        sqlx::query("UPDATE plan_owners SET commitment_id = $2 WHERE owner_id = $1")
            .bind(owner)
            .bind(commitment)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// The proposal whose owner's check-in is the commitment `commitment`, if any.
    pub async fn proposal_of_commitment(&self, commitment: i64) -> StoreResult<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT proposal_id FROM plan_owners WHERE commitment_id = $1")
                .bind(commitment)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Freezes an open plan: its top `max` proposals with support (most support first, then
    /// fewest "not now", then the earliest) become its actions, in order. One conditional
    /// UPDATE decides, so a plan is published once. `None` if it was not open.
    pub async fn publish_plan(
        &self,
        plan: i64,
        max: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Vec<i64>>> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE plans SET state = 'published', published_at = $2, version = version + 1
             WHERE plan_id = $1 AND state = 'open'",
        )
        .bind(plan)
        .bind(to_db_time(now))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        let ranked: Vec<i64> = sqlx::query_scalar(
            "SELECT p.proposal_id FROM plan_proposals p
             LEFT JOIN plan_votes v USING (proposal_id)
             WHERE p.plan_id = $1 AND p.removed_at IS NULL
             GROUP BY p.proposal_id
             HAVING COALESCE(SUM(CASE WHEN v.choice = 'support' THEN 1 ELSE 0 END), 0) > 0
             ORDER BY SUM(CASE WHEN v.choice = 'support' THEN 1 ELSE 0 END) DESC,
                      SUM(CASE WHEN v.choice = 'not_now' THEN 1 ELSE 0 END) ASC, p.number ASC
             LIMIT $2",
        )
        .bind(plan)
        .bind(i64::from(max))
        .fetch_all(&mut *tx)
        .await?;
        for (index, id) in ranked.iter().enumerate() {
            sqlx::query("UPDATE plan_proposals SET rank = $2 WHERE proposal_id = $1")
                .bind(id)
                .bind(i64::try_from(index + 1).unwrap_or(i64::MAX))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(ranked))
    }

    /// Sets an action's status from an owner's check-in; the plan's message is edited after.
    pub async fn set_action_status(
        &self,
        proposal: i64,
        status: ActionStatus,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE plan_proposals SET status = $2, status_at = $3 WHERE proposal_id = $1")
            .bind(proposal)
            .bind(status.as_str())
            .bind(to_db_time(now))
            .execute(&mut *tx)
            .await?;
        bump_version_of_proposal(&mut tx, proposal).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A cohort's published actions by status (for summaries): (status, actions, actions
    /// without an owner).
    pub async fn action_counts(&self, cohort: i64) -> StoreResult<Vec<(ActionStatus, u32, u32)>> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT p.status, COUNT(*),
                    SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM plan_owners o
                                              WHERE o.proposal_id = p.proposal_id)
                        THEN 1 ELSE 0 END)
             FROM plan_proposals p JOIN plans pl USING (plan_id)
             WHERE pl.cohort_id = $1 AND pl.state = 'published' AND p.rank IS NOT NULL
             GROUP BY p.status",
        )
        .bind(cohort)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(status, n, unowned)| {
                Some((
                    ActionStatus::parse(&status)?,
                    u32::try_from(n).ok()?,
                    u32::try_from(unowned).ok()?,
                ))
            })
            .collect())
    }
}

/// The plan of `proposal` shows something new: its message is edited after.
async fn bump_version_of_proposal(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    proposal: i64,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE plans SET version = version + 1
         WHERE plan_id = (SELECT plan_id FROM plan_proposals WHERE proposal_id = $1)",
    )
    .bind(proposal)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
