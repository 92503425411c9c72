//! The curriculum: loading `prompts/` (a folder, or the copy built into the binary) into an
//! immutable model, validating it, and the pieces of the `allybot content …` tools (their
//! command line is in `cli/content.rs`).

pub mod check;
mod criteria;
pub mod export;
pub mod fit;
pub mod lint;
pub mod load;
pub mod model;
pub mod open_program;
mod parse;
pub mod preview;
pub mod problem;
pub mod programs;
pub mod quality;
pub mod rules;
pub mod source;
pub mod stats;
pub mod texts;

pub use load::{load, load_from, LoadError};
pub use problem::Problem;
pub use source::CurriculumSource;
