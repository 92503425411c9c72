//! The refusal points of a copy (versions, an empty target) and its count check. Each of
//! them leaves the target as it was when it refuses.

use std::collections::BTreeMap;

use sqlx::sqlite::SqlitePoolOptions;

use super::endpoint::Endpoint;
use super::transaction::Tx;
use super::value::Value;
use super::CopyError;
use crate::store::schema::Schema;

pub(super) async fn check_source_version(source: &Endpoint, version: i64) -> Result<(), CopyError> {
    match source.version().await? {
        None => Err(CopyError::Refused(
            "the source has no allybot migrations applied: is --from an allybot database?".into(),
        )),
        Some(found) if found < version => Err(CopyError::Refused(format!(
            "the source is at migration {found}, this allybot at {version}: run `allybot migrate` on it first (with the bot stopped)"
        ))),
        Some(found) if found > version => Err(CopyError::Refused(format!(
            "the source is at migration {found}, newer than this allybot ({version}): use the allybot version that wrote it"
        ))),
        Some(_) => Ok(()),
    }
}

/// Migrates a new target; leaves any other target untouched unless it is an allybot database
/// at this very version already (then migrating changes nothing).
pub(super) async fn prepare_target(target: &Endpoint, version: i64) -> Result<(), CopyError> {
    match target.version().await? {
        None if target.table_count().await? > 0 => {
            return Err(CopyError::Refused(
                "the target holds tables that are not allybot's: give copy-data a new database (or schema)".into(),
            ))
        }
        Some(found) if found != version => {
            return Err(CopyError::Refused(format!(
                "the target is at migration {found}, this allybot at {version}: give copy-data a new, empty database"
            )))
        }
        _ => {}
    }
    target.migrate().await?;
    match target.version().await? {
        Some(found) if found == version => Ok(()),
        found => Err(CopyError::Refused(format!(
            "the target is at migration {} after migrating, the source at {version}",
            found.unwrap_or(0)
        ))),
    }
}

/// What a freshly migrated database holds, table by table: a migrated in-memory SQLite
/// database read the same way (both migration folders insert the same rows; the parity of
/// the schemas is checked, and the rows by the copy tests).
pub(super) async fn fresh_rows(
    schema: &Schema,
) -> Result<BTreeMap<String, Vec<Vec<Value>>>, CopyError> {
    // One connection: each connection to `sqlite::memory:` is a database of its own.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await?;
    crate::store::MIGRATOR.run(&pool).await?;
    let mut tx = Tx::Sqlite(pool.begin().await?);
    let mut fresh = BTreeMap::new();
    for (name, table) in &schema.tables {
        fresh.insert(name.clone(), tx.rows(name, table).await?);
    }
    drop(tx);
    pool.close().await;
    Ok(fresh)
}

pub(super) async fn refuse_unless_empty(
    write: &mut Tx,
    schema: &Schema,
    order: &[String],
    fresh: &BTreeMap<String, Vec<Vec<Value>>>,
) -> Result<(), CopyError> {
    let mut occupied = Vec::new();
    for name in order {
        let count = write.count(name).await?;
        let expected = &fresh[name];
        let same = count == expected.len() as i64
            && (count == 0 || write.rows(name, &schema.tables[name]).await? == *expected);
        if !same {
            occupied.push(format!(
                "{name} ({})",
                crate::domain::plural::count(count.max(0) as u64, "row", "rows")
            ));
        }
    }
    if occupied.is_empty() {
        Ok(())
    } else {
        Err(CopyError::Refused(format!(
            "the target is not empty, so nothing was copied: {}",
            occupied.join(", ")
        )))
    }
}

/// "table: N in the source, M in the target" for every table whose counts differ.
pub(super) async fn compare_counts(
    source: &mut Tx,
    target: &mut Tx,
    order: &[String],
) -> Result<Vec<String>, CopyError> {
    let mut differ = Vec::new();
    for name in order {
        let (from, to) = (source.count(name).await?, target.count(name).await?);
        if from != to {
            differ.push(format!("{name}: {from} in the source, {to} in the target"));
        }
    }
    Ok(differ)
}
