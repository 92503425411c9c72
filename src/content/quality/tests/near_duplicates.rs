//! Near-duplicate items: across tracks, at the threshold, and the index against every pair.

use super::fixture::{prompt, reflection, Fixture, Track, FILE};
use crate::content::quality::near_duplicates::{entries, pairs, Entry};
use crate::content::quality::thresholds::SHARED_TRIGRAMS_MAX;

#[test]
fn near_copies_in_two_tracks_are_named_with_both_ids_and_the_share() {
    let text = "Before the next meeting, ask who usually takes the notes and offer to take them.";
    let track = |id: &'static str, other: &str, question: &str| Track {
        id,
        modules: vec![[
            prompt(
                &format!("{id}-m1-p01"),
                "Take the notes",
                text,
                &["S, 2020"],
            ),
            prompt(
                &format!("{id}-m1-p02"),
                "Something else",
                other,
                &["S, 2020"],
            ),
            reflection(&format!("{id}-m1-r01"), question, &["S, 2020"]),
        ]
        .concat()],
    };
    let fixture = Fixture::new(&[
        // The reflection has the prompt's words, but it is another kind of item: not compared.
        track(
            "aa",
            "Thank the person who fixed the build, by name, in the channel.",
            text,
        ),
        track(
            "bb",
            "Notice whose questions get answered first in review threads today.",
            "Whose work went unseen this week?",
        ),
    ]);
    assert_eq!(
        fixture.lines(),
        ["aa/01-module.toml: aa-m1-p01: warning: shares 100% of its word 3-grams with bb-m1-p01 \
          (bb/01-module.toml) (at most 20%); rewrite one of them so each teaches something of \
          its own"]
    );
}

#[test]
fn sharing_exactly_a_fifth_of_the_shorter_items_3_grams_is_allowed() {
    // Twelve words each, so ten 3-grams: the first shares two 3-grams (20%), the second three.
    let base = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima";
    let fifth = "alpha bravo charlie delta one two three four five six seven eight";
    let more = "alpha bravo charlie delta echo un deux trois quatre cinq six2 sept";
    let items = [
        reflection("fx-m1-r01", base, &["S, 2020"]),
        reflection("fx-m1-r02", fifth, &["S, 2020"]),
        reflection("fx-m1-r03", more, &["S, 2020"]),
    ];
    let lines = Fixture::module(&items.concat()).lines();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].starts_with(&format!(
            "{FILE}: fx-m1-r01: warning: shares 30% of its word 3-grams with fx-m1-r03 (at most"
        )),
        "{lines:#?}"
    );
}

/// Every pair compared directly: what the index must find.
fn all_pairs(entries: &[Entry<'_>]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for (first, a) in entries.iter().enumerate() {
        for (offset, b) in entries[first + 1..].iter().enumerate() {
            let shared = a.grams.iter().filter(|g| b.grams.binary_search(g).is_ok());
            let shorter = a.grams.len().min(b.grams.len());
            if shorter > 0 && shared.count() as f64 / shorter as f64 > SHARED_TRIGRAMS_MAX {
                found.push((first, first + 1 + offset));
            }
        }
    }
    found
}

#[test]
fn the_3_gram_index_finds_exactly_the_pairs_that_comparing_every_pair_finds() {
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
    let curriculum = crate::content::load(&shipped).expect("the shipped curriculum loads");
    let entries = entries(&curriculum);
    let indexed: Vec<(usize, usize)> = pairs(&entries)
        .iter()
        .map(|p| (p.first, p.second))
        .collect();
    assert_eq!(indexed, all_pairs(&entries));
}
