//! The copy's two transactions (a consistent read of the source, the one write on the target)
//! and the statements they run. Table and column names come from the databases' own
//! catalogues, never from input, and are quoted.

use futures::TryStreamExt;
use sqlx::{AssertSqlSafe, Postgres, Sqlite, Transaction};

use super::value::{bind, read_row, Value};
use super::CopyError;
use crate::store::schema::Table;

/// Placeholders per INSERT statement: well under SQLite's 32,766 and PostgreSQL's 65,535.
const PLACEHOLDERS_PER_STATEMENT: usize = 4000;

pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// `name` as a quoted SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn column_list(table: &Table) -> String {
    table
        .columns
        .iter()
        .map(|c| quoted(&c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every row of `name`, in primary-key order.
fn select_all(name: &str, table: &Table) -> String {
    let order = if table.primary_key.is_empty() {
        String::new()
    } else {
        let keys: Vec<String> = table.primary_key.iter().map(|k| quoted(k)).collect();
        format!(" ORDER BY {}", keys.join(", "))
    };
    format!("SELECT {} FROM {}{order}", column_list(table), quoted(name))
}

/// `INSERT INTO name (…) VALUES ($1, …), (…)` for `rows` rows.
fn insert_rows(name: &str, table: &Table, rows: usize) -> String {
    let width = table.columns.len();
    let tuples: Vec<String> = (0..rows)
        .map(|row| {
            let marks: Vec<String> = (1..=width)
                .map(|c| format!("${}", row * width + c))
                .collect();
            format!("({})", marks.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO {} ({}) VALUES {}",
        quoted(name),
        column_list(table),
        tuples.join(", ")
    )
}

/// How many rows go into one INSERT.
fn batch_size(table: &Table) -> usize {
    (PLACEHOLDERS_PER_STATEMENT / table.columns.len().max(1)).max(1)
}

impl Tx {
    pub async fn count(&mut self, name: &str) -> Result<i64, CopyError> {
        let sql = format!("SELECT COUNT(*) FROM {}", quoted(name));
        Ok(match self {
            Tx::Sqlite(tx) => {
                sqlx::query_scalar(AssertSqlSafe(sql))
                    .fetch_one(&mut **tx)
                    .await?
            }
            Tx::Postgres(tx) => {
                sqlx::query_scalar(AssertSqlSafe(sql))
                    .fetch_one(&mut **tx)
                    .await?
            }
        })
    }

    /// Every row of a table, for the few rows a fresh database holds.
    pub async fn rows(&mut self, name: &str, table: &Table) -> Result<Vec<Vec<Value>>, CopyError> {
        let sql = select_all(name, table);
        let rows = match self {
            Tx::Sqlite(tx) => sqlx::query(AssertSqlSafe(sql))
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|row| read_row(row, &table.columns))
                .collect::<Result<_, _>>()?,
            Tx::Postgres(tx) => sqlx::query(AssertSqlSafe(sql))
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|row| read_row(row, &table.columns))
                .collect::<Result<_, _>>()?,
        };
        Ok(rows)
    }

    /// Streams a table's rows from this (source) transaction into `target`, in primary-key
    /// order and a batch at a time, so a large table never sits in memory whole. Returns how
    /// many rows went across.
    pub async fn copy_table_into(
        &mut self,
        target: &mut Tx,
        name: &str,
        table: &Table,
    ) -> Result<u64, CopyError> {
        let sql = select_all(name, table);
        let size = batch_size(table);
        let mut batch = Vec::with_capacity(size);
        let mut copied = 0_u64;
        macro_rules! stream_from {
            ($tx:expr) => {{
                let mut stream = sqlx::query(AssertSqlSafe(sql)).fetch(&mut **$tx);
                while let Some(row) = stream.try_next().await? {
                    batch.push(read_row(&row, &table.columns)?);
                    if batch.len() >= size {
                        copied += batch.len() as u64;
                        target
                            .insert(name, table, std::mem::take(&mut batch))
                            .await?;
                    }
                }
            }};
        }
        match self {
            Tx::Sqlite(tx) => stream_from!(tx),
            Tx::Postgres(tx) => stream_from!(tx),
        }
        copied += batch.len() as u64;
        target.insert(name, table, batch).await?;
        Ok(copied)
    }

    /// Inserts `rows` (each in the order of `table.columns`) in one statement.
    pub async fn insert(
        &mut self,
        name: &str,
        table: &Table,
        rows: Vec<Vec<Value>>,
    ) -> Result<(), CopyError> {
        if rows.is_empty() {
            return Ok(());
        }
        let sql = insert_rows(name, table, rows.len());
        let values = rows.into_iter().flatten();
        match self {
            Tx::Sqlite(tx) => {
                let query = values.fold(sqlx::query(AssertSqlSafe(sql)), bind);
                query.execute(&mut **tx).await?;
            }
            Tx::Postgres(tx) => {
                let query = values.fold(sqlx::query(AssertSqlSafe(sql)), bind);
                query.execute(&mut **tx).await?;
            }
        }
        Ok(())
    }

    pub async fn delete_all(&mut self, name: &str) -> Result<(), CopyError> {
        let sql = format!("DELETE FROM {}", quoted(name));
        match self {
            Tx::Sqlite(tx) => {
                sqlx::query(AssertSqlSafe(sql)).execute(&mut **tx).await?;
            }
            Tx::Postgres(tx) => {
                sqlx::query(AssertSqlSafe(sql)).execute(&mut **tx).await?;
            }
        }
        Ok(())
    }

    /// The highest id `column` has ever handed out: more than the highest id present when
    /// the newest rows were deleted (AUTOINCREMENT and identities never reuse an id).
    pub async fn id_high_water(&mut self, name: &str, column: &str) -> Result<i64, CopyError> {
        let present = format!("SELECT MAX({}) FROM {}", quoted(column), quoted(name));
        let (present, issued): (Option<i64>, Option<i64>) = match self {
            Tx::Sqlite(tx) => {
                let present = sqlx::query_scalar(AssertSqlSafe(present))
                    .fetch_one(&mut **tx)
                    .await?;
                let issued = sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&mut **tx)
                    .await?;
                (present, issued)
            }
            Tx::Postgres(tx) => {
                let present = sqlx::query_scalar(AssertSqlSafe(present))
                    .fetch_one(&mut **tx)
                    .await?;
                let issued = sqlx::query_scalar(
                    "SELECT pg_sequence_last_value(pg_get_serial_sequence($1, $2)::regclass)",
                )
                .bind(quoted(name))
                .bind(column)
                .fetch_one(&mut **tx)
                .await?;
                (present, issued)
            }
        };
        Ok(present.max(issued).unwrap_or(0))
    }

    /// Makes `column` hand out ids above `high_water` from now on.
    pub async fn set_id_high_water(
        &mut self,
        name: &str,
        column: &str,
        high_water: i64,
    ) -> Result<(), CopyError> {
        if high_water <= 0 {
            return Ok(()); // never used: the sequence starts at 1 on both backends
        }
        match self {
            Tx::Sqlite(tx) => {
                // Inserting explicit ids already raised sqlite_sequence to the highest one.
                let raised =
                    sqlx::query("UPDATE sqlite_sequence SET seq = MAX(seq, $2) WHERE name = $1")
                        .bind(name)
                        .bind(high_water)
                        .execute(&mut **tx)
                        .await?;
                if raised.rows_affected() == 0 {
                    sqlx::query("INSERT INTO sqlite_sequence (name, seq) VALUES ($1, $2)")
                        .bind(name)
                        .bind(high_water)
                        .execute(&mut **tx)
                        .await?;
                }
            }
            Tx::Postgres(tx) => {
                sqlx::query("SELECT setval(pg_get_serial_sequence($1, $2), $3, true)")
                    .bind(quoted(name))
                    .bind(column)
                    .bind(high_water)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<(), CopyError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
