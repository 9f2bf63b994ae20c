//! Signed checkpoints of the audit chain, kept outside the database.
//!
//! Whoever can write to the database can also rewrite the chain so that it verifies again:
//! delete the newest entries and rewind the head, or alter an entry and recompute its hash
//! and every later one. A checkpoint is the platform's Ed25519 signature over the head (site,
//! entry id, hash, time), appended as one line to a file outside the database. The database
//! holds no key, so a forger cannot make a checkpoint; and a checkpointed head that the chain
//! no longer contains, unchanged, is reported by [`ChainCheck`](super::ChainCheck).
//!
//! A line is JSON:
//! `{"site":"https://…","entry_id":120,"hash":"…","at":"2026-11-30T02:00:00Z","key":"1a2b3c4d","signature":"…"}`;
//! the signature (hex) covers the JSON array
//! `["yingcai-audit-checkpoint-v1", site, entry_id, hash, at]`, `at` exactly as written.

use std::fmt;

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, KeypairBytes,
};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{AuditHead, GENESIS};

/// What the signature of a checkpoint covers; the first element names the format, so a
/// signature made for anything else by the same key can never pass as a checkpoint.
fn message(site: &str, entry_id: i64, hash: &str, at: &str) -> String {
    serde_json::json!(["yingcai-audit-checkpoint-v1", site, entry_id, hash, at]).to_string()
}

/// Why a key could not be read (never key material).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("not an unencrypted Ed25519 PKCS#8 private key PEM: {0}")]
    PrivateKey(String),
    #[error("not an Ed25519 public key PEM: {0}")]
    PublicKey(String),
}

/// The Ed25519 key that signs audit checkpoints. Not `Clone`: copies come only from the PEM
/// file, and `Debug` shows only the key id.
pub struct AuditSigner {
    key: SigningKey,
}

impl AuditSigner {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> AuditSigner {
        AuditSigner {
            key: SigningKey::generate(&mut rand::rngs::OsRng),
        }
    }

    /// The key whose 32-byte secret is `seed` (for tests and reproducible fixtures).
    pub fn from_seed(seed: &[u8; 32]) -> AuditSigner {
        AuditSigner {
            key: SigningKey::from_bytes(seed),
        }
    }

    /// Reads a PKCS#8 `PRIVATE KEY` PEM, as written by [`to_pkcs8_pem`](Self::to_pkcs8_pem)
    /// or `openssl genpkey -algorithm ed25519`.
    pub fn from_pkcs8_pem(pem: &str) -> Result<AuditSigner, KeyError> {
        SigningKey::from_pkcs8_pem(pem.trim())
            .map(|key| AuditSigner { key })
            .map_err(|e| KeyError::PrivateKey(e.to_string()))
    }

    /// The key as a PKCS#8 `PRIVATE KEY` PEM, wiped from memory when dropped. Version 1
    /// (no public key inside), as `openssl genpkey` writes, so OpenSSL reads it too.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        KeypairBytes {
            secret_key: self.key.to_bytes(),
            public_key: None,
        }
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| KeyError::PrivateKey(e.to_string()))
    }

    pub fn public_key(&self) -> AuditPublicKey {
        AuditPublicKey {
            key: self.key.verifying_key(),
        }
    }

    /// The line to append to the checkpoint file for `head` at `at` (no newline).
    pub fn checkpoint_line(&self, site: &str, head: &AuditHead, at: Timestamp) -> String {
        // Whole seconds: the time is for people, and its text is what is signed.
        let at = at.round(jiff::Unit::Second).unwrap_or(at).to_string();
        let signature = self
            .key
            .sign(message(site, head.entry_id, &head.hash, &at).as_bytes());
        serde_json::json!({
            "site": site,
            "entry_id": head.entry_id,
            "hash": head.hash,
            "at": at,
            "key": self.public_key().key_id(),
            "signature": hex::encode(signature.to_bytes()),
        })
        .to_string()
    }
}

impl fmt::Debug for AuditSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditSigner")
            .field("key_id", &self.public_key().key_id())
            .finish_non_exhaustive()
    }
}

