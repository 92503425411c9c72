//! Discord's documented limits on what a bot may send (research/discord-protocol.md section 7),
//! checked by hand because serenity checks almost none of them. The simulator enforces them
//! (answering a violation as Discord does: 400, code 50035 "Invalid Form Body", an `errors`
//! tree), and the bot's renderer checks its own output against them, so both share one copy.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

pub const CONTENT_MAX: usize = 2000;
pub const EMBEDS_MAX: usize = 10;
pub const EMBED_TITLE_MAX: usize = 256;
pub const EMBED_DESCRIPTION_MAX: usize = 4096;
pub const EMBED_FIELDS_MAX: usize = 25;
pub const EMBED_FIELD_NAME_MAX: usize = 256;
pub const EMBED_FIELD_VALUE_MAX: usize = 1024;
pub const EMBED_FOOTER_MAX: usize = 2048;
pub const EMBED_AUTHOR_MAX: usize = 256;
pub const EMBED_TOTAL_MAX: usize = 6000;
pub const ACTION_ROWS_MAX: usize = 5;
pub const BUTTONS_PER_ROW_MAX: usize = 5;
pub const BUTTON_LABEL_MAX: usize = 80;
pub const CUSTOM_ID_MAX: usize = 100;
pub const SELECT_OPTIONS_MAX: usize = 25;
pub const SELECT_OPTION_TEXT_MAX: usize = 100;
pub const MODAL_TITLE_MAX: usize = 45;
pub const TEXT_INPUT_LABEL_MAX: usize = 45;
pub const TEXT_INPUT_LENGTH_MAX: u64 = 4000;
pub const PLACEHOLDER_MAX: usize = 100;
pub const NONCE_MAX: usize = 25;
pub const CHOICES_MAX: usize = 25;
pub const CHOICE_TEXT_MAX: usize = 100;

/// Problems found in one body, as (path, message) pairs, e.g. ("embeds.0.title", "Must be 256 or fewer in length.").
#[derive(Debug, Default)]
pub struct FormErrors(Vec<(String, String)>);

