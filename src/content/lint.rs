//! The tone lint: finds terms from an editable list (`lint.toml` in the curriculum folder, or
//! the shipped `prompts/lint.toml` built in) so the curriculum models the language it teaches.
//!
//! Built to avoid the false positives peers complained of (research/peer-bots.md 3.5):
//! whole words only ("master's" is not "master", "Mastery" is not "master"); text in straight
//! or curly double quotes is skipped, since content that teaches about a word quotes it;
//! allow-list phrases ("Five Guys") are masked before matching; an item's `lint_allow` allows
//! terms for that item. The list itself is small and every entry says why it is there.

use serde::Deserialize;

use crate::toml_error::describe;

/// The shipped list, used when a curriculum folder has no `lint.toml` of its own.
pub const BUILTIN: &str = include_str!("../../prompts/lint.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LintFile {
    #[serde(default)]
    allow: Vec<String>,
    terms: Vec<TermEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TermEntry {
    term: String,
    #[serde(default)]
    forms: Vec<String>,
    suggest: Vec<String>,
    why: String,
}

/// One word of a phrase; `prefix` when written with a trailing `*` ("crippl*").
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    word: String,
    prefix: bool,
}

type Phrase = Vec<Pattern>;

#[derive(Debug)]
struct Term {
    name: String,
    forms: Vec<Phrase>,
    /// The written forms, lowercased, which `lint_allow` may name instead of the term.
    written: Vec<String>,
    suggest: Vec<String>,
}

#[derive(Debug)]
pub struct Lint {
    terms: Vec<Term>,
    allow: Vec<Phrase>,
}

/// A flagged term in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The term's name in `lint.toml` (what `lint_allow` lists).
    pub term: String,
    /// The words as written in the text.
    pub found: String,
    pub suggest: Vec<String>,
}

impl Lint {
    /// Parses a `lint.toml`; `Err` is one line naming the line and what is wrong.
    pub fn parse(text: &str) -> Result<Lint, String> {
        let file: LintFile = toml::from_str(text).map_err(|e| describe(text, &e))?;
        let mut terms = Vec::with_capacity(file.terms.len());
        for entry in file.terms {
            terms.push(term(entry)?);
        }
        let allow = file
            .allow
            .iter()
            .map(|p| phrase(p).ok_or_else(|| format!("allow: \"{p}\" has no words")))
            .collect::<Result<_, _>>()?;
        Ok(Lint { terms, allow })
    }

    /// The shipped list.
    pub fn builtin() -> Result<Lint, String> {
        Lint::parse(BUILTIN)
    }

    /// Whether `name` (from an item's `lint_allow`) names a term or one of its forms.
    pub fn knows(&self, name: &str) -> bool {
        self.term_of(name).is_some()
    }

    /// The term an item's `lint_allow` entry names (by the term or one of its forms).
    pub fn term_of(&self, name: &str) -> Option<&str> {
        let name = name.trim().to_lowercase();
        self.terms
            .iter()
            .find(|t| t.name == name || t.written.contains(&name))
            .map(|t| t.name.as_str())
    }

    /// Flagged terms in `text`, in order, except those `allowed` names.
    pub fn hits(&self, text: &str, allowed: &[String]) -> Vec<Hit> {
        let mut tokens = tokenize(text);
        for phrase in &self.allow {
            mask(&mut tokens, phrase);
        }
        let allowed: Vec<&str> = allowed.iter().filter_map(|a| self.term_of(a)).collect();
        let mut hits: Vec<(usize, Hit)> = Vec::new();
        for term in &self.terms {
            if allowed.contains(&term.name.as_str()) {
                continue;
            }
            let mut starts = Vec::new(); // two forms may match the same words
            for form in &term.forms {
                for (start, end) in matches(&tokens, form) {
                    if starts.contains(&start) {
                        continue;
                    }
                    starts.push(start);
                    let written = &text[tokens[start].start..tokens[end - 1].end];
                    let found = written.split_whitespace().collect::<Vec<_>>().join(" ");
                    let hit = Hit {
                        term: term.name.clone(),
                        found,
                        suggest: term.suggest.clone(),
                    };
                    hits.push((tokens[start].start, hit));
                }
            }
        }
        hits.sort_by_key(|(at, _)| *at);
        hits.into_iter().map(|(_, hit)| hit).collect()
    }

    /// Like [`Lint::hits`] but ignoring `lint_allow`: which allowed names the text needs.
    pub fn needed(&self, text: &str) -> Vec<String> {
        self.hits(text, &[]).into_iter().map(|h| h.term).collect()
    }
}

