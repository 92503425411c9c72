//! Every way two schemas differ, as sentences a person can act on.

use std::collections::BTreeSet;
use std::fmt::Debug;

use super::{Column, Schema, Table};

/// What differs between `left` and `right`, each side named by its label ("sqlite",
/// "postgres"); empty when they are the same.
pub fn differences(left: (&str, &Schema), right: (&str, &Schema)) -> Vec<String> {
    let (left_name, left) = left;
    let (right_name, right) = right;
    let mut found = Vec::new();
    let names: BTreeSet<&String> = left.tables.keys().chain(right.tables.keys()).collect();
    for name in names {
        match (left.tables.get(name), right.tables.get(name)) {
            (Some(l), Some(r)) => {
                let sides = Sides {
                    table: name,
                    left: left_name,
                    right: right_name,
                };
                compare_tables(&sides, l, r, &mut found);
            }
            (Some(_), None) => found.push(format!("table {name}: only in {left_name}")),
            (None, Some(_)) => found.push(format!("table {name}: only in {right_name}")),
            (None, None) => {}
        }
    }
    found
}

struct Sides<'a> {
    table: &'a str,
    left: &'a str,
    right: &'a str,
}

impl Sides<'_> {
    fn differ<T: Debug + PartialEq>(&self, what: &str, l: &T, r: &T, found: &mut Vec<String>) {
        if l != r {
            found.push(format!(
                "table {}: {what}: {} has {l:?}, {} has {r:?}",
                self.table, self.left, self.right
            ));
        }
    }
}

fn compare_tables(sides: &Sides, l: &Table, r: &Table, found: &mut Vec<String>) {
    let l_names: Vec<&str> = l.columns.iter().map(|c| c.name.as_str()).collect();
    let r_names: Vec<&str> = r.columns.iter().map(|c| c.name.as_str()).collect();
    sides.differ("columns", &l_names, &r_names, found);
    for lc in &l.columns {
        if let Some(rc) = r.columns.iter().find(|c| c.name == lc.name) {
            compare_columns(sides, lc, rc, found);
        }
    }
    sides.differ("primary key", &l.primary_key, &r.primary_key, found);
    sides.differ("unique constraints", &l.unique, &r.unique, found);
    sides.differ("foreign keys", &l.foreign_keys, &r.foreign_keys, found);
    let index_names: BTreeSet<&String> = l.indexes.keys().chain(r.indexes.keys()).collect();
    for name in index_names {
        let what = format!("index {name}");
        sides.differ(&what, &l.indexes.get(name), &r.indexes.get(name), found);
    }
}

fn compare_columns(sides: &Sides, l: &Column, r: &Column, found: &mut Vec<String>) {
    let name = &l.name;
    let describe = |c: &Column| {
        format!(
            "{}{}{}{}",
            c.class,
            if c.not_null { " not null" } else { "" },
            c.default
                .as_ref()
                .map(|d| format!(" default {d}"))
                .unwrap_or_default(),
            if c.generated { " generated" } else { "" },
        )
    };
    if l != r {
        found.push(format!(
            "table {}: column {name}: {} has {}, {} has {}",
            sides.table,
            sides.left,
            describe(l),
            sides.right,
            describe(r)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ForeignKey, Index, TypeClass};
    use super::*;

    fn column(name: &str, class: TypeClass, not_null: bool) -> Column {
        Column {
            name: name.to_owned(),
            class,
            not_null,
            default: None,
            generated: false,
        }
    }

    /// A small schema in the shape of the real one: ids, a foreign key, a partial index.
    fn schema() -> Schema {
        let mut cohorts = Table {
            columns: vec![
                Column {
                    generated: true,
                    ..column("cohort_id", TypeClass::Integer, true)
                },
                column("name", TypeClass::Text, true),
            ],
            primary_key: vec!["cohort_id".to_owned()],
            ..Table::default()
        };
        cohorts.indexes.insert(
            "cohorts_live_name".to_owned(),
            Index {
                unique: true,
                keys: vec!["lower name".to_owned()],
                predicate: Some("status = 'active'".to_owned()),
            },
        );
        let mut members = Table {
            columns: vec![column("cohort_id", TypeClass::Integer, true)],
            ..Table::default()
        };
        members.foreign_keys.insert(ForeignKey {
            columns: vec!["cohort_id".to_owned()],
            references: "cohorts".to_owned(),
            referenced_columns: vec!["cohort_id".to_owned()],
            on_delete: "no action".to_owned(),
        });
        let mut schema = Schema::default();
        schema.tables.insert("cohorts".to_owned(), cohorts);
        schema.tables.insert("members".to_owned(), members);
        schema
    }

    fn diff(changed: &Schema) -> Vec<String> {
        differences(("sqlite", &schema()), ("postgres", changed))
    }

    #[test]
    fn equal_schemas_have_no_differences() {
        assert_eq!(diff(&schema()), Vec::<String>::new());
    }

    #[test]
    fn a_missing_table_is_named_with_the_side_that_has_it() {
        let mut changed = schema();
        changed.tables.remove("members");
        assert_eq!(diff(&changed), ["table members: only in sqlite"]);
    }

    #[test]
    fn a_column_of_another_class_or_nullability_is_a_difference() {
        let mut changed = schema();
        let cohorts = changed.tables.get_mut("cohorts").unwrap();
        cohorts.columns[1].not_null = false;
        cohorts.columns[0].class = TypeClass::Other("integer".to_owned());
        let found = diff(&changed);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            found[0],
            "table cohorts: column cohort_id: sqlite has integer not null generated, \
             postgres has other: integer not null generated"
        );
        assert!(found[1].contains("column name: sqlite has text not null, postgres has text"));
    }

    #[test]
    fn a_different_partial_index_or_foreign_key_is_a_difference() {
        let mut changed = schema();
        let cohorts = changed.tables.get_mut("cohorts").unwrap();
        cohorts
            .indexes
            .get_mut("cohorts_live_name")
            .unwrap()
            .predicate = None;
        let members = changed.tables.get_mut("members").unwrap();
        let mut fk = members.foreign_keys.pop_first().unwrap();
        fk.on_delete = "cascade".to_owned();
        members.foreign_keys.insert(fk);
        let found = diff(&changed);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("table cohorts: index cohorts_live_name"));
        assert!(found[1].starts_with("table members: foreign keys"));
    }

    #[test]
    fn reordered_columns_are_a_difference() {
        let mut changed = schema();
        changed.tables.get_mut("cohorts").unwrap().columns.reverse();
        assert_eq!(diff(&changed).len(), 1);
    }
}
