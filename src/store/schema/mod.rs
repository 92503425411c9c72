//! A description of a database's schema that reads the same from SQLite and PostgreSQL, so the
//! two migration folders can be proven to build the same schema (issue 14). It owns reading the
//! catalogues and comparing; it never changes a database.
//!
//! What is compared: tables; columns in order (name, type class, NOT NULL, default, generated
//! ids); primary keys; unique constraints; foreign keys with their ON DELETE; every other index
//! by name (unique or not, key expressions, partial predicate). CHECK constraints are not
//! compared (both folders copy them by hand from one text).

mod compare;
mod normalise;
#[cfg(test)]
mod parity;
mod postgres;
mod sqlite;

use std::collections::{BTreeMap, BTreeSet};

pub use compare::differences;
pub use postgres::describe_postgres;
pub use sqlite::describe_sqlite;

/// A schema: its tables by name (migration bookkeeping and SQLite's internal tables left out).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    pub tables: BTreeMap<String, Table>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// In declaration order.
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    /// UNIQUE constraints (inline or as a table constraint), as their column lists.
    pub unique: BTreeSet<Vec<String>>,
    pub foreign_keys: BTreeSet<ForeignKey>,
    /// Indexes made with CREATE INDEX, by name.
    pub indexes: BTreeMap<String, Index>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub class: TypeClass,
    pub not_null: bool,
    /// The DEFAULT expression, normalised (see `normalise::expression`).
    pub default: Option<String>,
    /// The database assigns the value when none is given (AUTOINCREMENT, identity).
    pub generated: bool,
}

/// What a column holds, as far as one SQL text and the `Any` driver care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeClass {
    /// 64-bit integers (SQLite INTEGER, PostgreSQL BIGINT). A 32-bit column is `Other`: a
    /// Discord snowflake would not fit.
    Integer,
    /// SQLite TEXT, PostgreSQL TEXT in the "C" collation (byte order, as SQLite compares).
    Text,
    Bytes,
    Real,
    Bool,
    /// Anything else, by its declared name.
    Other(String),
}

impl std::fmt::Display for TypeClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeClass::Integer => f.write_str("integer"),
            TypeClass::Text => f.write_str("text"),
            TypeClass::Bytes => f.write_str("bytes"),
            TypeClass::Real => f.write_str("real"),
            TypeClass::Bool => f.write_str("bool"),
            TypeClass::Other(name) => write!(f, "other: {name}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub references: String,
    pub referenced_columns: Vec<String>,
    /// "no action", "cascade", "set null", "restrict" or "set default".
    pub on_delete: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    pub unique: bool,
    /// Key columns or expressions, normalised.
    pub keys: Vec<String>,
    /// The WHERE of a partial index, normalised.
    pub predicate: Option<String>,
}
