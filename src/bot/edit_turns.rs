//! One edit at a time per message key (a proposal's message), in this process. Two refreshes
//! of one proposal (a volunteer's and the publish's, say) must not cross: each reads what is
//! stored only once it has its turn, so the last edit shows the latest state, however the
//! pacer orders their waits for the channel.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedMutexGuard;

/// Entries are dropped once nobody holds or waits for them and the map has grown past this.
const PRUNE_ABOVE: usize = 256;

#[derive(Debug, Default)]
pub struct EditTurns {
    turns: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

impl EditTurns {
    /// Waits for `key`'s turn; it lasts until the guard is dropped.
    pub async fn turn(&self, key: i64) -> OwnedMutexGuard<()> {
        let turn = {
            let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
            if turns.len() > PRUNE_ABOVE {
                turns.retain(|_, turn| Arc::strong_count(turn) > 1);
            }
            Arc::clone(turns.entry(key).or_default())
        };
        turn.lock_owned().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn turns_of_one_key_wait_for_each_other_and_other_keys_do_not() {
        let turns = EditTurns::default();
        let first = turns.turn(1).await;
        let other = tokio::time::timeout(std::time::Duration::from_secs(1), turns.turn(2)).await;
        assert!(other.is_ok(), "another key has its own turn");
        let waiting =
            tokio::time::timeout(std::time::Duration::from_millis(50), turns.turn(1)).await;
        assert!(waiting.is_err(), "the same key waits");
        drop(first);
        let next = tokio::time::timeout(std::time::Duration::from_secs(1), turns.turn(1)).await;
        assert!(next.is_ok(), "its turn comes once the first is done");
    }
}
