//! Conversions between domain values and their stored form, in one place.

use chrono::{DateTime, Utc};

/// Instants are stored as whole Unix seconds.
pub fn to_db_time(instant: DateTime<Utc>) -> i64 {
    instant.timestamp()
}

pub fn from_db_time(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

/// Discord snowflakes are u64; SQLite integers are i64. The cast keeps every bit.
pub(crate) fn id_to_db(id: u64) -> i64 {
    id as i64
}

pub(crate) fn id_from_db(id: i64) -> u64 {
    id as u64
}

/// Local dates are stored as `YYYY-MM-DD`.
pub(crate) fn parse_date(text: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// A boolean result, read as `CAST(… AS INTEGER)`: the one form both backends return through
/// sqlx's `Any` driver (SQLite's BOOLEAN columns and PostgreSQL's booleans do not decode as
/// each other's; docs/ARCHITECTURE.md, "PostgreSQL").
pub(crate) fn flag(value: i64) -> bool {
    value != 0
}
