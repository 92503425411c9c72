//! Reads a PostgreSQL schema (the first one on the connection's search_path) from
//! `information_schema` and `pg_catalog`.

use sqlx::PgPool;

use super::normalise::{default_value, index_definition};
use super::{Column, ForeignKey, Schema, Table, TypeClass};

pub async fn describe_postgres(pool: &PgPool) -> Result<Schema, sqlx::Error> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
           AND table_name <> '_sqlx_migrations' ORDER BY table_name",
    )
    .fetch_all(pool)
    .await?;
    let mut schema = Schema::default();
    for name in tables {
        let mut table = Table {
            columns: read_columns(pool, &name).await?,
            ..Table::default()
        };
        read_indexes(pool, &name, &mut table).await?;
        read_foreign_keys(pool, &name, &mut table).await?;
        schema.tables.insert(name, table);
    }
    Ok(schema)
}

async fn read_columns(pool: &PgPool, table: &str) -> Result<Vec<Column>, sqlx::Error> {
    type ColumnRow = (String, String, Option<String>, bool, Option<String>, bool);
    let rows: Vec<ColumnRow> = sqlx::query_as(
        "SELECT column_name::text, data_type::text, collation_name::text, is_nullable = 'NO', \
                column_default::text, is_identity = 'YES' \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(name, data_type, collation, not_null, default, identity)| Column {
                name,
                class: class_of(&data_type, collation.as_deref()),
                not_null,
                default: default.as_deref().map(default_value),
                generated: identity,
            },
        )
        .collect())
}

fn class_of(data_type: &str, collation: Option<&str>) -> TypeClass {
    match (data_type, collation) {
        ("bigint", _) => TypeClass::Integer,
        ("text", Some("C")) => TypeClass::Text,
        ("text", other) => TypeClass::Other(format!(
            "text collated {}",
            other.unwrap_or("by the database default")
        )),
        ("bytea", _) => TypeClass::Bytes,
        ("double precision", _) => TypeClass::Real,
        ("boolean", _) => TypeClass::Bool,
        (other, _) => TypeClass::Other(other.to_owned()),
    }
}

async fn read_indexes(pool: &PgPool, table: &str, out: &mut Table) -> Result<(), sqlx::Error> {
    // contype: 'p' primary key, 'u' unique constraint, NULL a CREATE INDEX.
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT ic.relname::text, pg_get_indexdef(i.indexrelid), con.contype::text \
         FROM pg_index i \
         JOIN pg_class ic ON ic.oid = i.indexrelid \
         JOIN pg_class tc ON tc.oid = i.indrelid \
         JOIN pg_namespace n ON n.oid = tc.relnamespace \
         LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.contype IN ('p', 'u') \
         WHERE n.nspname = current_schema() AND tc.relname = $1",
    )
    .bind(table)
    .fetch_all(pool)
    .await?;
    for (name, definition, constraint) in rows {
        let Some(index) = index_definition(&definition) else {
            continue;
        };
        match constraint.as_deref() {
            Some("p") => out.primary_key = index.keys,
            Some("u") => {
                out.unique.insert(index.keys);
            }
            _ => {
                out.indexes.insert(name, index);
            }
        }
    }
    Ok(())
}

async fn read_foreign_keys(pool: &PgPool, table: &str, out: &mut Table) -> Result<(), sqlx::Error> {
    type KeyRow = (String, Vec<String>, Vec<String>, String);
    let rows: Vec<KeyRow> = sqlx::query_as(
        "SELECT ref.relname::text, \
                ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(num, ord) \
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num \
                      ORDER BY k.ord), \
                ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord) \
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num \
                      ORDER BY k.ord), \
                con.confdeltype::text \
         FROM pg_constraint con \
         JOIN pg_class tc ON tc.oid = con.conrelid \
         JOIN pg_namespace n ON n.oid = tc.relnamespace \
         JOIN pg_class ref ON ref.oid = con.confrelid \
         WHERE con.contype = 'f' AND n.nspname = current_schema() AND tc.relname = $1",
    )
    .bind(table)
    .fetch_all(pool)
    .await?;
    for (references, columns, referenced_columns, on_delete) in rows {
        out.foreign_keys.insert(ForeignKey {
            columns,
            references,
            referenced_columns,
            on_delete: on_delete_name(&on_delete).to_owned(),
        });
    }
    Ok(())
}

/// `pg_constraint.confdeltype` in SQLite's words.
fn on_delete_name(code: &str) -> &'static str {
    match code {
        "c" => "cascade",
        "n" => "set null",
        "d" => "set default",
        "r" => "restrict",
        _ => "no action",
    }
}
