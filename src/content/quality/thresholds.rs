//! Every threshold of the quality warnings, in one place. They are the targets of issue 13
//! (curriculum 1.1), and the writers' measuring script uses the same numbers, so a writer who
//! is clean there is clean here. Change one only with the lead, and update docs/CONTENT.md
//! ("Quality warnings") with it.
//!
//! They are constants rather than `lint.toml` entries on purpose: `lint.toml` is the writers'
//! word list, which a folder may replace with its own; these are the program's quality bar,
//! which a folder should not quietly loosen.

/// The best answer's length over the mean length of the other options. Participants learn
/// fast that "the long, careful one" is right; a quarter longer than the others is about where
/// length alone starts to pick the answer.
pub const BEST_ANSWER_LENGTH_RATIO_MAX: f64 = 1.25;

/// The share of a module's quiz items whose best answer is strictly the longest option. If
/// length told nothing, the best answer would be the longest in about a quarter (four
/// options) to a third (three) of the items; 35 % is that, with a little room.
pub const LONGEST_BEST_ANSWER_SHARE_MAX: f64 = 0.35;

/// Shared word 3-grams over the 3-grams of the shorter item. Stock phrases ("in your next
/// meeting") make up a few percent between unrelated items; past a fifth, whole sentences
/// are shared, which participants notice as the same item twice.
pub const SHARED_TRIGRAMS_MAX: f64 = 0.20;

/// Items per track that one dated source (a citation with a year: a study, an article) may
/// support. A single finding behind more items than this means the track leans on it as a
/// template (one study once supported 35 items).
pub const DATED_SOURCE_ITEMS_MAX: usize = 10;

/// Items per track that one undated source (a guide, an organization's material) may
/// support. Guides cover many practices, so they may carry more, but not half a track.
pub const UNDATED_SOURCE_ITEMS_MAX: usize = 25;

/// How many item ids a "cited too often" warning lists before "and N more": enough to start
/// from, short enough to read. Searching the files for the source finds the rest.
pub const IDS_LISTED_MAX: usize = 10;
