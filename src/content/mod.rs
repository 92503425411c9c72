//! The curriculum: loading `prompts/` into an immutable model, validating it, and the
//! `allybot content …` tools.

pub mod cli;
pub mod fit;
pub mod model;
