//! `allybot copy-data --from URL --to URL`: the whole database into an empty one, a line per
//! table, the row counts verified (the work is `store::copy`). It needs no configuration: both
//! databases are named on the command line. Exit codes: 2 for a URL that names no database
//! allybot knows, 1 for anything that stopped or failed the copy (nothing is half-copied).

use super::Failure;
use crate::config::ConfigError;
use crate::domain::plural;
use crate::store::copy::{copy_database, redacted, CopyError};

pub async fn copy_data(from: &str, to: &str) -> Result<(), Failure> {
    let report = copy_database(from, to).await.map_err(|e| match e {
        CopyError::Url { flag, problem } => Failure::Config(ConfigError {
            key: flag.into(),
            problem,
            origin: None,
        }),
        other => Failure::Other(anyhow::anyhow!("copy-data: {other}")),
    })?;
    for table in &report.tables {
        println!(
            "{}: {}",
            table.name,
            plural::count(table.rows, "row", "rows")
        );
    }
    println!(
        "allybot: copied {} in {} from {} to {} (migration {}); every table's row count matches",
        plural::count(report.total_rows(), "row", "rows"),
        plural::count(report.tables.len() as u64, "table", "tables"),
        redacted(from),
        redacted(to),
        report.version
    );
    Ok(())
}