fn term(entry: TermEntry) -> Result<Term, String> {
    let name = entry.term.trim().to_lowercase();
    if name.is_empty() || entry.why.trim().is_empty() || entry.suggest.is_empty() {
        return Err(format!(
            "term \"{name}\": needs a term, a why and at least one suggestion"
        ));
    }
    let written: Vec<String> = if entry.forms.is_empty() {
        vec![name.clone()]
    } else {
        entry
            .forms
            .iter()
            .map(|f| f.trim().to_lowercase())
            .collect()
    };
    let forms = written
        .iter()
        .map(|f| phrase(f).ok_or_else(|| format!("term \"{name}\": form \"{f}\" has no words")))
        .collect::<Result<_, _>>()?;
    Ok(Term {
        name,
        forms,
        written,
        suggest: entry.suggest,
    })
}

fn phrase(text: &str) -> Option<Phrase> {
    let phrase: Phrase = tokenize(text)
        .into_iter()
        .map(|t| Pattern {
            word: t.word,
            prefix: text[t.end..].starts_with('*'),
        })
        .collect();
    (!phrase.is_empty()).then_some(phrase)
}

/// A word of the text: letters and digits, with apostrophes inside it ("master's", "don't").
#[derive(Debug, Clone)]
struct Token {
    /// Lowercased, curly apostrophes made straight.
    word: String,
    start: usize,
    end: usize,
    /// Only spaces, hyphens or slashes separate it from the previous word, so a phrase may
    /// continue across ("tone-deaf", "man hours", "master/slave"), but not across a full stop.
    joined: bool,
    /// Inside double quotes, or part of an allowed phrase: never flagged.
    masked: bool,
}

fn tokenize(text: &str) -> Vec<Token> {
    let quoted = quoted_ranges(text);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut tokens: Vec<Token> = Vec::new();
    let mut index = 0;
    let mut previous_end = 0;
    while index < chars.len() {
        if !chars[index].1.is_alphanumeric() {
            index += 1;
            continue;
        }
        let start = chars[index].0;
        let mut word = String::new();
        while index < chars.len() {
            let c = chars[index].1;
            let apostrophe = matches!(c, '\'' | '’');
            let inner = apostrophe
                && chars
                    .get(index + 1)
                    .is_some_and(|(_, n)| n.is_alphanumeric())
                && !word.is_empty();
            if c.is_alphanumeric() {
                word.extend(c.to_lowercase());
            } else if inner {
                word.push('\'');
            } else {
                break;
            }
            index += 1;
        }
        let end = chars.get(index).map_or(text.len(), |(at, _)| *at);
        let separator = &text[previous_end..start];
        let joined = !tokens.is_empty()
            && separator
                .chars()
                .all(|c| c.is_whitespace() || c == '-' || c == '/');
        let masked = quoted.iter().any(|(from, to)| start >= *from && end <= *to);
        tokens.push(Token {
            word,
            start,
            end,
            joined,
            masked,
        });
        previous_end = end;
    }
    tokens
}

/// Byte ranges inside "…" or “…”. An unpaired quote mark quotes nothing, so a stray one cannot
/// hide the rest of a text from the lint.
fn quoted_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some((offset, open)) = text[from..]
        .char_indices()
        .find(|(_, c)| matches!(c, '"' | '“'))
    {
        let inner = from + offset + open.len_utf8();
        let close = if open == '"' { '"' } else { '”' };
        match text[inner..].find(close) {
            Some(length) => {
                ranges.push((from + offset, inner + length));
                from = inner + length + close.len_utf8();
            }
            None => from = inner,
        }
    }
    ranges
}

/// Where `phrase` occurs among unmasked tokens, as token ranges.
fn matches(tokens: &[Token], phrase: &[Pattern]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    if phrase.is_empty() || tokens.len() < phrase.len() {
        return found;
    }
    for start in 0..=tokens.len() - phrase.len() {
        let window = &tokens[start..start + phrase.len()];
        let words_match = window.iter().zip(phrase).all(|(token, pattern)| {
            !token.masked
                && if pattern.prefix {
                    token.word.starts_with(&pattern.word)
                } else {
                    token.word == pattern.word
                }
        });
        if words_match && window.iter().skip(1).all(|t| t.joined) {
            found.push((start, start + phrase.len()));
        }
    }
    found
}

fn mask(tokens: &mut [Token], phrase: &[Pattern]) {
    for (start, end) in matches(tokens, phrase) {
        for token in &mut tokens[start..end] {
            token.masked = true;
        }
    }
}

#[cfg(test)]
mod tests;
