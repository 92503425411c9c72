//! The curriculum: loading `prompts/` into an immutable model, validating it, and the
//! pieces of the `allybot content …` tools (their command line is in `cli/content.rs`).

pub mod check;
pub mod fit;
pub mod lint;
pub mod load;
pub mod model;
mod parse;
pub mod preview;
pub mod problem;
pub mod programs;
pub mod rules;
pub mod stats;

pub use load::{load, LoadError};
pub use problem::Problem;
