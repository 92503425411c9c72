//! Tables in foreign-key order: every table after the tables it references, so inserting in
//! this order (and deleting in reverse) never trips a foreign key, which both backends check
//! statement by statement.

use std::collections::BTreeSet;

use crate::store::schema::Schema;

/// The tables of `schema`, referenced tables first, ties by name (so the order, and the
/// command's summary, is the same on every run). A cycle is an error: no insertion order
/// would satisfy it.
pub fn by_foreign_keys(schema: &Schema) -> Result<Vec<String>, String> {
    let mut placed: Vec<String> = Vec::new();
    let mut waiting: BTreeSet<&String> = schema.tables.keys().collect();
    while !waiting.is_empty() {
        let ready: Vec<&String> = waiting
            .iter()
            .copied()
            .filter(|name| {
                schema.tables[*name].foreign_keys.iter().all(|key| {
                    key.references == **name
                        || placed.contains(&key.references)
                        || !schema.tables.contains_key(&key.references)
                })
            })
            .collect();
        if ready.is_empty() {
            let names: Vec<&str> = waiting.iter().map(|n| n.as_str()).collect();
            return Err(format!(
                "the foreign keys of these tables form a cycle: {}",
                names.join(", ")
            ));
        }
        for name in ready {
            waiting.remove(name);
            placed.push(name.clone());
        }
    }
    Ok(placed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema::{ForeignKey, Table};

    fn table(references: &[&str]) -> Table {
        Table {
            foreign_keys: references
                .iter()
                .map(|r| ForeignKey {
                    columns: vec!["x".into()],
                    references: (*r).into(),
                    referenced_columns: vec!["id".into()],
                    on_delete: "no action".into(),
                })
                .collect(),
            ..Table::default()
        }
    }

    #[test]
    fn referenced_tables_come_first_and_a_cycle_is_refused() {
        let mut schema = Schema::default();
        schema
            .tables
            .insert("answers".into(), table(&["questions", "cohorts"]));
        schema
            .tables
            .insert("questions".into(), table(&["attempts"]));
        schema.tables.insert("attempts".into(), table(&["cohorts"]));
        schema.tables.insert("cohorts".into(), table(&["guilds"]));
        schema.tables.insert("guilds".into(), table(&[]));
        schema.tables.insert("data_key".into(), table(&[]));
        assert_eq!(
            by_foreign_keys(&schema).unwrap(),
            [
                "data_key",
                "guilds",
                "cohorts",
                "attempts",
                "questions",
                "answers"
            ]
        );

        schema.tables.insert("guilds".into(), table(&["answers"]));
        let cycle = by_foreign_keys(&schema).unwrap_err();
        assert!(
            cycle.contains("answers, attempts, cohorts, guilds, questions"),
            "{cycle}"
        );
    }
}
