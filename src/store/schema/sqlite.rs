//! Reads a SQLite schema from `sqlite_master` and the table-valued pragmas.

use sqlx::SqlitePool;

use super::normalise::{default_value, index_definition};
use super::{Column, ForeignKey, Schema, Table, TypeClass};

pub async fn describe_sqlite(pool: &SqlitePool) -> Result<Schema, sqlx::Error> {
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    let mut schema = Schema::default();
    for (name, sql) in tables {
        let table = describe_table(pool, &name, &sql).await?;
        schema.tables.insert(name, table);
    }
    fill_implicit_references(&mut schema);
    Ok(schema)
}

async fn describe_table(pool: &SqlitePool, name: &str, sql: &str) -> Result<Table, sqlx::Error> {
    type ColumnRow = (String, String, bool, Option<String>, i64);
    let rows: Vec<ColumnRow> = sqlx::query_as(
        "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid",
    )
    .bind(name)
    .fetch_all(pool)
    .await?;
    let autoincrement = sql.to_ascii_uppercase().contains("AUTOINCREMENT");
    let mut primary_key: Vec<(i64, String)> = Vec::new();
    let mut columns = Vec::new();
    for (column, declared, not_null, default, pk) in rows {
        if pk > 0 {
            primary_key.push((pk, column.clone()));
        }
        // Only the rowid alias (INTEGER PRIMARY KEY) can be AUTOINCREMENT.
        let generated = autoincrement && pk > 0 && declared.eq_ignore_ascii_case("INTEGER");
        columns.push(Column {
            name: column,
            class: class_of(&declared),
            // A primary key column is never NULL on PostgreSQL; SQLite's rowid alias cannot be
            // either. (SQLite lets other key columns be NULL, a quirk no row here relies on.)
            not_null: not_null || pk > 0,
            default: default.as_deref().map(default_value),
            generated,
        });
    }
    primary_key.sort();
    let mut table = Table {
        columns,
        primary_key: primary_key.into_iter().map(|(_, c)| c).collect(),
        ..Table::default()
    };
    read_indexes(pool, name, &mut table).await?;
    read_foreign_keys(pool, name, &mut table).await?;
    Ok(table)
}

/// SQLite's type affinity rules, with BOOLEAN told apart (SQLite stores it as 0/1, but the
/// declared name is what the `Any` driver and PostgreSQL go by).
fn class_of(declared: &str) -> TypeClass {
    let upper = declared.to_ascii_uppercase();
    if upper.contains("BOOL") {
        TypeClass::Bool
    } else if upper.contains("INT") {
        TypeClass::Integer
    } else if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") {
        TypeClass::Text
    } else if upper.contains("BLOB") {
        TypeClass::Bytes
    } else if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") {
        TypeClass::Real
    } else {
        TypeClass::Other(declared.to_owned())
    }
}

async fn read_indexes(pool: &SqlitePool, table: &str, out: &mut Table) -> Result<(), sqlx::Error> {
    // origin: 'c' CREATE INDEX, 'u' a UNIQUE constraint, 'pk' the primary key.
    let indexes: Vec<(String, String)> =
        sqlx::query_as("SELECT name, origin FROM pragma_index_list(?1)")
            .bind(table)
            .fetch_all(pool)
            .await?;
    for (name, origin) in indexes {
        match origin.as_str() {
            "c" => {
                let sql: String = sqlx::query_scalar(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1",
                )
                .bind(&name)
                .fetch_one(pool)
                .await?;
                if let Some(index) = index_definition(&sql) {
                    out.indexes.insert(name, index);
                }
            }
            "u" => {
                let columns: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
                        .bind(&name)
                        .fetch_all(pool)
                        .await?;
                out.unique.insert(columns);
            }
            _ => {}
        }
    }
    Ok(())
}

async fn read_foreign_keys(
    pool: &SqlitePool,
    table: &str,
    out: &mut Table,
) -> Result<(), sqlx::Error> {
    type KeyRow = (i64, String, String, Option<String>, String);
    let rows: Vec<KeyRow> = sqlx::query_as(
        "SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?1) \
         ORDER BY id, seq",
    )
    .bind(table)
    .fetch_all(pool)
    .await?;
    let mut current: Option<(i64, ForeignKey)> = None;
    for (id, references, from, to, on_delete) in rows {
        if current.as_ref().is_some_and(|(open, _)| *open != id) {
            if let Some((_, key)) = current.take() {
                out.foreign_keys.insert(key);
            }
        }
        let (_, key) = current.get_or_insert_with(|| {
            let key = ForeignKey {
                columns: Vec::new(),
                references,
                referenced_columns: Vec::new(),
                on_delete: on_delete.to_ascii_lowercase(),
            };
            (id, key)
        });
        key.columns.push(from);
        // NULL: the referenced table's primary key, filled in once every table is read.
        key.referenced_columns.extend(to);
    }
    if let Some((_, key)) = current {
        out.foreign_keys.insert(key);
    }
    Ok(())
}

/// `REFERENCES t` without columns means t's primary key.
fn fill_implicit_references(schema: &mut Schema) {
    let keys: Vec<(String, Vec<String>)> = schema
        .tables
        .iter()
        .map(|(name, t)| (name.clone(), t.primary_key.clone()))
        .collect();
    for table in schema.tables.values_mut() {
        let filled = std::mem::take(&mut table.foreign_keys)
            .into_iter()
            .map(|mut key| {
                if key.referenced_columns.is_empty() {
                    if let Some((_, pk)) = keys.iter().find(|(name, _)| *name == key.references) {
                        key.referenced_columns = pk.clone();
                    }
                }
                key
            })
            .collect();
        table.foreign_keys = filled;
    }
}
