//! `allybot content check | stats | preview`.

use crate::cli::{ContentCommand, Failure};
use crate::config::Settings;

pub fn execute(_settings: &Settings, _action: ContentCommand) -> Result<(), Failure> {
    Err(Failure::Other(anyhow::anyhow!(
        "the curriculum tools are not built yet"
    )))
}
