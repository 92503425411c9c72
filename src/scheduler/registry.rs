//! At most one scheduler loop per database in a process. A second one would be harmless for
//! exactly-once (claims are UNIQUE rows) but would double every query and hide a wiring bug
//! such as starting the loop from a gateway `ready`, so it is refused.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

#[derive(Debug, thiserror::Error)]
#[error("a scheduler is already running on {0} in this process")]
pub struct AlreadyRunning(pub String);

fn running() -> &'static Mutex<HashMap<String, usize>> {
    static RUNNING: OnceLock<Mutex<HashMap<String, usize>>> = OnceLock::new();
    RUNNING.get_or_init(Default::default)
}

/// Held by a running loop; dropping it (the loop ended or was aborted) unregisters.
pub(super) struct Registration(String);

impl Drop for Registration {
    fn drop(&mut self) {
        let mut running = running().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = running.get_mut(&self.0) {
            *count = count.saturating_sub(1);
        }
    }
}

pub(super) fn register(database: &str) -> Result<Registration, AlreadyRunning> {
    let mut running = running().lock().unwrap_or_else(|e| e.into_inner());
    let count = running.entry(database.to_owned()).or_default();
    if *count > 0 {
        return Err(AlreadyRunning(database.to_owned()));
    }
    *count += 1;
    Ok(Registration(database.to_owned()))
}

/// How many scheduler loops this process runs on `database` (0 or 1).
pub fn running_schedulers(database: &str) -> usize {
    running()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(database)
        .copied()
        .unwrap_or(0)
}