impl FormErrors {
    pub fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push((path.into(), message.into()));
    }

    fn max_len(&mut self, path: impl Into<String>, value: Option<&Value>, max: usize) {
        if let Some(text) = value.and_then(Value::as_str) {
            if text.chars().count() > max {
                self.add(path, format!("Must be {max} or fewer in length."));
            }
        }
    }

    fn len_between(
        &mut self,
        path: impl Into<String>,
        value: Option<&Value>,
        min: usize,
        max: usize,
    ) {
        let length = value
            .and_then(Value::as_str)
            .map_or(0, |t| t.chars().count());
        if length < min || length > max {
            self.add(path, format!("Must be between {min} and {max} in length."));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn paths(&self) -> Vec<String> {
        self.0.iter().map(|(path, _)| path.clone()).collect()
    }

    /// Each problem as "path: message", e.g. "embeds.0.title: Must be 256 or fewer in length."
    pub fn describe(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|(path, message)| format!("{path}: {message}"))
            .collect()
    }

    /// Discord's error body for these problems.
    pub fn to_body(&self) -> Value {
        let mut tree = Map::new();
        for (path, message) in &self.0 {
            let mut node = &mut tree;
            for part in path.split('.') {
                node = node
                    .entry(part.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
                    .expect("error tree nodes are objects");
            }
            let errors = node.entry("_errors").or_insert_with(|| json!([]));
            if let Some(list) = errors.as_array_mut() {
                list.push(json!({"code": "BASE_TYPE_BAD_LENGTH", "message": message}));
            }
        }
        json!({"code": 50035, "message": "Invalid Form Body", "errors": tree})
    }
}

fn chars(value: Option<&Value>) -> usize {
    value
        .and_then(Value::as_str)
        .map_or(0, |t| t.chars().count())
}

fn array(value: Option<&Value>) -> &[Value] {
    value
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Checks a message body: channel messages, interaction responses of type 4 and 7, followups
/// and edits. `prefix` places the paths (interaction callbacks nest the message under `data`).
pub fn check_message(body: &Value, prefix: &str, errors: &mut FormErrors) {
    let at = |field: &str| {
        if prefix.is_empty() {
            field.to_owned()
        } else {
            format!("{prefix}.{field}")
        }
    };
    errors.max_len(at("content"), body.get("content"), CONTENT_MAX);
    if let Some(nonce) = body.get("nonce").and_then(Value::as_str) {
        if nonce.chars().count() > NONCE_MAX {
            errors.add(
                at("nonce"),
                format!("Must be {NONCE_MAX} or fewer in length."),
            );
        }
    }
    check_embeds(array(body.get("embeds")), &at("embeds"), errors);
    check_components(array(body.get("components")), &at("components"), errors);
}

fn check_embeds(embeds: &[Value], at: &str, errors: &mut FormErrors) {
    if embeds.len() > EMBEDS_MAX {
        errors.add(at, format!("Must be {EMBEDS_MAX} or fewer in length."));
    }
    let mut total = 0;
    for (i, embed) in embeds.iter().enumerate() {
        let path = |field: &str| format!("{at}.{i}.{field}");
        errors.max_len(path("title"), embed.get("title"), EMBED_TITLE_MAX);
        errors.max_len(
            path("description"),
            embed.get("description"),
            EMBED_DESCRIPTION_MAX,
        );
        errors.max_len(
            path("footer.text"),
            embed.pointer("/footer/text"),
            EMBED_FOOTER_MAX,
        );
        errors.max_len(
            path("author.name"),
            embed.pointer("/author/name"),
            EMBED_AUTHOR_MAX,
        );
        total += chars(embed.get("title"))
            + chars(embed.get("description"))
            + chars(embed.pointer("/footer/text"))
            + chars(embed.pointer("/author/name"));
        let fields = array(embed.get("fields"));
        if fields.len() > EMBED_FIELDS_MAX {
            errors.add(
                path("fields"),
                format!("Must be {EMBED_FIELDS_MAX} or fewer in length."),
            );
        }
        for (j, field) in fields.iter().enumerate() {
            errors.max_len(
                path(&format!("fields.{j}.name")),
                field.get("name"),
                EMBED_FIELD_NAME_MAX,
            );
            errors.max_len(
                path(&format!("fields.{j}.value")),
                field.get("value"),
                EMBED_FIELD_VALUE_MAX,
            );
            total += chars(field.get("name")) + chars(field.get("value"));
        }
    }
    if total > EMBED_TOTAL_MAX {
        errors.add(
            at,
            format!("Embed size exceeds maximum size of {EMBED_TOTAL_MAX}"),
        );
    }
}

fn check_components(rows: &[Value], at: &str, errors: &mut FormErrors) {
    if rows.len() > ACTION_ROWS_MAX {
        errors.add(at, format!("Must be {ACTION_ROWS_MAX} or fewer in length."));
    }
    let mut custom_ids = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        if row.get("type").and_then(Value::as_u64) != Some(1) {
            errors.add(
                format!("{at}.{i}.type"),
                "Top-level components must be action rows.",
            );
            continue;
        }
        let children = array(row.get("components"));
        let has_select = children
            .iter()
            .any(|c| c.get("type").and_then(Value::as_u64) != Some(2));
        if children.is_empty()
            || children.len() > BUTTONS_PER_ROW_MAX
            || (has_select && children.len() > 1)
        {
            errors.add(
                format!("{at}.{i}.components"),
                "An action row holds 1 to 5 buttons or one select menu.",
            );
        }
        for (j, child) in children.iter().enumerate() {
            let path = |field: &str| format!("{at}.{i}.components.{j}.{field}");
            let is_link = child.get("style").and_then(Value::as_u64) == Some(5);
            if !is_link {
                errors.len_between(path("custom_id"), child.get("custom_id"), 1, CUSTOM_ID_MAX);
                if let Some(id) = child.get("custom_id").and_then(Value::as_str) {
                    if !custom_ids.insert(id.to_owned()) {
                        errors.add(
                            path("custom_id"),
                            "Component custom id cannot be duplicated",
                        );
                    }
                }
            }
            match child.get("type").and_then(Value::as_u64) {
                Some(2) => errors.max_len(path("label"), child.get("label"), BUTTON_LABEL_MAX),
                Some(3) => check_select(child, &path(""), errors),
                _ => {}
            }
        }
    }
}

fn check_select(select: &Value, at: &str, errors: &mut FormErrors) {
    let options = array(select.get("options"));
    if options.is_empty() || options.len() > SELECT_OPTIONS_MAX {
        errors.add(
            format!("{at}options"),
            format!("Must be between 1 and {SELECT_OPTIONS_MAX} in length."),
        );
    }
    for (k, option) in options.iter().enumerate() {
        for field in ["label", "value", "description"] {
            errors.max_len(
                format!("{at}options.{k}.{field}"),
                option.get(field),
                SELECT_OPTION_TEXT_MAX,
            );
        }
    }
}

/// Checks the `data` of a modal response (callback type 9).
pub fn check_modal(data: &Value, errors: &mut FormErrors) {
    errors.len_between("data.title", data.get("title"), 1, MODAL_TITLE_MAX);
    errors.len_between("data.custom_id", data.get("custom_id"), 1, CUSTOM_ID_MAX);
    let rows = array(data.get("components"));
    if rows.is_empty() || rows.len() > 5 {
        errors.add("data.components", "Must be between 1 and 5 in length.");
    }
    for (i, row) in rows.iter().enumerate() {
        let inputs = array(row.get("components"));
        if inputs.len() != 1 || inputs[0].get("type").and_then(Value::as_u64) != Some(4) {
            errors.add(
                format!("data.components.{i}"),
                "Each modal row holds exactly one text input.",
            );
            continue;
        }
        let input = &inputs[0];
        let path = |field: &str| format!("data.components.{i}.components.0.{field}");
        errors.len_between(path("custom_id"), input.get("custom_id"), 1, CUSTOM_ID_MAX);
        errors.len_between(path("label"), input.get("label"), 1, TEXT_INPUT_LABEL_MAX);
        errors.max_len(
            path("placeholder"),
            input.get("placeholder"),
            PLACEHOLDER_MAX,
        );
        errors.max_len(
            path("value"),
            input.get("value"),
            TEXT_INPUT_LENGTH_MAX as usize,
        );
        if let Some(max) = input.get("max_length").and_then(Value::as_u64) {
            if !(1..=TEXT_INPUT_LENGTH_MAX).contains(&max) {
                errors.add(path("max_length"), "Must be between 1 and 4000.");
            }
        }
        if let Some(min) = input.get("min_length").and_then(Value::as_u64) {
            if min > TEXT_INPUT_LENGTH_MAX {
                errors.add(path("min_length"), "Must be between 0 and 4000.");
            }
        }
    }
}

/// Checks the `data` of an autocomplete result (callback type 8).
pub fn check_autocomplete(data: &Value, errors: &mut FormErrors) {
    let choices = array(data.get("choices"));
    if choices.len() > CHOICES_MAX {
        errors.add(
            "data.choices",
            format!("Must be {CHOICES_MAX} or fewer in length."),
        );
    }
    for (i, choice) in choices.iter().enumerate() {
        errors.len_between(
            format!("data.choices.{i}.name"),
            choice.get("name"),
            1,
            CHOICE_TEXT_MAX,
        );
        errors.max_len(
            format!("data.choices.{i}.value"),
            choice.get("value"),
            CHOICE_TEXT_MAX,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(body: Value) -> Vec<String> {
        let mut errors = FormErrors::default();
        check_message(&body, "", &mut errors);
        errors.paths()
    }

    #[test]
    fn content_is_limited_to_2000_characters_not_bytes() {
        assert!(problems(json!({"content": "é".repeat(2000)})).is_empty());
        assert_eq!(problems(json!({"content": "a".repeat(2001)})), ["content"]);
    }

    #[test]
    fn the_embed_total_counts_across_embeds() {
        let embed = json!({"description": "x".repeat(3500)});
        assert_eq!(
            problems(json!({"embeds": [embed.clone(), embed]})),
            ["embeds"]
        );
    }

    #[test]
    fn custom_ids_must_be_unique_and_short() {
        let button = |id: &str| json!({"type": 2, "style": 1, "label": "x", "custom_id": id});
        let body = json!({"components": [{"type": 1, "components": [button("a"), button("a"), button(&"b".repeat(101))]}]});
        assert_eq!(
            problems(body),
            [
                "components.0.components.1.custom_id",
                "components.0.components.2.custom_id"
            ]
        );
    }

    #[test]
    fn the_error_body_is_a_tree() {
        let mut errors = FormErrors::default();
        errors.add("embeds.0.title", "Must be 256 or fewer in length.");
        let body = errors.to_body();
        assert_eq!(body["code"], 50035);
        assert!(body
            .pointer("/errors/embeds/0/title/_errors/0/message")
            .is_some());
    }
}
