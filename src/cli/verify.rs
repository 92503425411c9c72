//! `allybot verify CODE`: whether a certificate code is genuine, and for which track and date;
//! nothing else. It only reads, so it runs beside a running bot (no database lock) and never
//! migrates. Exit codes: 0 genuine, 1 not genuine (or the database cannot be read), 2 a text
//! that is not a code at all (a typing mistake the check symbol caught).

use super::Failure;
use crate::config::{ConfigError, Settings};
use crate::domain::cert_code::CertCode;

pub async fn verify(settings: &Settings, code: &str) -> Result<(), Failure> {
    let code = CertCode::parse(code).map_err(|e| ConfigError {
        key: "CODE".into(),
        problem: e.to_string(),
        origin: None,
    })?;
    let store = crate::store::Store::open_without_migrating(&settings.database.url)
        .await
        .map_err(anyhow::Error::from)?;
    let found = store.verify_code(code.canonical()).await;
    store.close().await;
    let found = found.map_err(|e| {
        anyhow::anyhow!(
            "cannot read certificates from {}: {e}",
            crate::store::copy::redacted(&settings.database.url)
        )
    })?;
    match found {
        Some(found) => {
            // The track's title from the curriculum, when it loads; its id otherwise.
            let title = crate::app::load_curriculum(settings)
                .ok()
                .and_then(|c| c.track(&found.track).map(|t| t.title.clone()))
                .unwrap_or(found.track);
            println!(
                "{code}: genuine · {title} · completed {}",
                found.completed_on
            );
            Ok(())
        }
        None => {
            println!("{code}: not genuine (no certificate here has this code)");
            Err(Failure::Reported("not genuine".into()))
        }
    }
}
