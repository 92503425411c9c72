//! Encryption at rest for what people write: reflections, commitments and check-in notes.
//! XChaCha20-Poly1305 with a fresh random 24-byte nonce per text, and associated data that
//! binds each ciphertext to its owner and kind, so a sealed text cannot be moved to another
//! person's row. The 32-byte key lives in `privacy.data_key_file`, outside the database,
//! created with mode 0600 on first start.

use std::io::Write;
use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngCore;

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("cannot read or create the key file {path}: {source}")]
    KeyFile {
        path: String,
        source: std::io::Error,
    },
    #[error("the key file {0} does not hold a 64-character hex key")]
    BadKey(String),
    #[error("a stored text could not be decrypted (wrong key, or altered data)")]
    Open,
}

/// Seals and opens texts with the deployment's data key.
pub struct Cipher {
    aead: XChaCha20Poly1305,
}

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cipher([key redacted])")
    }
}

impl Cipher {
    /// Reads the key at `path`, or creates it (and its folder) if the file does not exist.
    pub fn load_or_create(path: &Path) -> Result<Self, CryptoError> {
        let shown = path.display().to_string();
        let io = |source| CryptoError::KeyFile {
            path: shown.clone(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                Self::from_hex(text.trim()).ok_or_else(|| CryptoError::BadKey(shown.clone()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; KEY_LEN];
                rand::rng().fill_bytes(&mut key);
                write_new_secret(path, &hex(&key)).map_err(io)?;
                tracing::info!(path = %shown, "created a new data key; back it up with the database");
                Ok(Self::from_key(&key))
            }
            Err(e) => Err(io(e)),
        }
    }

    fn from_key(key: &[u8; KEY_LEN]) -> Self {
        Self {
            aead: XChaCha20Poly1305::new(&Key::from(*key)),
        }
    }

    fn from_hex(text: &str) -> Option<Self> {
        if text.len() != KEY_LEN * 2 {
            return None;
        }
        let mut key = [0u8; KEY_LEN];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Self::from_key(&key))
    }

    /// `nonce || ciphertext`, bound to `context` (e.g. "reflection:<user id>").
    pub fn seal(&self, plaintext: &str, context: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: context.as_bytes(),
        };
        // Encryption of an in-memory buffer cannot fail for XChaCha20-Poly1305 (no length limit
        // a text could reach); an empty result would only fail to open later.
        let sealed = self
            .aead
            .encrypt(&XNonce::from(nonce), payload)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, sealed: &[u8], context: &str) -> Result<String, CryptoError> {
        if sealed.len() < NONCE_LEN {
            return Err(CryptoError::Open);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::Open)?;
        let plain = self
            .aead
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: body,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Open)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Open)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn write_new_secret(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    writeln!(file, "{contents}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_text_opens_only_with_its_context_and_never_shows_in_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let cipher = Cipher::load_or_create(&dir.path().join("keys/allybot.key")).unwrap();
        let sealed = cipher.seal("I noticed who spoke last", "reflection:42");

        assert_eq!(
            cipher.open(&sealed, "reflection:42").unwrap(),
            "I noticed who spoke last"
        );
        assert!(
            cipher.open(&sealed, "reflection:43").is_err(),
            "bound to its owner"
        );
        assert!(!sealed.windows(7).any(|w| w == b"noticed"));
        assert_ne!(
            sealed,
            cipher.seal("I noticed who spoke last", "reflection:42"),
            "fresh nonce each time"
        );
    }

    #[test]
    fn the_key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("allybot.key");
        let first = Cipher::load_or_create(&path).unwrap();
        let sealed = first.seal("text", "ctx");
        let second = Cipher::load_or_create(&path).unwrap();

        assert_eq!(second.open(&sealed, "ctx").unwrap(), "text");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        std::fs::write(&path, "not a key").unwrap();
        assert!(matches!(
            Cipher::load_or_create(&path),
            Err(CryptoError::BadKey(_))
        ));
    }
}
