//! One write transaction at a time, taken in turn inside the process. SQLite has one write lock;
//! a connection that finds it taken sleeps in SQLite's busy handler and polls again after 1, 2,
//! 5, 10, 15, 20, 25... ms, so under load a waiter keeps sleeping after the lock is free, and
//! the profile of benchmark 2 showed interactions spending tens of milliseconds there. Queueing
//! for the turn here first (a fair, first-come mutex) wakes the next writer the moment the
//! previous one ends. Only this process writes the database (the file lock of `lock.rs`), so
//! the turn is normally all a writer waits for; SQLite's busy handler still covers anything
//! else that touches the file (a single-statement write outside a transaction, a backup).

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use sqlx::{Sqlite, SqliteConnection, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Shared by every clone of a [`Store`](super::Store).
pub(crate) type WriteTurns = Arc<Mutex<()>>;

/// A write transaction (begun with `BEGIN IMMEDIATE`) holding the process's write turn until
/// it commits, rolls back or is dropped. Use it as a connection: `.execute(&mut *tx)`.
pub(crate) struct WriteTx {
    // Declared first so it is dropped (rolled back, if still open) before the turn passes on.
    tx: Transaction<'static, Sqlite>,
    _turn: OwnedMutexGuard<()>,
}

impl WriteTx {
    pub(crate) fn new(tx: Transaction<'static, Sqlite>, turn: OwnedMutexGuard<()>) -> Self {
        Self { tx, _turn: turn }
    }

    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

#[cfg(test)]
mod tests {
    use super::super::Store;

    async fn guilds(store: &Store) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM guilds")
            .fetch_one(store.pool())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_writer_gets_its_turn_after_the_one_before_commits_or_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&format!("sqlite://{}", dir.path().join("t.db").display()))
            .await
            .unwrap();
        let insert = |id: i64| {
            sqlx::query("INSERT INTO guilds (guild_id, joined_at) VALUES (?1, 0)").bind(id)
        };

        let mut abandoned = store.begin_write().await.unwrap();
        insert(1).execute(&mut *abandoned).await.unwrap();
        let next = tokio::spawn({
            let store = store.clone();
            async move {
                let mut tx = store.begin_write().await.unwrap();
                insert(2).execute(&mut *tx).await.unwrap();
                tx.commit().await.unwrap();
            }
        });
        // Dropped without committing: rolled back, and the turn passes to the next writer.
        drop(abandoned);
        next.await.unwrap();
        assert_eq!(guilds(&store).await, 1, "only the committed row");

        let mut last = store.begin_write().await.unwrap();
        insert(3).execute(&mut *last).await.unwrap();
        last.commit().await.unwrap();
        assert_eq!(guilds(&store).await, 2);
        assert_eq!(
            store.write_waits().count,
            3,
            "every transaction's wait is counted"
        );
    }
}
