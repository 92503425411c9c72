//! The quality warnings, one file per rule, each on tiny fixture curricula: a bad fixture
//! shows the warning, a good one does not.

mod answer_cue;
mod fixture;
mod named_author;
mod near_duplicates;
mod order;
mod sources;
mod spelling;