/// The public half: checks checkpoints, and may be handed to anyone who audits the log.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AuditPublicKey {
    key: VerifyingKey,
}

impl AuditPublicKey {
    /// Reads an SPKI `PUBLIC KEY` PEM (`openssl pkey -pubout`, or [`to_pem`](Self::to_pem)).
    pub fn from_pem(pem: &str) -> Result<AuditPublicKey, KeyError> {
        VerifyingKey::from_public_key_pem(pem.trim())
            .map(|key| AuditPublicKey { key })
            .map_err(|e| KeyError::PublicKey(e.to_string()))
    }

    pub fn to_pem(&self) -> Result<String, KeyError> {
        self.key
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| KeyError::PublicKey(e.to_string()))
    }

    /// The first 8 hex digits of SHA-256 over the key: tells "signed with another key" apart
    /// from "altered".
    pub fn key_id(&self) -> String {
        hex::encode(&Sha256::digest(self.key.as_bytes())[..4])
    }

    /// Reads a checkpoint file: every line must be a checkpoint signed with this key (blank
    /// lines are skipped, but still counted, so numbers are line numbers).
    pub fn read_checkpoints(&self, text: &str) -> Result<Vec<Checkpoint>, CheckpointError> {
        text.lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(index, line)| self.read_line(index + 1, line))
            .collect()
    }

    fn read_line(&self, number: usize, line: &str) -> Result<Checkpoint, CheckpointError> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Line {
            site: String,
            entry_id: i64,
            hash: String,
            at: String,
            key: String,
            signature: String,
        }
        let malformed = CheckpointError::Malformed { number };
        let line: Line = serde_json::from_str(line).map_err(|_| malformed.clone())?;
        let at: Timestamp = line.at.parse().map_err(|_| malformed.clone())?;
        let hash_ok = line.hash == GENESIS
            || (line.hash.len() == 64
                && line
                    .hash
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        if line.entry_id < 0 || !hash_ok {
            return Err(malformed);
        }
        let id = CheckpointId {
            number,
            at,
            entry_id: line.entry_id,
        };
        if line.key != self.key_id() {
            return Err(CheckpointError::OtherKey {
                checkpoint: id,
                key_id: line.key,
            });
        }
        let signature = hex::decode(&line.signature)
            .ok()
            .and_then(|bytes| Signature::from_slice(&bytes).ok())
            .ok_or(CheckpointError::BadSignature { checkpoint: id })?;
        self.key
            .verify_strict(
                message(&line.site, line.entry_id, &line.hash, &line.at).as_bytes(),
                &signature,
            )
            .map_err(|_| CheckpointError::BadSignature { checkpoint: id })?;
        Ok(Checkpoint {
            id,
            site: line.site,
            hash: line.hash,
        })
    }
}

impl fmt::Debug for AuditPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditPublicKey")
            .field("key_id", &self.key_id())
            .finish()
    }
}

/// How a checkpoint is named to people: its line in the file, its time and its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckpointId {
    /// The line of the checkpoint file, from 1.
    pub number: usize,
    pub at: Timestamp,
    pub entry_id: i64,
}

impl fmt::Display for CheckpointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "checkpoint {} (signed {}, entry {})",
            self.number, self.at, self.entry_id
        )
    }
}

/// A checkpoint whose signature verified. Only [`AuditPublicKey::read_checkpoints`] makes
/// one, so holding one means the platform's key signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    id: CheckpointId,
    site: String,
    hash: String,
}

impl Checkpoint {
    pub fn id(&self) -> CheckpointId {
        self.id
    }

    pub fn entry_id(&self) -> i64 {
        self.id.entry_id
    }

    /// The signed hash of entry [`entry_id`](Self::entry_id).
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The site's address when it was signed.
    pub fn site(&self) -> &str {
        &self.site
    }
}

