//! The data key and the database together. At start-up: load the key (refusing one that other
//! users may read), check it is the key the database's texts are sealed under (never creating
//! a new key over texts an old one sealed, whether the database recorded that key or not), and
//! bring values sealed before migration 0008 to the current format in one transaction. And
//! `allybot key rotate`: a new key, every sealed value re-encrypted in one transaction, the old
//! key kept as `FILE.old`.
//!
//! Rotation survives an interruption at any point, power cuts included: the new key is written
//! to `FILE.new` (file and folder synced) before the database changes, the database changes in
//! one transaction that is on disk before anything else happens (a full checkpoint), then
//! `FILE` becomes `FILE.old` and `FILE.new` becomes `FILE` (the folder synced). Running it
//! again finishes what was started.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::config::ConfigError;
use crate::crypto::{sync_folder, Cipher, CryptoError};
use crate::store::{SealedValue, Store, StoreError, CURRENT_FORMAT};

const KEY: &str = "privacy.data_key_file";

#[derive(Debug, thiserror::Error)]
pub enum DataKeyError {
    /// The key file is missing, unreadable by design, or not the database's key: exit 2.
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Crypto(CryptoError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Refused(String),
}

impl From<CryptoError> for DataKeyError {
    fn from(error: CryptoError) -> Self {
        match error {
            CryptoError::Exposed { .. } | CryptoError::BadKey(_) => {
                DataKeyError::Config(config_error(error.to_string()))
            }
            other => DataKeyError::Crypto(other),
        }
    }
}

impl DataKeyError {
    /// For callers that report with anyhow: a configuration problem stays recognisable (exit 2).
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            DataKeyError::Config(config) => anyhow::Error::new(config),
            other => anyhow::Error::new(other),
        }
    }
}

fn config_error(problem: String) -> ConfigError {
    ConfigError {
        key: KEY.into(),
        problem,
        origin: None,
    }
}

