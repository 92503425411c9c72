//! `allybot key rotate`: a new data key, every sealed text re-encrypted with it in one
//! transaction, the old key kept as `FILE.old` until the operator removes it. The database's
//! lock is held throughout, so it never runs under a bot (which would seal with the old key).

use crate::cli::{Failure, KeyCommand};
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::data_key::{self, DataKeyError};
use crate::domain::plural;
use crate::store::{DatabaseLock, Store};

pub async fn execute(
    settings: &Settings,
    clock: SharedClock,
    action: KeyCommand,
) -> Result<(), Failure> {
    match action {
        KeyCommand::Rotate => rotate(settings, clock).await,
    }
}

async fn rotate(settings: &Settings, clock: SharedClock) -> Result<(), Failure> {
    let _lock = DatabaseLock::acquire(&settings.database.url).map_err(anyhow::Error::from)?;
    let store = Store::open_without_migrating(&settings.database.url)
        .await
        .map_err(anyhow::Error::from)?;
    super::exclusive::refuse_under_a_running_bot(&store, clock.now()).await?;
    store.migrate().await.map_err(anyhow::Error::from)?;
    let rotated = data_key::rotate(&store, &settings.privacy.data_key_file, clock.now()).await;
    store.close().await;
    let rotation = rotated.map_err(|e| Failure::classify(DataKeyError::into_anyhow(e)))?;
    println!(
        "allybot: {} re-encrypted with data key {} (was {}); the old key is in {}: remove it once no backup sealed with it is kept",
        plural::count(rotation.resealed, "text", "texts"),
        rotation.new_key,
        rotation.old_key,
        rotation.old_key_file.display()
    );
    Ok(())
}
