//! Brings SQL fragments from the two catalogues to one spelling: SQLite keeps the text of each
//! CREATE INDEX as written, PostgreSQL prints its own (`pg_get_indexdef`), which adds casts
//! (`'x'::text`), parentheses, `USING btree`, and writes `IN (…)` as `= ANY (ARRAY[…])`.

use super::Index;

/// Parses `CREATE [UNIQUE] INDEX name ON table [USING method] (keys) [WHERE predicate]`, as
/// either backend prints it. `None` if the text has no key list.
pub(super) fn index_definition(sql: &str) -> Option<Index> {
    let unique = sql
        .trim_start()
        .get(..13)
        .is_some_and(|start| start.eq_ignore_ascii_case("CREATE UNIQUE"));
    let open = sql.find('(')?;
    let close = matching_parenthesis(sql, open)?;
    let keys = split_top_level(&sql[open + 1..close])
        .into_iter()
        .map(expression)
        .collect();
    let rest = sql[close + 1..].trim();
    let predicate = rest
        .get(..5)
        .filter(|word| word.eq_ignore_ascii_case("WHERE"))
        .map(|_| expression(&rest[5..]));
    Some(Index {
        unique,
        keys,
        predicate,
    })
}

/// One spelling of an expression: lower case outside string literals, no casts, no
/// parentheses, `= ANY (ARRAY[a, b])` as `IN (a, b)`, single spaces between tokens.
pub(super) fn expression(text: &str) -> String {
    let tokens = without_casts(tokens(text));
    let tokens = any_array_as_in(tokens);
    tokens
        .into_iter()
        .filter(|token| token != "(" && token != ")")
        .collect::<Vec<_>>()
        .join(" ")
}

fn tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            // A string literal, kept as written ('' is an escaped quote).
            let start = i;
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' && chars.get(i + 1) == Some(&'\'') {
                    i += 2;
                } else if chars[i] == '\'' {
                    i += 1;
                    break;
                } else {
                    i += 1;
                }
            }
            tokens.push(chars[start..i].iter().collect());
        } else if c == '"' {
            // A quoted identifier: the quotes go, the name is kept as written.
            let start = i + 1;
            i = start;
            while i < chars.len() && chars[i] != '"' {
                i += 1;
            }
            tokens.push(chars[start..i.min(chars.len())].iter().collect());
            i += 1;
        } else if c.is_alphanumeric() || c == '_' || c == '.' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect::<String>().to_lowercase());
        } else if "<>=!|:".contains(c) {
            let start = i;
            while i < chars.len() && "<>=!|:".contains(chars[i]) {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else {
            tokens.push(c.to_string());
            i += 1;
        }
    }
    tokens
}

/// Drops `::type`, `::type[]` and `::character varying`.
fn without_casts(tokens: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut iter = tokens.into_iter().peekable();
    while let Some(token) = iter.next() {
        if token != "::" {
            out.push(token);
            continue;
        }
        while iter
            .peek()
            .is_some_and(|t| t.chars().all(|c| c.is_alphanumeric() || c == '_'))
        {
            iter.next();
        }
        // `::text[]`, but not the `]` that closes an ARRAY[…] after its last `'x'::text`.
        if iter.peek().is_some_and(|t| t == "[") {
            iter.next();
            iter.next();
        }
    }
    out
}

/// `= any ( array [ a , b ] )` becomes `in ( a , b )`.
fn any_array_as_in(tokens: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let is_any_array = tokens[i] == "="
            && tokens.get(i + 1).is_some_and(|t| t == "any")
            && tokens.get(i + 2).is_some_and(|t| t == "(")
            && tokens.get(i + 3).is_some_and(|t| t == "array")
            && tokens.get(i + 4).is_some_and(|t| t == "[");
        let close = is_any_array
            .then(|| tokens[i + 5..].iter().position(|t| t == "]"))
            .flatten();
        match close {
            Some(offset) => {
                let end = i + 5 + offset;
                out.push("in".to_owned());
                out.push("(".to_owned());
                out.extend(tokens[i + 5..end].iter().cloned());
                out.push(")".to_owned());
                // Skip the `]` and the `)` that closed `any (`.
                i = end + 1;
                if tokens.get(i).is_some_and(|t| t == ")") {
                    i += 1;
                }
            }
            None => {
                out.push(tokens[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// A DEFAULT as either catalogue prints it (`'09:00'` or `'09:00'::text`, `FALSE` or `false`).
pub(super) fn default_value(text: &str) -> String {
    expression(text)
}

fn matching_parenthesis(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    for (i, c) in text.char_indices().skip_while(|(i, _)| *i < open) {
        match c {
            '\'' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '\'' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => depth = depth.saturating_sub(1),
            ',' if !in_string && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_of_a_partial_unique_index_read_the_same() {
        let sqlite = index_definition(
            "CREATE UNIQUE INDEX reminder_dms_one_a_day ON reminder_dms (user_id, local_date)\n    \
             WHERE status IN ('sending', 'sent', 'unknown')",
        );
        let postgres = index_definition(
            "CREATE UNIQUE INDEX reminder_dms_one_a_day ON t_1.reminder_dms USING btree \
             (user_id, local_date) WHERE (status = ANY (ARRAY['sending'::text, 'sent'::text, \
             'unknown'::text]))",
        );
        assert_eq!(sqlite, postgres);
        let index = sqlite.unwrap();
        assert!(index.unique);
        assert_eq!(index.keys, ["user_id", "local_date"]);
        assert_eq!(
            index.predicate.as_deref(),
            Some("status in 'sending' , 'sent' , 'unknown'")
        );
    }

    #[test]
    fn expression_keys_and_simple_predicates_read_the_same() {
        let sqlite = index_definition(
            "CREATE UNIQUE INDEX cohorts_live_name ON cohorts (guild_id, lower(name)) WHERE status = 'active'",
        );
        let postgres = index_definition(
            "CREATE UNIQUE INDEX cohorts_live_name ON s.cohorts USING btree (guild_id, lower(name)) \
             WHERE (status = 'active'::text)",
        );
        assert_eq!(sqlite, postgres);
    }

    #[test]
    fn a_different_predicate_or_key_is_seen() {
        let base = index_definition("CREATE INDEX i ON t (a) WHERE status = 'sending'");
        assert_ne!(
            base,
            index_definition("CREATE INDEX i ON t (a) WHERE status = 'sent'")
        );
        assert_ne!(base, index_definition("CREATE INDEX i ON t (a)"));
        assert_ne!(
            base,
            index_definition("CREATE INDEX i ON t (a, b) WHERE status = 'sending'")
        );
        assert_ne!(
            base,
            index_definition("CREATE UNIQUE INDEX i ON t (a) WHERE status = 'sending'")
        );
    }

    #[test]
    fn defaults_lose_their_casts_and_case() {
        assert_eq!(default_value("'09:00'::text"), default_value("'09:00'"));
        assert_eq!(default_value("FALSE"), default_value("false"));
        assert_ne!(default_value("'UTC'"), default_value("'utc'"));
    }
}
