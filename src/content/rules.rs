//! The content rules for one item at a time: lengths, sentence counts, question marks, the
//! if-then form, options and explanations, sources, and the id scheme. Each rule returns the
//! "what is wrong" part of a problem line; [`super::check`] adds the file and id.

use super::model::{CommitmentTemplate, Prompt, QuizItem, Reflection};
use crate::domain::plural;

pub const TITLE_MAX: usize = 80;
pub const PROMPT_TEXT_MAX: usize = 700;
pub const PROMPT_SENTENCES: (usize, usize) = (2, 5);
/// Reflection questions, prompt reflections and both halves of a commitment template: they
/// fill form placeholders, which Discord caps at 100.
pub const SHORT_TEXT_MAX: usize = 100;
pub const CONTENT_NOTE_MAX: usize = 150;
pub const SOURCE_MAX: usize = 120;
pub const SCENARIO_MAX: usize = 600;
pub const OPTION_MAX: usize = 200;
pub const EXPLANATION_MAX: usize = 400;
pub const OPTIONS: (usize, usize) = (3, super::load::MAX_OPTIONS);

/// Which ids a module's items should have: `<prefix>-m<module>-<kind><NN>`. `prefix` is `None`
/// for a track that is not one of the two programs: any lowercase prefix is fine there.
#[derive(Debug, Clone, Copy)]
pub struct IdScheme<'a> {
    pub prefix: Option<&'a str>,
    pub module: u8,
}

fn length(text: &str) -> usize {
    text.trim().chars().count()
}

/// "is empty" or "is N characters; at most M", or nothing.
fn sized(field: &str, text: &str, max: usize, problems: &mut Vec<String>) {
    let n = length(text);
    if n == 0 {
        problems.push(format!("{field} is empty"));
    } else if n > max {
        problems.push(format!("{field} is {n} characters; at most {max}"));
    }
}

fn question(field: &str, text: &str, problems: &mut Vec<String>) {
    sized(field, text, SHORT_TEXT_MAX, problems);
    if length(text) > 0 && !text.trim().ends_with('?') {
        problems.push(format!("{field} does not end with \"?\""));
    }
}

fn content_note(note: Option<&String>, problems: &mut Vec<String>) {
    if let Some(note) = note {
        sized("content_note", note, CONTENT_NOTE_MAX, problems);
    }
}

pub fn id(id: &str, kind: char, scheme: IdScheme<'_>) -> Vec<String> {
    let well_formed = (3..=32).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !well_formed {
        return vec!["id must be 3 to 32 characters of a-z, 0-9 and -".to_owned()];
    }
    let parts: Vec<&str> = id.split('-').collect();
    let prefix_ok = |p: &str| match scheme.prefix {
        Some(expected) => p == expected,
        None => {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        }
    };
    let number_ok = |p: &str| {
        p.strip_prefix(kind)
            .is_some_and(|n| n.len() >= 2 && n.chars().all(|c| c.is_ascii_digit()))
    };
    let follows = parts.len() == 3
        && prefix_ok(parts[0])
        && parts[1] == format!("m{}", scheme.module)
        && number_ok(parts[2]);
    if follows {
        return Vec::new();
    }
    let prefix = scheme.prefix.unwrap_or("<track>");
    vec![format!(
        "id does not follow the scheme {prefix}-m{}-{kind}<NN>",
        scheme.module
    )]
}

pub fn sources(sources: &[String]) -> Vec<String> {
    if sources.is_empty() {
        return vec!["sources is empty; cite at least one short source".to_owned()];
    }
    let mut problems = Vec::new();
    for (index, source) in sources.iter().enumerate() {
        sized(
            &format!("source {}", index + 1),
            source,
            SOURCE_MAX,
            &mut problems,
        );
    }
    problems
}

pub fn prompt(prompt: &Prompt) -> Vec<String> {
    let mut problems = Vec::new();
    sized("title", &prompt.title, TITLE_MAX, &mut problems);
    if prompt.title.trim().ends_with('.') {
        problems.push("title ends with a full stop; titles have none".to_owned());
    }
    sized("text", &prompt.text, PROMPT_TEXT_MAX, &mut problems);
    let count = sentences(&prompt.text);
    let (least, most) = PROMPT_SENTENCES;
    if !(least..=most).contains(&count) {
        problems.push(format!(
            "text has {}; a prompt has {least} to {most}",
            plural::count(count as u64, "sentence", "sentences")
        ));
    }
    if let Some(reflection) = &prompt.reflection {
        question("reflection", reflection, &mut problems);
    }
    content_note(prompt.content_note.as_ref(), &mut problems);
    problems
}

