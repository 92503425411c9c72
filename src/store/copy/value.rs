//! One column value on its way between backends, typed by the column's class so that a NULL is
//! bound with the column's own type (PostgreSQL refuses a BIGINT NULL for a TEXT column).
//! Sealed texts are `Bytes` and travel byte for byte; nothing here decodes or re-encodes them.

use sqlx::{ColumnIndex, Database, Decode, Encode, Row, Type};

use crate::store::schema::{Column, TypeClass};

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Integer(Option<i64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
    Real(Option<f64>),
    Bool(Option<bool>),
}

/// A column whose type the copy does not know how to carry faithfully.
pub fn unsupported(table: &str, column: &Column) -> Option<String> {
    match &column.class {
        TypeClass::Other(name) => Some(format!("{table}.{}: type {name}", column.name)),
        _ => None,
    }
}

/// Reads `row`'s columns in the order of `columns`, each by its class.
pub fn read_row<R>(row: &R, columns: &[Column]) -> Result<Vec<Value>, sqlx::Error>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'r> Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<Vec<u8>>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<f64>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<bool>: Decode<'r, R::Database> + Type<R::Database>,
{
    columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            Ok(match &column.class {
                TypeClass::Integer => Value::Integer(row.try_get(index)?),
                TypeClass::Text => Value::Text(row.try_get(index)?),
                TypeClass::Bytes => Value::Bytes(row.try_get(index)?),
                TypeClass::Real => Value::Real(row.try_get(index)?),
                TypeClass::Bool => Value::Bool(row.try_get(index)?),
                TypeClass::Other(name) => {
                    return Err(sqlx::Error::Decode(
                        format!(
                            "column {} has type {name}, which copy-data cannot carry",
                            column.name
                        )
                        .into(),
                    ))
                }
            })
        })
        .collect()
}

/// Binds `value` to the next placeholder of `query`.
pub fn bind<'q, DB>(
    query: sqlx::query::Query<'q, DB, <DB as Database>::Arguments>,
    value: Value,
) -> sqlx::query::Query<'q, DB, <DB as Database>::Arguments>
where
    DB: Database,
    Option<i64>: Encode<'q, DB> + Type<DB>,
    Option<String>: Encode<'q, DB> + Type<DB>,
    Option<Vec<u8>>: Encode<'q, DB> + Type<DB>,
    Option<f64>: Encode<'q, DB> + Type<DB>,
    Option<bool>: Encode<'q, DB> + Type<DB>,
{
    match value {
        Value::Integer(v) => query.bind(v),
        Value::Text(v) => query.bind(v),
        Value::Bytes(v) => query.bind(v),
        Value::Real(v) => query.bind(v),
        Value::Bool(v) => query.bind(v),
    }
}