/// Why a checkpoint file cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error(
        "checkpoint {number} is not a checkpoint line: the checkpoint file was altered or damaged"
    )]
    Malformed { number: usize },
    #[error("{checkpoint}: the signature does not verify: the checkpoint was altered or forged")]
    BadSignature { checkpoint: CheckpointId },
    #[error("{checkpoint}: signed with another key ({key_id}), not with this site's audit key")]
    OtherKey {
        checkpoint: CheckpointId,
        key_id: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(entry_id: i64) -> AuditHead {
        AuditHead {
            entry_id,
            hash: format!("{entry_id:064x}"),
        }
    }

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_795_910_400 + seconds).unwrap()
    }

    #[test]
    fn signed_lines_read_back_in_order_with_line_numbers() {
        let signer = AuditSigner::from_seed(&[1; 32]);
        let text = format!(
            "{}\n\n{}\n",
            signer.checkpoint_line("https://a.example", &head(3), at(0)),
            signer.checkpoint_line("https://a.example", &head(9), at(600)),
        );
        let read = signer.public_key().read_checkpoints(&text).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[1].id().number, 3);
        assert_eq!(read[1].entry_id(), 9);
        assert_eq!(read[1].hash(), head(9).hash);
        assert_eq!(read[1].id().at, at(600));
        assert_eq!(read[0].site(), "https://a.example");
    }

    #[test]
    fn any_changed_field_or_another_key_is_refused_by_number() {
        let signer = AuditSigner::from_seed(&[1; 32]);
        let key = signer.public_key();
        let line = signer.checkpoint_line("https://a.example", &head(3), at(0));
        let first = signer.checkpoint_line("https://a.example", &head(1), at(0));
        for (from, to) in [
            ("\"entry_id\":3", "\"entry_id\":4"),
            ("https://a.example", "https://b.example"),
            ("2026-11-29T00:00:00Z", "2026-11-29T00:00:01Z"),
            (&head(3).hash, &head(4).hash),
        ] {
            assert!(line.contains(from), "{line} lacks {from}");
            let forged = format!("{first}\n{}", line.replace(from, to));
            match key.read_checkpoints(&forged) {
                Err(CheckpointError::BadSignature { checkpoint }) => {
                    assert_eq!(checkpoint.number, 2);
                }
                other => panic!("{from} -> {to}: {other:?}"),
            }
        }
        let other = AuditSigner::from_seed(&[2; 32]).checkpoint_line("s", &head(3), at(0));
        assert!(matches!(
            key.read_checkpoints(&other),
            Err(CheckpointError::OtherKey { .. })
        ));
        for bad in [
            "not json",
            "{}",
            &line.replace("\"entry_id\":3", "\"entry_id\":-3"),
        ] {
            assert_eq!(
                key.read_checkpoints(bad),
                Err(CheckpointError::Malformed { number: 1 }),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_signature_cut_short_is_refused_without_a_panic() {
        let signer = AuditSigner::from_seed(&[1; 32]);
        let line = signer.checkpoint_line("s", &head(3), at(0));
        let cut = line.replacen("\"signature\":\"", "\"signature\":\"0", 1);
        assert!(matches!(
            signer.public_key().read_checkpoints(&cut),
            Err(CheckpointError::BadSignature { .. })
        ));
    }

    #[test]
    fn keys_round_trip_through_pem_and_never_show_in_debug() {
        let signer = AuditSigner::generate();
        let pem = signer.to_pkcs8_pem().unwrap();
        // PKCS#8 v1, byte for byte what `openssl genpkey -algorithm ed25519` writes.
        assert!(
            pem.starts_with("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI"),
            "{}",
            pem.lines().next().unwrap_or_default()
        );
        let again = AuditSigner::from_pkcs8_pem(&pem).unwrap();
        assert_eq!(again.public_key(), signer.public_key());
        let public = AuditPublicKey::from_pem(&signer.public_key().to_pem().unwrap()).unwrap();
        assert_eq!(public, signer.public_key());
        let shown = format!("{signer:?}");
        assert!(
            !shown.contains(&hex::encode(signer.key.to_bytes())),
            "{shown}"
        );
        assert!(AuditSigner::from_pkcs8_pem("garbage").is_err());
    }
}
