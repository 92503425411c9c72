//! Where sealed texts live, and what each is bound to. Every value in a sealed column is sealed
//! with associated data naming its table, column, row and owner ([`SealedField::context`]), so
//! someone who can write the database cannot swap a commitment's "when" and "will", move a text
//! to another row of the same person, or to another person: it would no longer open.
//!
//! The store never sees what people wrote. Writing a sealed value goes through a sealing
//! function the caller passes in: the store calls it once the row id is known, inside the
//! transaction that writes the row. Re-sealing (the format upgrade after migration 0008, and
//! `allybot key rotate`) goes through [`Store::reseal_all`], one transaction for everything.
//!
//! A new sealed column must be added to [`SealedColumn`], or rotation would leave it behind.

use chrono::{DateTime, Utc};

use super::convert::{id_from_db, to_db_time};
use super::{Backend, Store, StoreError, StoreResult};

/// What a sealing function returns: the sealed bytes, or why it could not seal.
pub type SealResult = Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>>;

/// A column that holds sealed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SealedColumn {
    ReflectionText,
    CommitmentWhen,
    CommitmentWill,
    CheckinNote,
    /// A proposal's texts (what, who it helps, first step), bound to owner 0: the proposal
    /// belongs to the cohort's plan and stays when its author deletes their data.
    ProposalText,
    /// The name a proposer chose to show.
    ProposalName,
    /// The name an action's owner chose to show.
    OwnerName,
    /// The name on a certificate.
    CertificateName,
}

/// The owner a proposal's text is bound to: the plan, not a person.
pub const PLAN_OWNER: u64 = 0;

impl SealedColumn {
    pub const ALL: [SealedColumn; 8] = [
        SealedColumn::ReflectionText,
        SealedColumn::CommitmentWhen,
        SealedColumn::CommitmentWill,
        SealedColumn::CheckinNote,
        SealedColumn::ProposalText,
        SealedColumn::ProposalName,
        SealedColumn::OwnerName,
        SealedColumn::CertificateName,
    ];

    /// `table.column`, as bound into every value.
    pub fn name(self) -> &'static str {
        match self {
            SealedColumn::ReflectionText => "reflections.sealed_text",
            SealedColumn::CommitmentWhen => "commitments.when_sealed",
            SealedColumn::CommitmentWill => "commitments.will_sealed",
            SealedColumn::CheckinNote => "checkin_answers.note_sealed",
            SealedColumn::ProposalText => "plan_proposals.sealed_text",
            SealedColumn::ProposalName => "plan_proposals.name_sealed",
            SealedColumn::OwnerName => "plan_owners.name_sealed",
            SealedColumn::CertificateName => "completions.name_sealed",
        }
    }

    /// What values sealed before migration 0008 were bound to: a kind and the owner.
    fn legacy_kind(self) -> &'static str {
        match self {
            SealedColumn::ReflectionText => "reflection",
            SealedColumn::CommitmentWhen | SealedColumn::CommitmentWill => "commitment",
            SealedColumn::CheckinNote => "checkin-note",
            // Sealed after migration 0008 only: never in the legacy format.
            SealedColumn::ProposalText => "proposal",
            SealedColumn::ProposalName => "proposal-name",
            SealedColumn::OwnerName => "owner-name",
            SealedColumn::CertificateName => "certificate-name",
        }
    }

    /// Every value of the column: row id, owner, sealed bytes.
    fn select_all(self) -> &'static str {
        match self {
            SealedColumn::ReflectionText => {
                "SELECT reflection_id, user_id, sealed_text FROM reflections"
            }
            SealedColumn::CommitmentWhen => {
                "SELECT commitment_id, user_id, when_sealed FROM commitments"
            }
            SealedColumn::CommitmentWill => {
                "SELECT commitment_id, user_id, will_sealed FROM commitments"
            }
            SealedColumn::CheckinNote => {
                "SELECT answer_id, user_id, note_sealed FROM checkin_answers WHERE note_sealed IS NOT NULL"
            }
            SealedColumn::ProposalText => {
                "SELECT proposal_id, 0, sealed_text FROM plan_proposals"
            }
            SealedColumn::ProposalName => {
                "SELECT proposal_id, user_id, name_sealed FROM plan_proposals WHERE name_sealed IS NOT NULL AND user_id IS NOT NULL"
            }
            SealedColumn::OwnerName => {
                "SELECT owner_id, user_id, name_sealed FROM plan_owners WHERE name_sealed IS NOT NULL"
            }
            SealedColumn::CertificateName => {
                "SELECT completion_id, user_id, name_sealed FROM completions WHERE name_sealed IS NOT NULL"
            }
        }
    }

    /// Replaces one value: $1 the row id, $2 the sealed bytes.
    pub(crate) fn update_one(self) -> &'static str {
        match self {
            SealedColumn::ReflectionText => {
                "UPDATE reflections SET sealed_text = $2 WHERE reflection_id = $1"
            }
            SealedColumn::CommitmentWhen => {
                "UPDATE commitments SET when_sealed = $2 WHERE commitment_id = $1"
            }
            SealedColumn::CommitmentWill => {
                "UPDATE commitments SET will_sealed = $2 WHERE commitment_id = $1"
            }
            SealedColumn::CheckinNote => {
                "UPDATE checkin_answers SET note_sealed = $2 WHERE answer_id = $1"
            }
            SealedColumn::ProposalText => {
                "UPDATE plan_proposals SET sealed_text = $2 WHERE proposal_id = $1"
            }
            SealedColumn::ProposalName => {
                "UPDATE plan_proposals SET name_sealed = $2 WHERE proposal_id = $1"
            }
            SealedColumn::OwnerName => {
                "UPDATE plan_owners SET name_sealed = $2 WHERE owner_id = $1"
            }
            SealedColumn::CertificateName => {
                "UPDATE completions SET name_sealed = $2 WHERE completion_id = $1"
            }
        }
    }
}

