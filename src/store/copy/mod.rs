//! `allybot copy-data`: a whole database moved between SQLite and PostgreSQL (either way, or
//! SQLite to SQLite), for the move to PostgreSQL of issue 14 (docs/OPERATIONS.md, "Moving to
//! PostgreSQL").
//!
//! The steps, each a refusal point that leaves the target as it was: both sides at this
//! version's migration (the target is migrated first if it is new), the two schemas the same
//! (the parity comparison of `store::schema`), the target empty. Then every table in
//! foreign-key order in one transaction on the target, read from one consistent snapshot of
//! the source; the identity sequences set past the highest id ever issued; the row counts per
//! table compared before the commit (a difference rolls everything back) and once more after.
//!
//! "Empty" means: no table holds rows other than those a freshly migrated database holds
//! (today the `data_key` row migration 0008 inserts). Those rows are replaced by the source's.
//!
//! Values are read and bound by the column's type class (integer, text, bytes, real, boolean;
//! NULLs with the column's type), so sealed texts go across byte for byte. The data key file is
//! not in the database: the same `privacy.data_key_file` must be used after the move.

mod checks;
mod endpoint;
mod order;
#[cfg(test)]
mod tests;
mod transaction;
mod url;
mod value;

pub use crate::store::Backend;
pub use url::redacted;

use checks::{
    check_source_version, compare_counts, fresh_rows, prepare_target, refuse_unless_empty,
};
use endpoint::Endpoint;

use super::schema;
use super::LockError;

/// Why a copy did not happen (or did not verify).
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// A URL that names no database allybot can use: bad usage (exit 2).
    #[error("{flag}: {problem}")]
    Url { flag: &'static str, problem: String },
    #[error("{0}")]
    Lock(#[from] LockError),
    /// The databases are not in a state a copy can start from; nothing was changed.
    #[error("{0}")]
    Refused(String),
    /// The counts after the copy do not match the source's.
    #[error("row counts differ after the copy ({0}); nothing was committed")]
    CountsDiffer(String),
    #[error("row counts differ after the commit ({0}): the target is not a faithful copy; empty it before trying again")]
    CountsDifferAfterCommit(String),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Store(#[from] super::StoreError),
}

/// One table's rows as copied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopiedTable {
    pub name: String,
    pub rows: u64,
}

#[derive(Clone, Debug)]
pub struct CopyReport {
    /// The migration version both databases are at.
    pub version: i64,
    /// Every table, in the order copied (foreign-key order).
    pub tables: Vec<CopiedTable>,
}

impl CopyReport {
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// The migration version this allybot builds (the same number in both migration folders).
fn current_version() -> i64 {
    super::MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Copies the database at `from` into the empty (or new) database at `to`. Both are closed
/// (and a SQLite file's lock released) before this returns, whatever the outcome.
pub async fn copy_database(from: &str, to: &str) -> Result<CopyReport, CopyError> {
    if from == to {
        return Err(CopyError::Url {
            flag: "--to",
            problem: "names the same database as --from".into(),
        });
    }
    let source = Endpoint::open_source(from).await?;
    let target = Endpoint::open_target(to).await?;
    let copied = copy_between(&source, &target).await;
    source.close().await;
    target.close().await;
    copied
}

async fn copy_between(source: &Endpoint, target: &Endpoint) -> Result<CopyReport, CopyError> {
    let version = current_version();
    check_source_version(source, version).await?;
    prepare_target(target, version).await?;

    let schema = source.describe().await?;
    let differences = schema::differences(
        (source.backend().label(), &schema),
        (target.backend().label(), &target.describe().await?),
    );
    if !differences.is_empty() {
        return Err(CopyError::Refused(format!(
            "the two schemas differ, so rows could not be copied faithfully: {}",
            differences.join("; ")
        )));
    }
    for (name, table) in &schema.tables {
        if let Some(problem) = table
            .columns
            .iter()
            .find_map(|c| value::unsupported(name, c))
        {
            return Err(CopyError::Refused(format!("cannot copy {problem}")));
        }
    }
    let order = order::by_foreign_keys(&schema).map_err(CopyError::Refused)?;
    let fresh = fresh_rows(&schema).await?;

    let mut read = source.begin_read().await?;
    let mut write = target.begin_write().await?;
    refuse_unless_empty(&mut write, &schema, &order, &fresh).await?;
    // The rows migrations put in (the data_key row) give way to the source's.
    for name in order.iter().rev().filter(|n| !fresh[*n].is_empty()) {
        write.delete_all(name).await?;
    }
    let mut tables = Vec::with_capacity(order.len());
    for name in &order {
        let table = &schema.tables[name];
        let rows = read.copy_table_into(&mut write, name, table).await?;
        if let Some(id) = table.columns.iter().find(|c| c.generated) {
            let high_water = read.id_high_water(name, &id.name).await?;
            write.set_id_high_water(name, &id.name, high_water).await?;
        }
        tables.push(CopiedTable {
            name: name.clone(),
            rows,
        });
    }
    let before_commit = compare_counts(&mut read, &mut write, &order).await?;
    if !before_commit.is_empty() {
        return Err(CopyError::CountsDiffer(before_commit.join(", ")));
    }
    write.commit().await?;
    // Once more, on a new transaction: what the target holds now it has committed.
    let mut committed = target.begin_read().await?;
    let after_commit = compare_counts(&mut read, &mut committed, &order).await?;
    if !after_commit.is_empty() {
        return Err(CopyError::CountsDifferAfterCommit(after_commit.join(", ")));
    }
    Ok(CopyReport { version, tables })
}