pub fn quiz(item: &QuizItem) -> Vec<String> {
    let mut problems = Vec::new();
    sized("scenario", &item.scenario, SCENARIO_MAX, &mut problems);
    if length(&item.scenario) > 0 && !item.scenario.trim().ends_with('?') {
        problems.push("scenario does not end with a question (\"?\")".to_owned());
    }
    content_note(item.content_note.as_ref(), &mut problems);
    let (least, most) = OPTIONS;
    // More than the most is a loading error already (the bot cannot show it).
    if item.options.len() < least {
        problems.push(format!(
            "has {}; a quiz item has {least} to {most}",
            plural::count(item.options.len() as u64, "option", "options")
        ));
    }
    for (index, option) in item.options.iter().enumerate() {
        let number = index + 1;
        sized(
            &format!("option {number} text"),
            &option.text,
            OPTION_MAX,
            &mut problems,
        );
        if length(&option.explanation) == 0 {
            problems.push(format!("option {number} has no explanation"));
        } else {
            sized(
                &format!("option {number} explanation"),
                &option.explanation,
                EXPLANATION_MAX,
                &mut problems,
            );
        }
        let same = item.options[..index]
            .iter()
            .position(|o| o.text.trim().eq_ignore_ascii_case(option.text.trim()));
        if let (Some(earlier), true) = (same, length(&option.text) > 0) {
            problems.push(format!("option {number} repeats option {}", earlier + 1));
        }
    }
    problems
}

pub fn reflection(reflection: &Reflection) -> Vec<String> {
    let mut problems = Vec::new();
    question("text", &reflection.text, &mut problems);
    problems
}

pub fn commitment(template: &CommitmentTemplate) -> Vec<String> {
    let mut problems = Vec::new();
    sized("when", &template.when, SHORT_TEXT_MAX, &mut problems);
    sized("will", &template.will, SHORT_TEXT_MAX, &mut problems);
    if !starts_with_word(&template.when, &["When", "If"]) {
        problems.push("when must start with \"When\" or \"If\"".to_owned());
    }
    if !starts_with_word(&template.will, &["I will", "I'll", "I’ll"]) {
        problems.push("will must start with \"I will\" or \"I'll\"".to_owned());
    }
    problems
}

/// `text` starts with one of `words` as whole words ("When" but not "Whenever").
fn starts_with_word(text: &str, words: &[&str]) -> bool {
    let text = text.trim_start();
    words.iter().any(|word| {
        text.strip_prefix(word)
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphanumeric()))
    })
}

/// Abbreviations whose full stop does not end a sentence (lowercased, without the last dot).
/// Kept to forms that cannot end a sentence in this curriculum's prose ("etc." can, but
/// rarely does before a capital).
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "al", "vs", "cf", "approx", "dr", "mr", "mrs", "ms", "prof", "u.s", "u.k",
    "a.m", "p.m",
];

/// Counts sentences the way a reader would: a sentence ends at `.`, `!` or `?` (after any
/// closing quote or bracket) followed by a space and a capital, digit or opening quote, unless
/// the word before is an abbreviation ("e.g.", "U.S.") or an initial ("J.").
///
/// Quoted speech belongs to the sentence that quotes it: a full stop inside double quotes
/// ends a sentence only when it also ends the quotation (`"Thanks." Then…`).
pub fn sentences(text: &str) -> usize {
    let chars: Vec<char> = text.trim().chars().collect();
    let mut count = 0;
    let mut has_words = false;
    let mut quoted = false;
    for (index, c) in chars.iter().enumerate() {
        match c {
            '"' => quoted = !quoted,
            '“' => quoted = true,
            '”' => quoted = false,
            _ => {}
        }
        has_words |= c.is_alphanumeric();
        let closes_quote = || !quoted || ends_quotation(&chars, index);
        if matches!(c, '.' | '!' | '?')
            && has_words
            && closes_quote()
            && ends_sentence(&chars, index)
        {
            count += 1;
            has_words = false;
        }
    }
    count + usize::from(has_words)
}

/// Whether the punctuation at `at` is the last thing inside a quotation (`…me?"`).
fn ends_quotation(chars: &[char], at: usize) -> bool {
    let after = chars[at..].iter().find(|c| !matches!(c, '.' | '!' | '?'));
    matches!(after, Some('"' | '”'))
}

fn ends_sentence(chars: &[char], at: usize) -> bool {
    let mut next = at + 1;
    while next < chars.len()
        && matches!(chars[next], '.' | '!' | '?' | '"' | '”' | '’' | '\'' | ')')
    {
        next += 1;
    }
    if next >= chars.len() {
        return true;
    }
    if !chars[next].is_whitespace() {
        return false; // "3.5", "U.S.", "e.g."
    }
    let following = chars[next..].iter().find(|c| !c.is_whitespace());
    let starts_new = following
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '('));
    starts_new && !(chars[at] == '.' && after_abbreviation(chars, at))
}

fn after_abbreviation(chars: &[char], dot: usize) -> bool {
    let start = chars[..dot]
        .iter()
        .rposition(|c| c.is_whitespace() || matches!(c, '(' | '"' | '“'))
        .map_or(0, |p| p + 1);
    let word: String = chars[start..dot].iter().collect::<String>().to_lowercase();
    let single_initial = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
    single_initial || ABBREVIATIONS.contains(&word.as_str())
}

#[cfg(test)]
mod tests;