/// The place of one sealed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedField {
    pub column: SealedColumn,
    pub row: i64,
    pub owner: u64,
}

impl SealedField {
    /// The associated data the value is sealed with.
    pub fn context(&self) -> String {
        format!(
            "allybot/2|{}|{}|{}",
            self.column.name(),
            self.row,
            self.owner
        )
    }

    /// The associated data of a value sealed before migration 0008 (format 1).
    pub fn legacy_context(&self) -> String {
        format!("{}:{}", self.column.legacy_kind(), self.owner)
    }
}

/// A sealed value as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedValue {
    pub field: SealedField,
    pub sealed: Vec<u8>,
}

/// Which data key the database's texts are sealed under, and in which format (migration 0008).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataKeyRecord {
    /// `None` until a bot first started with a key on this database.
    pub key_id: Option<String>,
    /// 1: values carry no key id and are bound to kind and owner only; 2: the current format.
    pub format: u8,
}

pub const CURRENT_FORMAT: u8 = 2;

impl Store {
    pub async fn data_key(&self) -> StoreResult<DataKeyRecord> {
        let (key_id, format): (Option<String>, i64) =
            sqlx::query_as("SELECT key_id, format FROM data_key WHERE id = 1")
                .fetch_one(self.pool())
                .await?;
        Ok(DataKeyRecord {
            key_id,
            format: u8::try_from(format).unwrap_or(0),
        })
    }

    /// Re-seals every sealed value in one transaction, then records `key_id` and the current
    /// format: all of it happens, or none. `reseal` gets each value and returns its new bytes,
    /// or `None` to leave it as it is (already under the new key, after an interrupted
    /// rotation). Returns how many values changed.
    pub async fn reseal_all(
        &self,
        key_id: &str,
        now: DateTime<Utc>,
        mut reseal: impl FnMut(&SealedValue) -> Result<Option<Vec<u8>>, SealError>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let mut changed = 0;
        for column in SealedColumn::ALL {
            let rows: Vec<(i64, i64, Vec<u8>)> = sqlx::query_as(column.select_all())
                .fetch_all(&mut *tx)
                .await?;
            for (row, owner, sealed) in rows {
                let value = SealedValue {
                    field: SealedField {
                        column,
                        row,
                        owner: id_from_db(owner),
                    },
                    sealed,
                };
                let Some(resealed) = reseal(&value).map_err(StoreError::Seal)? else {
                    continue;
                };
                sqlx::query(column.update_one())
                    .bind(row)
                    .bind(resealed)
                    .execute(&mut *tx)
                    .await?;
                changed += 1;
            }
        }
        sqlx::query("UPDATE data_key SET key_id = $1, format = $2, changed_at = $3 WHERE id = 1")
            .bind(key_id)
            .bind(i64::from(CURRENT_FORMAT))
            .bind(to_db_time(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// Writes every commit through to the database file and syncs it (a full checkpoint): with
    /// synchronous=NORMAL a commit in WAL mode reaches the disk only at the next checkpoint, so
    /// a power cut could lose a re-seal after the caller moved key files on. False if another
    /// connection kept the checkpoint from finishing.
    /// PostgreSQL's commits are durable when they return (`synchronous_commit`): always true.
    pub async fn write_through(&self) -> StoreResult<bool> {
        if self.backend() == Backend::Postgres {
            return Ok(true);
        }
        let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(FULL)")
            .fetch_one(self.pool())
            .await?;
        Ok(busy == 0)
    }

    /// Whether any column holds a sealed text.
    pub async fn has_sealed_texts(&self) -> StoreResult<bool> {
        let found: i64 = sqlx::query_scalar(
            "SELECT CAST(EXISTS (SELECT 1 FROM reflections)
                 OR EXISTS (SELECT 1 FROM commitments)
                 OR EXISTS (SELECT 1 FROM checkin_answers WHERE note_sealed IS NOT NULL)
                 AS INTEGER)",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(found != 0)
    }
}

/// What a sealed column holds between its row's insert and the sealing of its text, in the same
/// transaction (the seal's associated data names the row id, known only after the insert).
/// Bound, not written as a literal: SQLite's `x''` is a bit string on PostgreSQL.
pub(crate) const UNSEALED: &[u8] = &[];

/// Why a value could not be sealed or re-sealed.
pub type SealError = Box<dyn std::error::Error + Send + Sync>;
