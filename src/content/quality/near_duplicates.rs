//! Near-duplicate items anywhere in the curriculum: two items of the same kind that share
//! more than a fifth of their word 3-grams, counted over the shorter item. A participant who
//! meets both copies (in another module, in the other track, in a program drawing on several
//! modules) learns nothing from the second.
//!
//! Comparing every pair is quadratic; instead every (3-gram, item) is sorted once, so the
//! items holding one 3-gram sit together, and only items that share a 3-gram are ever counted
//! against each other.

use std::collections::HashMap;

use super::thresholds::SHARED_TRIGRAMS_MAX;
use super::Warning;
use crate::content::load::relative_file;
use crate::content::model::{Curriculum, Module};

/// Items are compared only with items of the same kind: a prompt and a quiz item on one topic
/// share phrases by design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Prompt,
    Quiz,
    Reflection,
    Commitment,
}

/// One item's id, file and distinct 3-grams (see [`gram`]), sorted.
#[derive(Debug)]
pub struct Entry<'a> {
    pub id: &'a str,
    pub file: String,
    pub grams: Vec<u64>,
}

/// A 3-gram of word numbers, with the item's kind, as one number: items of different kinds
/// never share one. Word numbers take 20 bits each, room for a million distinct words.
fn gram(kind: Kind, words: &[u32]) -> u64 {
    let word = |at: usize| u64::from(words[at] & 0xF_FFFF);
    (kind as u64) << 60 | word(0) << 40 | word(1) << 20 | word(2)
}

/// Numbers each distinct word of the curriculum.
#[derive(Default)]
struct Words {
    numbers: HashMap<String, u32>,
}

impl Words {
    fn entry<'a>(&mut self, id: &'a str, file: &str, kind: Kind, text: &str) -> Entry<'a> {
        let text = normalized(text);
        let numbers: Vec<u32> = words(&text).map(|w| self.number(w)).collect();
        let mut grams: Vec<u64> = numbers.windows(3).map(|w| gram(kind, w)).collect();
        grams.sort_unstable();
        grams.dedup();
        Entry {
            id,
            file: file.to_owned(),
            grams,
        }
    }

    fn number(&mut self, word: &str) -> u32 {
        if let Some(number) = self.numbers.get(word) {
            return *number;
        }
        let number = self.numbers.len() as u32;
        self.numbers.insert(word.to_owned(), number);
        number
    }
}

/// Lowercased, curly apostrophes made straight.
fn normalized(text: &str) -> String {
    text.to_lowercase().replace('’', "'")
}

/// The words of a [`normalized`] text: letters a-z, digits and apostrophes. Any other
/// character (accented letters too) ends a word, as in the writers' script.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '\''))
        .filter(|w| !w.is_empty())
}

/// Every item of the curriculum with its 3-grams, in curriculum order.
pub fn entries(curriculum: &Curriculum) -> Vec<Entry<'_>> {
    let mut words = Words::default();
    let mut entries = Vec::new();
    // An open-ended program's modules are copies of other tracks' modules: compared there.
    let own = curriculum.tracks.iter().filter(|t| !t.is_open());
    for module in own.flat_map(|t| &t.modules) {
        entries.extend(module_entries(module, &mut words));
    }
    entries
}

/// The text compared for each kind: what a participant reads as "the item".
fn module_entries<'a>(module: &'a Module, words: &mut Words) -> Vec<Entry<'a>> {
    let file = relative_file(module);
    let mut entries = Vec::new();
    for prompt in &module.prompts {
        let text = format!("{} {}", prompt.title, prompt.text);
        entries.push(words.entry(&prompt.id, &file, Kind::Prompt, &text));
    }
    for item in &module.quiz {
        let mut text = item.scenario.clone();
        for option in &item.options {
            text.push(' ');
            text.push_str(&option.text);
        }
        entries.push(words.entry(&item.id, &file, Kind::Quiz, &text));
    }
    for reflection in &module.reflections {
        let text = &reflection.text;
        entries.push(words.entry(&reflection.id, &file, Kind::Reflection, text));
    }
    for template in &module.commitments {
        let text = format!("{} {}", template.when, template.will);
        entries.push(words.entry(&template.id, &file, Kind::Commitment, &text));
    }
    entries
}

/// A pair of items over the threshold: indexes into the entries, `first < second`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub first: usize,
    pub second: usize,
    /// Shared 3-grams over the 3-grams of the shorter item.
    pub shared: f64,
}

/// Every pair over [`SHARED_TRIGRAMS_MAX`], ordered by first item, then second.
pub fn pairs(entries: &[Entry<'_>]) -> Vec<Pair> {
    // Every (3-gram, holder), sorted: the holders of one 3-gram are a run, in entry order.
    let mut held: Vec<(u64, usize)> = entries
        .iter()
        .enumerate()
        .flat_map(|(index, entry)| entry.grams.iter().map(move |gram| (*gram, index)))
        .collect();
    held.sort_unstable();
    let mut places: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
    for (place, (_, holder)) in held.iter().enumerate() {
        places[*holder].push(place);
    }
    let mut shared_with = vec![0u32; entries.len()];
    let mut pairs = Vec::new();
    for (first, places) in places.iter().enumerate() {
        let mut met = Vec::new();
        for &place in places {
            let gram = held[place].0;
            // Only later holders, so each pair is counted once, from its first item.
            for &(_, second) in held[place + 1..].iter().take_while(|(g, _)| *g == gram) {
                if shared_with[second] == 0 {
                    met.push(second);
                }
                shared_with[second] += 1;
            }
        }
        met.sort_unstable();
        for second in met {
            let shorter = entries[first].grams.len().min(entries[second].grams.len());
            let shared = f64::from(shared_with[second]) / shorter as f64;
            shared_with[second] = 0;
            if shared > SHARED_TRIGRAMS_MAX {
                pairs.push(Pair {
                    first,
                    second,
                    shared,
                });
            }
        }
    }
    pairs
}

/// One warning per pair, on the earlier item, naming the later one and its file.
pub fn warnings(curriculum: &Curriculum) -> Vec<Warning> {
    let entries = entries(curriculum);
    pairs(&entries)
        .into_iter()
        .map(|pair| {
            let (first, second) = (&entries[pair.first], &entries[pair.second]);
            let place = if first.file == second.file {
                String::new()
            } else {
                format!(" ({})", second.file)
            };
            Warning::new(
                &first.file,
                first.id,
                format!(
                    "shares {:.0}% of its word 3-grams with {}{place} (at most {:.0}%); rewrite \
                     one of them so each teaches something of its own",
                    100.0 * pair.shared,
                    second.id,
                    100.0 * SHARED_TRIGRAMS_MAX
                ),
            )
        })
        .collect()
}
