//! One writer per SQLite database: an OS file lock on `<database>.lock`, beside the database,
//! held for the life of the process that serves it (`run`), and for `migrate` and
//! `key rotate`. A second process on the same file is refused at start-up, naming the lock
//! file and the holder's pid; so is a new version started before the old one has exited. The
//! lock is the operating system's (`flock` on Unix), so it is released when its holder exits,
//! however it exits: a crash leaves no stale lock behind.
//!
//! Holding the lock is also what lets start-up take over the claims of earlier processes at
//! once ([`Store::end_foreign_leases`](super::Store::end_foreign_leases)): no other process can
//! be alive.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another allybot process{} is using this database: {path} is locked; stop it first, or give this one its own database.url",
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
    )]
    Held { path: String, pid: Option<u32> },
    #[error("cannot lock the database: {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("database.url is not a SQLite URL: {0}")]
    Url(String),
}

/// The exclusive right to write a database, until dropped.
#[derive(Debug)]
pub struct DatabaseLock {
    /// `None` for an in-memory database, which no other process can reach anyway, and for
    /// PostgreSQL.
    held: Option<(File, PathBuf)>,
}

impl DatabaseLock {
    /// Locks the database at `url`, or says who holds it. A PostgreSQL database is shared by
    /// design (several processes coordinate through leases in it), so there is nothing to lock.
    pub fn acquire(url: &str) -> Result<Self, LockError> {
        if super::Backend::of_url(url) == Some(super::Backend::Postgres) {
            return Ok(Self { held: None });
        }
        let options =
            SqliteConnectOptions::from_str(url).map_err(|e| LockError::Url(e.to_string()))?;
        let database = options.get_filename();
        if database.as_os_str().is_empty() || database.to_string_lossy().starts_with(':') {
            return Ok(Self { held: None });
        }
        let path = lock_path(database);
        let shown = path.display().to_string();
        let io = |source| LockError::Io {
            path: shown.clone(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(LockError::Held {
                    path: shown,
                    pid: holder(&mut file),
                })
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // For the refusal message of the next process (and for people reading the folder).
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(Self {
            held: Some((file, path)),
        })
    }

    /// The lock file, if there is one.
    pub fn path(&self) -> Option<&Path> {
        self.held.as_ref().map(|(_, path)| path.as_path())
    }
}

/// `data/allybot.db` -> `data/allybot.db.lock`.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_database_is_refused_with_the_holders_pid_until_the_first_is_dropped(
    ) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("data/allybot.db").display());

        let first = DatabaseLock::acquire(&url).unwrap();
        let refused = DatabaseLock::acquire(&url).unwrap_err();
        let message = refused.to_string();
        assert!(
            message.contains(&format!("(pid {})", std::process::id())),
            "{message}"
        );
        assert!(message.contains("allybot.db.lock"), "{message}");

        drop(first);
        assert!(DatabaseLock::acquire(&url).is_ok(), "released on drop");
        assert!(DatabaseLock::acquire("sqlite::memory:").is_ok());
    }
}