/// `FILE` + `suffix`, beside it.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The key to run with, checked against the database, with every sealed value in the current
/// format.
pub async fn prepare(
    store: &Store,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<Cipher, DataKeyError> {
    let record = store.data_key().await?;
    let shown = path.display();
    let cipher = match (Cipher::load(path)?, &record.key_id) {
        (Some(cipher), _) => cipher,
        (None, None) if store.has_sealed_texts().await? => {
            // Texts sealed before the database recorded its key (migration 0008): a new key
            // could open none of them, and its file would only mislead the next start.
            return Err(config_error(format!(
                "{shown} does not exist, but this database holds texts sealed with a data key: restore the key file from your backup{}",
                interrupted_hint(path)
            ))
            .into());
        }
        (None, None) => {
            let cipher = Cipher::create(path)?;
            tracing::info!(path = %shown, key_id = %cipher.id(), "created a new data key; back it up, apart from the database backups");
            cipher
        }
        (None, Some(id)) => {
            return Err(config_error(format!(
                "{shown} does not exist, but this database's texts are sealed with data key {id}: restore the key file from your backup{}",
                interrupted_hint(path)
            ))
            .into())
        }
    };
    if let Some(id) = record
        .key_id
        .as_deref()
        .filter(|id| *id != cipher.id().to_string())
    {
        return Err(config_error(format!(
            "{shown} holds data key {}, but this database's texts are sealed with data key {id}{}",
            cipher.id(),
            interrupted_hint(path)
        ))
        .into());
    }
    if record.format < CURRENT_FORMAT || record.key_id.is_none() {
        let key_id = cipher.id().to_string();
        let upgraded = store
            .reseal_all(&key_id, now, |value| upgrade(&cipher, value))
            .await?;
        written_through(store).await?;
        tracing::info!(count = upgraded, key_id = %key_id, "sealed texts are in the current format, bound to their rows");
    }
    Ok(cipher)
}

fn interrupted_hint(path: &Path) -> String {
    if beside(path, ".new").exists() {
        format!(
            " (a key rotation was interrupted: run `allybot key rotate` again to finish it; {} holds the new key)",
            beside(path, ".new").display()
        )
    } else {
        String::new()
    }
}

/// A value sealed before migration 0008 (no key id, bound to kind and owner), sealed again for
/// its place.
fn upgrade(
    cipher: &Cipher,
    value: &SealedValue,
) -> Result<Option<Vec<u8>>, crate::store::SealError> {
    if Cipher::key_id_of(&value.sealed) == Some(cipher.id())
        && cipher.open(&value.sealed, &value.field.context()).is_ok()
    {
        return Ok(None);
    }
    let text = cipher.open_legacy(&value.sealed, &value.field.legacy_context())?;
    Ok(Some(cipher.seal(&text, &value.field.context())?))
}

/// What a rotation did.
#[derive(Debug)]
pub struct Rotation {
    pub old_key: String,
    pub new_key: String,
    /// Values re-encrypted now (an interrupted rotation may have done the rest before).
    pub resealed: u64,
    pub old_key_file: PathBuf,
}

/// `allybot key rotate`: the caller holds the database's lock, so no bot is running.
pub async fn rotate(
    store: &Store,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<Rotation, DataKeyError> {
    let (old_path, new_path) = (beside(path, ".old"), beside(path, ".new"));
    let record = store.data_key().await?;
    let pending = Cipher::load(&new_path)?;
    let Some(current) = Cipher::load(path)? else {
        // Interrupted between the two renames: the database and FILE.new agree; finish.
        if let Some(new) = pending.filter(|n| record.key_id == Some(n.id().to_string())) {
            std::fs::rename(&new_path, path).map_err(|e| io(path, e))?;
            sync_folder(path);
            return Ok(Rotation {
                old_key: "(already in ".to_owned() + &old_path.display().to_string() + ")",
                new_key: new.id().to_string(),
                resealed: 0,
                old_key_file: old_path,
            });
        }
        return Err(DataKeyError::Refused(format!(
            "{} does not exist: nothing to rotate (start the bot once to create a key)",
            path.display()
        )));
    };
    if old_path.exists() {
        return Err(DataKeyError::Refused(format!(
            "{} is still there from an earlier rotation: once no backup needs that key, remove it, then rotate again",
            old_path.display()
        )));
    }
    let resumed = pending
        .as_ref()
        .is_some_and(|n| record.key_id == Some(n.id().to_string()));
    if !resumed {
        // The database must be under the current key, in the current format, before moving on.
        prepare(store, path, now).await?;
    }
    let new = match pending {
        Some(new) => new,
        None => Cipher::create(&new_path)?,
    };
    let resealed = store
        .reseal_all(&new.id().to_string(), now, |value| {
            if Cipher::key_id_of(&value.sealed) == Some(new.id()) {
                return Ok(None);
            }
            let context = value.field.context();
            let text = current.open(&value.sealed, &context)?;
            Ok(Some(new.seal(&text, &context)?))
        })
        .await?;
    // The re-seal is on disk before the key files move.
    written_through(store).await?;
    std::fs::rename(path, &old_path).map_err(|e| io(path, e))?;
    std::fs::rename(&new_path, path).map_err(|e| io(path, e))?;
    sync_folder(path);
    Ok(Rotation {
        old_key: current.id().to_string(),
        new_key: new.id().to_string(),
        resealed,
        old_key_file: old_path,
    })
}

/// The re-seal just committed is in the database file and synced, or an error.
async fn written_through(store: &Store) -> Result<(), DataKeyError> {
    if store.write_through().await? {
        Ok(())
    } else {
        Err(DataKeyError::Refused(
            "the re-sealed texts could not be written through to the database file (another connection held a checkpoint off); run this again".into(),
        ))
    }
}

fn io(path: &Path, source: std::io::Error) -> DataKeyError {
    DataKeyError::Crypto(CryptoError::KeyFile {
        path: path.display().to_string(),
        source,
    })
}
