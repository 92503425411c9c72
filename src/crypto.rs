//! Encryption at rest for what people write: reflections, commitments and check-in notes.
//! XChaCha20-Poly1305 with a fresh random 24-byte nonce per text, and associated data that
//! binds each ciphertext to where it lives (table, column, row, owner; see
//! `store::SealedField`), so a sealed text cannot be moved to another place.
//!
//! A sealed value is `[2][key id: 4 bytes][nonce: 24 bytes][ciphertext and tag]`: the key id
//! says which key sealed it, so a wrong or rotated key is named as such instead of looking like
//! altered data. Values from before the key id (format 1: `nonce || ciphertext`) are opened by
//! [`Cipher::open_legacy`] only, when they are re-sealed at the first start after migration 0008.
//!
//! The 32-byte key lives in `privacy.data_key_file` (64 hex characters), outside the database,
//! created with mode 0600 on first start. A key file that other users may read or change is
//! refused, as ssh refuses such a private key.

use std::fmt;
use std::io::Write;
use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngCore;

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const FORMAT: u8 = 2;
const KEY_ID_LEN: usize = 4;
const HEADER_LEN: usize = 1 + KEY_ID_LEN;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("cannot read or create the key file {path}: {source}")]
    KeyFile {
        path: String,
        source: std::io::Error,
    },
    #[error("the key file {0} does not hold a 64-character hex key")]
    BadKey(String),
    #[error("the key file {path} can be read or changed by other users (mode {mode:03o}); run: chmod 600 {path}")]
    Exposed { path: String, mode: u32 },
    #[error("a text could not be sealed")]
    Seal,
    #[error("a stored text could not be decrypted (wrong key, or altered data)")]
    Open,
    #[error(
        "a stored text was sealed with data key {sealed_with}, but the key loaded is {loaded}"
    )]
    WrongKey { sealed_with: KeyId, loaded: KeyId },
}

/// Names a data key without revealing anything about it: the first bytes of the key's
/// encryption of a fixed text under an all-zero nonce (never used for a real text: those
/// nonces are random).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId([u8; KEY_ID_LEN]);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// Seals and opens texts with one data key.
pub struct Cipher {
    aead: XChaCha20Poly1305,
    id: KeyId,
}

impl fmt::Debug for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cipher(key {}, [redacted])", self.id)
    }
}

impl Cipher {
    /// Reads the key at `path`, or creates it (and its folder) if the file does not exist.
    pub fn load_or_create(path: &Path) -> Result<Self, CryptoError> {
        match Self::load(path)? {
            Some(cipher) => Ok(cipher),
            None => Self::create(path),
        }
    }

