//! Encryption at rest for identity numbers and bank accounts.
//!
//! Values are sealed with AES-256-GCM under a key from the configuration; the field name is
//! the associated data, so a ciphertext moved into another column no longer opens. For
//! uniqueness checks (the same identity number twice) a blind index — HMAC-SHA256 under a
//! key derived from the same secret — is stored beside the ciphertext: equal values give
//! equal indexes, but the index reveals nothing without the key.
//!
//! Every app server of one site must use the same key (`field_key` in the settings); losing
//! it loses the encrypted fields, so it belongs in the site's secret store and its backups.

use std::fmt;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{AeadCore, Aes256Gcm, Nonce};
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Sealed values start with this byte, so a later key rotation can tell generations apart.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 12;

/// The 256-bit secret behind field encryption. `Debug` never shows it.
#[derive(Clone)]
pub struct FieldKey([u8; 32]);

impl fmt::Debug for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FieldKey(****)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the field key must be 32 bytes in base64 (e.g. from `openssl rand -base64 32`)")]
    Malformed,
    #[error("field key file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

impl FieldKey {
    pub fn generate() -> FieldKey {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        FieldKey(key)
    }

    pub fn from_base64(text: &str) -> Result<FieldKey, KeyError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| KeyError::Malformed)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Malformed)?;
        Ok(FieldKey(key))
    }

    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    /// Reads the key file, or — for demo and development — creates it with a new key
    /// (readable by the owner only). Returns the key and whether it was created.
    pub fn load_or_create(path: &Path) -> Result<(FieldKey, bool), KeyError> {
        let file_error = |source| KeyError::File {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Ok((FieldKey::from_base64(&text)?, false)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(file_error)?;
                }
                let key = FieldKey::generate();
                write_private(path, &key.to_base64()).map_err(file_error)?;
                Ok((key, true))
            }
            Err(error) => Err(file_error(error)),
        }
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")
}

/// Seals and opens sensitive fields, and computes their blind indexes.
#[derive(Clone)]
pub struct FieldCipher {
    aead: Aes256Gcm,
    index_key: [u8; 32],
}

impl fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FieldCipher(****)")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("an encrypted field could not be opened: wrong key or altered data")]
pub struct OpenError;

impl FieldCipher {
    pub fn new(key: &FieldKey) -> FieldCipher {
        // Separate keys for the two jobs, both derived from the one configured secret.
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut hasher = Sha256::new();
            hasher.update(b"yingcai field key v1:");
            hasher.update(label);
            hasher.update(key.0);
            hasher.finalize().into()
        };
        let aead_key = derive(b"aes-256-gcm");
        FieldCipher {
            aead: Aes256Gcm::new_from_slice(&aead_key).expect("INVARIANT: 32-byte key"),
            index_key: derive(b"blind-index"),
        }
    }

    /// `version || nonce || ciphertext+tag`, bound to `field`.
    pub fn seal(&self, field: &str, plaintext: &str) -> Vec<u8> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .aead
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: field.as_bytes(),
                },
            )
            .expect("INVARIANT: AES-GCM encryption of a short value cannot fail");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, field: &str, sealed: &[u8]) -> Result<String, OpenError> {
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != VERSION {
            return Err(OpenError);
        }
        let nonce = Nonce::from_slice(&sealed[1..1 + NONCE_LEN]);
        let plain = self
            .aead
            .decrypt(
                nonce,
                Payload {
                    msg: &sealed[1 + NONCE_LEN..],
                    aad: field.as_bytes(),
                },
            )
            .map_err(|_| OpenError)?;
        String::from_utf8(plain).map_err(|_| OpenError)
    }

    /// Equal values give equal indexes; without the key the index says nothing.
    pub fn blind_index(&self, field: &str, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.index_key)
            .expect("INVARIANT: HMAC takes any key length");
        mac.update(field.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_key_and_field() {
        let cipher = FieldCipher::new(&FieldKey::generate());
        let sealed = cipher.seal("talent.resident_id", "11010519491231002X");
        assert!(!sealed.windows(18).any(|w| w == b"11010519491231002X"));
        assert_eq!(
            cipher.open("talent.resident_id", &sealed).unwrap(),
            "11010519491231002X"
        );
        assert!(
            cipher.open("talent.bank_account", &sealed).is_err(),
            "bound to its field"
        );
        let other = FieldCipher::new(&FieldKey::generate());
        assert!(
            other.open("talent.resident_id", &sealed).is_err(),
            "bound to its key"
        );
        let mut altered = sealed.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert!(
            cipher.open("talent.resident_id", &altered).is_err(),
            "tamper-evident"
        );
        assert_ne!(
            cipher.seal("f", "x"),
            cipher.seal("f", "x"),
            "a fresh nonce each time"
        );
    }

    #[test]
    fn blind_indexes_are_stable_per_key() {
        let key = FieldKey::generate();
        let (a, b) = (FieldCipher::new(&key), FieldCipher::new(&key));
        assert_eq!(a.blind_index("id", "x"), b.blind_index("id", "x"));
        assert_ne!(a.blind_index("id", "x"), a.blind_index("id", "y"));
        assert_ne!(
            a.blind_index("id", "x"),
            FieldCipher::new(&FieldKey::generate()).blind_index("id", "x")
        );
    }

    #[test]
    fn keys_round_trip_and_files_are_created_once() {
        let key = FieldKey::generate();
        assert_eq!(FieldKey::from_base64(&key.to_base64()).unwrap().0, key.0);
        assert!(FieldKey::from_base64("c2hvcnQ=").is_err());
        assert_eq!(format!("{key:?}"), "FieldKey(****)");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/field.key");
        let (first, created) = FieldKey::load_or_create(&path).unwrap();
        assert!(created);
        let (second, created) = FieldKey::load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(first.0, second.0);
    }
}