    /// Reads the key at `path`; `None` if there is no such file. Refuses a file that other users
    /// may read or change.
    pub fn load(path: &Path) -> Result<Option<Self>, CryptoError> {
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(CryptoError::KeyFile {
                    path: shown,
                    source,
                })
            }
        };
        refuse_if_exposed(path)?;
        let key = Self::from_hex(text.trim()).ok_or(CryptoError::BadKey(shown))?;
        Self::from_key(&key).map(Some)
    }

    /// Creates a new random key at `path` (mode 0600, parent folders included); fails if the
    /// file exists.
    pub fn create(path: &Path) -> Result<Self, CryptoError> {
        let mut key = [0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut key);
        let cipher = Self::from_key(&key)?;
        write_new_secret(path, &hex(&key)).map_err(|source| CryptoError::KeyFile {
            path: path.display().to_string(),
            source,
        })?;
        Ok(cipher)
    }

    fn from_key(key: &[u8; KEY_LEN]) -> Result<Self, CryptoError> {
        let aead = XChaCha20Poly1305::new(&Key::from(*key));
        let payload = Payload {
            msg: b"allybot data key id",
            aad: b"",
        };
        let marker = aead
            .encrypt(&XNonce::from([0u8; NONCE_LEN]), payload)
            .map_err(|_| CryptoError::Seal)?;
        let mut id = [0u8; KEY_ID_LEN];
        for (to, from) in id.iter_mut().zip(marker) {
            *to = from;
        }
        Ok(Self {
            aead,
            id: KeyId(id),
        })
    }

    fn from_hex(text: &str) -> Option<[u8; KEY_LEN]> {
        if text.len() != KEY_LEN * 2 {
            return None;
        }
        let mut key = [0u8; KEY_LEN];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(key)
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    /// The id of the key a value was sealed with; `None` for a value without one (format 1).
    pub fn key_id_of(sealed: &[u8]) -> Option<KeyId> {
        match sealed {
            [FORMAT, a, b, c, d, ..] if sealed.len() >= HEADER_LEN + NONCE_LEN => {
                Some(KeyId([*a, *b, *c, *d]))
            }
            _ => None,
        }
    }

    /// `[2][key id][nonce][ciphertext]`, bound to `context` (see `store::SealedField`).
    pub fn seal(&self, plaintext: &str, context: &str) -> Result<Vec<u8>, CryptoError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: context.as_bytes(),
        };
        // Never stored empty: a value that cannot be opened later is worse than an error now.
        let sealed = self
            .aead
            .encrypt(&XNonce::from(nonce), payload)
            .map_err(|_| CryptoError::Seal)?;
        let mut out = Vec::with_capacity(HEADER_LEN + NONCE_LEN + sealed.len());
        out.push(FORMAT);
        out.extend_from_slice(&self.id.0);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    pub fn open(&self, sealed: &[u8], context: &str) -> Result<String, CryptoError> {
        let sealed_with = Self::key_id_of(sealed).ok_or(CryptoError::Open)?;
        if sealed_with != self.id {
            return Err(CryptoError::WrongKey {
                sealed_with,
                loaded: self.id,
            });
        }
        self.decrypt(&sealed[HEADER_LEN..], context)
    }

    /// Opens a value sealed before key ids (format 1: `nonce || ciphertext`), for re-sealing.
    pub fn open_legacy(&self, sealed: &[u8], context: &str) -> Result<String, CryptoError> {
        self.decrypt(sealed, context)
    }

    fn decrypt(&self, nonce_and_body: &[u8], context: &str) -> Result<String, CryptoError> {
        if nonce_and_body.len() < NONCE_LEN {
            return Err(CryptoError::Open);
        }
        let (nonce, body) = nonce_and_body.split_at(NONCE_LEN);
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

/// Refuses a key file that group or others may read or change, as ssh refuses such a key.
fn refuse_if_exposed(path: &Path) -> Result<(), CryptoError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let metadata = std::fs::metadata(path).map_err(|source| CryptoError::KeyFile {
            path: path.display().to_string(),
            source,
        })?;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(CryptoError::Exposed {
                path: path.display().to_string(),
                mode,
            });
        }
    }
    Ok(())
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
    writeln!(file, "{contents}")?;
    file.sync_all()?;
    // The file's name is in its folder: without this, a power cut can lose the new key while
    // the database it sealed survives.
    sync_folder(path);
    Ok(())
}

/// Makes a change to `path`'s folder (a file created or renamed in it) durable. Best effort:
/// not every platform can sync a folder (Windows cannot open one as a file).
pub(crate) fn sync_folder(path: &Path) {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(folder) = std::fs::File::open(folder) {
        let _ = folder.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_text_opens_only_with_its_context_and_never_shows_in_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let cipher = Cipher::load_or_create(&dir.path().join("keys/allybot.key")).unwrap();
        let sealed = cipher
            .seal("I noticed who spoke last", "reflection:42")
            .unwrap();

        assert_eq!(
            cipher.open(&sealed, "reflection:42").unwrap(),
            "I noticed who spoke last"
        );
        assert!(
            cipher.open(&sealed, "reflection:43").is_err(),
            "bound to its context"
        );
        assert!(!sealed.windows(7).any(|w| w == b"noticed"));
        assert_ne!(
            sealed,
            cipher
                .seal("I noticed who spoke last", "reflection:42")
                .unwrap(),
            "fresh nonce each time"
        );
        assert_eq!(Cipher::key_id_of(&sealed), Some(cipher.id()));
    }

    #[test]
    fn a_text_sealed_with_another_key_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let one = Cipher::create(&dir.path().join("one.key")).unwrap();
        let two = Cipher::create(&dir.path().join("two.key")).unwrap();
        let sealed = one.seal("text", "ctx").unwrap();

        assert_ne!(one.id(), two.id());
        assert!(matches!(
            two.open(&sealed, "ctx"),
            Err(CryptoError::WrongKey { sealed_with, loaded }) if sealed_with == one.id() && loaded == two.id()
        ));
    }

    #[test]
    fn the_key_file_is_created_private_and_reused_and_a_readable_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("allybot.key");
        let first = Cipher::load_or_create(&path).unwrap();
        let sealed = first.seal("text", "ctx").unwrap();
        let second = Cipher::load_or_create(&path).unwrap();

        assert_eq!(second.open(&sealed, "ctx").unwrap(), "text");
        assert_eq!(first.id(), second.id(), "the id comes from the key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let refused = Cipher::load_or_create(&path).unwrap_err();
            assert!(
                refused
                    .to_string()
                    .contains(&format!("chmod 600 {}", path.display())),
                "{refused}"
            );
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        std::fs::write(&path, "not a key").unwrap();
        assert!(matches!(
            Cipher::load_or_create(&path),
            Err(CryptoError::BadKey(_))
        ));
    }
}
