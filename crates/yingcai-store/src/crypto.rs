//! Encryption at rest for identity numbers, bank accounts and submission payloads.
//!
//! Values are sealed with AES-256-GCM. The associated data names the table, the column and
//! the row (`yingcai:v2:talent:resident_id_sealed:42`, see [`SealContext`]), so a ciphertext
//! copied into another row or column — one talent's identity number swapped with another's —
//! no longer opens, and the error names where it was found. For uniqueness checks (the same
//! identity number twice) a blind index — HMAC-SHA256 — is stored beside the ciphertext:
//! equal values give equal indexes, but the index reveals nothing without the key.
//!
//! The encryption key and the index key are derived from the configured secret with
//! HKDF-SHA256 under distinct labels. The secret, the derived keys and the AES round keys
//! (the `aes` crate's `zeroize` feature) are wiped from memory when dropped; GHASH's subkey
//! is not (polyval 0.6 keeps it without a `Drop`), but it cannot decrypt. Version-1 values (bound to the field name only, keys derived by a plain SHA-256)
//! are opened only by the re-seal step that runs after the migrations (`crate::reseal`).
//!
//! Every app server of one site must use the same key (`field_key` in the settings); losing
//! it loses the encrypted fields, so it belongs in the site's secret store and its backups.

use std::fmt;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{AeadCore, Aes256Gcm, Nonce};
use base64::Engine;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

/// Sealed values start with this byte, so generations can be told apart: 2 binds table,
/// column and row; 1 (the field name only) is left only until the re-seal step has run.
const VERSION: u8 = 2;
const VERSION_1: u8 = 1;
const NONCE_LEN: usize = 12;

/// HKDF's salt and the two keys' labels: changing any of them changes every key.
const HKDF_SALT: &[u8] = b"yingcai field key";
const SEAL_KEY_INFO: &[u8] = b"yingcai v2 aes-256-gcm field seal";
const INDEX_KEY_INFO: &[u8] = b"yingcai v2 hmac-sha256 blind index";

/// The 256-bit secret behind field encryption. `Debug` never shows it; dropping it wipes it.
#[derive(Clone)]
pub struct FieldKey(Zeroizing<[u8; 32]>);

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
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(key.as_mut());
        FieldKey(key)
    }

    pub fn from_base64(text: &str) -> Result<FieldKey, KeyError> {
        let bytes = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|_| KeyError::Malformed)?,
        );
        let mut key = Zeroizing::new([0u8; 32]);
        if bytes.len() != key.len() {
            return Err(KeyError::Malformed);
        }
        key.copy_from_slice(&bytes);
        Ok(FieldKey(key))
    }

    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(*self.0)
    }

    /// Reads the key file, or — for demo and development — creates it with a new key
    /// (readable by the owner only). Returns the key and whether it was created.
    pub fn load_or_create(path: &Path) -> Result<(FieldKey, bool), KeyError> {
        let file_error = |source| KeyError::File {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path).map(Zeroizing::new) {
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

/// Every column that holds sealed values. A ciphertext is bound to one of these and to its
/// row; the list is closed so that no caller can bind a value to a free-form name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealedColumn {
    /// `talent.resident_id_sealed`: the identity number (blind index in `resident_id_index`).
    TalentResidentId,
    /// `talent.bank_account_sealed`.
    TalentBankAccount,
    /// `submission.payload_sealed`: what the owner filled in, as JSON.
    SubmissionPayload,
    /// `competition_bid.content_sealed`: a bid's whole content, as JSON.
    BidContent,
    /// `competition_bid_document.file_sealed`: a bid's plan document. The sealed bytes are
    /// kept in the file store (under their own SHA-256), not in the column's table.
    BidDocument,
}

impl SealedColumn {
    /// The columns that held version-1 values, which the re-seal step scans. Columns added
    /// after version 2 (the bids') never held any.
    pub const ALL: [SealedColumn; 3] = [
        SealedColumn::TalentResidentId,
        SealedColumn::TalentBankAccount,
        SealedColumn::SubmissionPayload,
    ];

    pub const fn table(self) -> &'static str {
        match self {
            SealedColumn::TalentResidentId | SealedColumn::TalentBankAccount => "talent",
            SealedColumn::SubmissionPayload => "submission",
            SealedColumn::BidContent => "competition_bid",
            SealedColumn::BidDocument => "competition_bid_document",
        }
    }

    pub const fn column(self) -> &'static str {
        match self {
            SealedColumn::TalentResidentId => "resident_id_sealed",
            SealedColumn::TalentBankAccount => "bank_account_sealed",
            SealedColumn::SubmissionPayload => "payload_sealed",
            SealedColumn::BidContent => "content_sealed",
            SealedColumn::BidDocument => "file_sealed",
        }
    }

    /// The table's primary key: the row id a value is bound to.
    pub const fn id_column(self) -> &'static str {
        match self {
            SealedColumn::TalentResidentId | SealedColumn::TalentBankAccount => "talent_id",
            SealedColumn::SubmissionPayload => "submission_id",
            SealedColumn::BidContent => "bid_id",
            SealedColumn::BidDocument => "document_id",
        }
    }

    /// What version 1 bound values to: the field name alone.
    const fn version_1_label(self) -> &'static str {
        match self {
            SealedColumn::TalentResidentId => "talent.resident_id",
            SealedColumn::TalentBankAccount => "talent.bank_account",
            SealedColumn::SubmissionPayload => "submission.payload",
            // Never sealed in version 1; a label only so that the match is total.
            SealedColumn::BidContent => "competition_bid.content",
            SealedColumn::BidDocument => "competition_bid_document.file",
        }
    }
}

/// Where a sealed value lives: column (and so table) and row. It is the associated data of
/// the seal, so the value opens only where it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealContext {
    pub column: SealedColumn,
    pub row_id: i64,
}

impl SealContext {
    pub const fn new(column: SealedColumn, row_id: i64) -> SealContext {
        SealContext { column, row_id }
    }

    /// `yingcai:v2:<table>:<column>:<row id>`. Table and column names are fixed identifiers
    /// without `:`, and the row id is last, so no two contexts share an encoding.
    fn associated_data(&self) -> String {
        format!(
            "yingcai:v2:{}:{}:{}",
            self.column.table(),
            self.column.column(),
            self.row_id
        )
    }
}

impl fmt::Display for SealContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{} of row {} ({} = {})",
            self.column.table(),
            self.column.column(),
            self.row_id,
            self.column.id_column(),
            self.row_id
        )
    }
}

/// Seals and opens sensitive fields, and computes their blind indexes.
#[derive(Clone)]
pub struct FieldCipher {
    aead: Aes256Gcm,
    index_key: Zeroizing<[u8; 32]>,
    /// The previous generation's cipher, for the re-seal step only (see `open_version_1`).
    version_1: Aes256Gcm,
    #[cfg(any(test, feature = "testing"))]
    version_1_index_key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FieldCipher(****)")
    }
}

/// Why a sealed value did not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenFailure {
    /// Shorter than a version byte and a nonce.
    Truncated,
    /// A version this build does not open (1: not yet re-sealed by `yingcai migrate`).
    Version(u8),
    /// Wrong key, altered bytes, or a value copied from another row or column.
    Authentication,
    /// Opened, but not UTF-8 text.
    NotText,
}

impl fmt::Display for OpenFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenFailure::Truncated => f.write_str("too short to be a sealed value"),
            OpenFailure::Version(VERSION_1) => f.write_str(
                "sealed in version 1 and not yet re-sealed (run `yingcai migrate` with the same key)",
            ),
            OpenFailure::Version(v) => write!(f, "unknown seal version {v}"),
            OpenFailure::Authentication => f.write_str(
                "wrong key, altered data, or a value copied from another row or column",
            ),
            OpenFailure::NotText => f.write_str("the opened value is not text"),
        }
    }
}

/// A sealed value that could not be opened, naming table, column and row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the encrypted field {context} could not be opened: {failure}")]
pub struct OpenError {
    pub context: SealContext,
    pub failure: OpenFailure,
}

impl From<OpenError> for crate::StoreError {
    fn from(error: OpenError) -> Self {
        crate::StoreError::Other(anyhow::Error::new(error))
    }
}

/// 32 bytes of HKDF-SHA256 output for `info`.
fn derive(key: &FieldKey, info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(HKDF_SALT), key.0.as_ref())
        .expand(info, out.as_mut())
        .expect("INVARIANT: 32 bytes is a valid HKDF-SHA256 output length");
    out
}

impl FieldCipher {
    pub fn new(key: &FieldKey) -> FieldCipher {
        // Separate keys for the two jobs, both derived from the one configured secret.
        let aead_key = derive(key, SEAL_KEY_INFO);
        FieldCipher {
            aead: Aes256Gcm::new_from_slice(aead_key.as_ref()).expect("INVARIANT: 32-byte key"),
            index_key: derive(key, INDEX_KEY_INFO),
            version_1: version_1::aead(key),
            #[cfg(any(test, feature = "testing"))]
            version_1_index_key: version_1::index_key(key),
        }
    }

    /// `version || nonce || ciphertext+tag`, bound to `context`.
    pub fn seal(&self, context: SealContext, plaintext: &str) -> Vec<u8> {
        seal_with(
            &self.aead,
            VERSION,
            context.associated_data().as_bytes(),
            plaintext.as_bytes(),
        )
    }

    /// The value sealed at `context`; any other row's or column's value fails, naming `context`.
    pub fn open(&self, context: SealContext, sealed: &[u8]) -> Result<String, OpenError> {
        let fail = |failure| OpenError { context, failure };
        let bytes = self.open_bytes(context, sealed)?;
        String::from_utf8(bytes).map_err(|_| fail(OpenFailure::NotText))
    }

    /// Bytes (a file) sealed as [`FieldCipher::seal`] seals text, bound to `context`.
    pub fn seal_bytes(&self, context: SealContext, plaintext: &[u8]) -> Vec<u8> {
        seal_with(
            &self.aead,
            VERSION,
            context.associated_data().as_bytes(),
            plaintext,
        )
    }

    /// The bytes sealed at `context` by [`FieldCipher::seal_bytes`].
    pub fn open_bytes(&self, context: SealContext, sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        let fail = |failure| OpenError { context, failure };
        let body = split_version(sealed, VERSION).map_err(fail)?;
        open_bytes_with(&self.aead, context.associated_data().as_bytes(), body).map_err(fail)
    }

    /// Opens a version-1 value (bound to the field name, sealed under the SHA-256-derived
    /// key). Only the re-seal step calls this: everything else reads version 2 alone.
    pub(crate) fn open_version_1(
        &self,
        context: SealContext,
        sealed: &[u8],
    ) -> Result<String, OpenError> {
        let fail = |failure| OpenError { context, failure };
        let body = split_version(sealed, VERSION_1).map_err(fail)?;
        open_with(
            &self.version_1,
            context.column.version_1_label().as_bytes(),
            body,
        )
        .map_err(fail)
    }

    /// A version-1 value as the previous release wrote it: for tests of the re-seal step.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn seal_version_1(&self, column: SealedColumn, plaintext: &str) -> Vec<u8> {
        seal_with(
            &self.version_1,
            VERSION_1,
            column.version_1_label().as_bytes(),
            plaintext.as_bytes(),
        )
    }

    /// A blind index as the previous release computed it: for tests of the re-seal step.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn blind_index_version_1(&self, field: &str, value: &str) -> String {
        blind_index_with(self.version_1_index_key.as_ref(), field, value)
    }

    /// Equal values give equal indexes; without the key the index says nothing.
    pub fn blind_index(&self, field: &str, value: &str) -> String {
        blind_index_with(self.index_key.as_ref(), field, value)
    }
}

fn seal_with(aead: &Aes256Gcm, version: u8, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let sealed = aead
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("INVARIANT: AES-GCM encryption of a short value cannot fail");
    let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
    out.push(version);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

/// The bytes after the version byte, if it is `version`.
fn split_version(sealed: &[u8], version: u8) -> Result<&[u8], OpenFailure> {
    match sealed.split_first() {
        Some((_, rest)) if rest.len() < NONCE_LEN => Err(OpenFailure::Truncated),
        Some((v, rest)) if *v == version => Ok(rest),
        Some((v, _)) => Err(OpenFailure::Version(*v)),
        None => Err(OpenFailure::Truncated),
    }
}

fn open_with(aead: &Aes256Gcm, aad: &[u8], body: &[u8]) -> Result<String, OpenFailure> {
    String::from_utf8(open_bytes_with(aead, aad, body)?).map_err(|_| OpenFailure::NotText)
}

fn open_bytes_with(aead: &Aes256Gcm, aad: &[u8], body: &[u8]) -> Result<Vec<u8>, OpenFailure> {
    let (nonce, msg) = body.split_at(NONCE_LEN);
    aead.decrypt(Nonce::from_slice(nonce), Payload { msg, aad })
        .map_err(|_| OpenFailure::Authentication)
}

fn blind_index_with(key: &[u8], field: &str, value: &str) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("INVARIANT: HMAC takes any key length");
    mac.update(field.as_bytes());
    mac.update(b"\0");
    mac.update(value.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The first generation's key derivation, kept for the re-seal step (and its tests) only.
mod version_1 {
    use aes_gcm::Aes256Gcm;
    use aes_gcm::aead::KeyInit;
    use sha2::{Digest, Sha256};
    use zeroize::Zeroizing;

    use super::FieldKey;

    /// SHA-256("yingcai field key v1:" || label || key), as version 1 derived its keys.
    fn derive(key: &FieldKey, label: &[u8]) -> Zeroizing<[u8; 32]> {
        let mut hasher = Sha256::new();
        hasher.update(b"yingcai field key v1:");
        hasher.update(label);
        hasher.update(key.0.as_ref());
        Zeroizing::new(hasher.finalize().into())
    }

    pub(super) fn aead(key: &FieldKey) -> Aes256Gcm {
        Aes256Gcm::new_from_slice(derive(key, b"aes-256-gcm").as_ref())
            .expect("INVARIANT: 32-byte key")
    }

    /// Version 1's blind-index key, to build databases as the previous release left them.
    #[cfg(any(test, feature = "testing"))]
    pub(super) fn index_key(key: &FieldKey) -> Zeroizing<[u8; 32]> {
        derive(key, b"blind-index")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESIDENT_42: SealContext = SealContext::new(SealedColumn::TalentResidentId, 42);

    /// Key bytes 0, 1, …, 31; the vectors below were computed with another implementation
    /// (Python's `cryptography`: HKDF, AES-GCM and HMAC), nonce bytes 100…111.
    fn known_key() -> FieldKey {
        FieldKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap()
    }

    #[test]
    fn sealed_values_open_only_with_the_key_column_and_row() {
        let cipher = FieldCipher::new(&FieldKey::generate());
        let sealed = cipher.seal(RESIDENT_42, "11010519491231002X");
        assert_eq!(sealed[0], 2, "new values are version 2");
        assert!(!sealed.windows(18).any(|w| w == b"11010519491231002X"));
        assert_eq!(
            cipher.open(RESIDENT_42, &sealed).unwrap(),
            "11010519491231002X"
        );

        let other_row = SealContext::new(SealedColumn::TalentResidentId, 43);
        let error = cipher.open(other_row, &sealed).unwrap_err();
        assert_eq!(
            error.failure,
            OpenFailure::Authentication,
            "bound to its row"
        );
        assert_eq!(error.context, other_row);
        let message = error.to_string();
        assert!(
            message.contains("talent.resident_id_sealed of row 43"),
            "{message}"
        );
        let other_column = SealContext::new(SealedColumn::TalentBankAccount, 42);
        assert!(
            cipher.open(other_column, &sealed).is_err(),
            "bound to its column"
        );
        let other_table = SealContext::new(SealedColumn::SubmissionPayload, 42);
        assert!(
            cipher.open(other_table, &sealed).is_err(),
            "bound to its table"
        );

        let other = FieldCipher::new(&FieldKey::generate());
        assert!(
            other.open(RESIDENT_42, &sealed).is_err(),
            "bound to its key"
        );
        let mut altered = sealed.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert!(
            cipher.open(RESIDENT_42, &altered).is_err(),
            "tamper-evident"
        );
        assert_eq!(
            cipher.open(RESIDENT_42, &sealed[..5]).unwrap_err().failure,
            OpenFailure::Truncated
        );
        assert_eq!(
            cipher.open(RESIDENT_42, &[]).unwrap_err().failure,
            OpenFailure::Truncated
        );
        assert_ne!(
            cipher.seal(RESIDENT_42, "x"),
            cipher.seal(RESIDENT_42, "x"),
            "a fresh nonce each time"
        );
    }

    #[test]
    fn bytes_seal_and_open_bound_to_their_row() {
        let cipher = FieldCipher::new(&FieldKey::generate());
        let doc = SealContext::new(SealedColumn::BidDocument, 7);
        let file = b"%PDF-1.7 \xff\x00 binary";
        let sealed = cipher.seal_bytes(doc, file);
        assert!(!sealed.windows(8).any(|w| w == b"%PDF-1.7"));
        assert_eq!(cipher.open_bytes(doc, &sealed).unwrap(), file);
        let other = SealContext::new(SealedColumn::BidDocument, 8);
        assert_eq!(
            cipher.open_bytes(other, &sealed).unwrap_err().failure,
            OpenFailure::Authentication
        );
        assert!(
            cipher
                .open_bytes(SealContext::new(SealedColumn::BidContent, 7), &sealed)
                .is_err()
        );
        assert_eq!(
            SealContext::new(SealedColumn::BidContent, 3).associated_data(),
            "yingcai:v2:competition_bid:content_sealed:3"
        );
    }

    #[test]
    fn the_associated_data_names_table_column_and_row() {
        assert_eq!(
            RESIDENT_42.associated_data(),
            "yingcai:v2:talent:resident_id_sealed:42"
        );
        assert_eq!(
            SealContext::new(SealedColumn::SubmissionPayload, -1).associated_data(),
            "yingcai:v2:submission:payload_sealed:-1"
        );
        // Distinct columns, distinct encodings, whatever the row.
        let encodings: std::collections::HashSet<String> = SealedColumn::ALL
            .iter()
            .flat_map(|c| [1, 12].map(|row| SealContext::new(*c, row).associated_data()))
            .collect();
        assert_eq!(encodings.len(), 6);
    }

    #[test]
    fn version_2_keys_are_hkdf_sha256_with_distinct_labels() {
        let cipher = FieldCipher::new(&known_key());
        let sealed = hex::decode(
            "026465666768696a6b6c6d6e6fbf43a11871b0f4ea33dd7d7d20a04f122799bf4fb27a252e5245c77f50c3a4f5ab0b",
        )
        .unwrap();
        assert_eq!(
            cipher.open(RESIDENT_42, &sealed).unwrap(),
            "11010519491231002X"
        );
        assert_eq!(
            cipher.blind_index("talent.resident_id", "11010519491231002X"),
            "10dc507f6bcea72958622f0ddd7dd319016a71a66045792951bb99e73bf934e3"
        );
    }

    #[test]
    fn version_1_values_open_only_through_the_re_seal_path() {
        let cipher = FieldCipher::new(&known_key());
        // Written by the previous release: SHA-256-derived key, the field name as associated data.
        let sealed = hex::decode(
            "016465666768696a6b6c6d6e6fb2dadcc04722fd3cdd28454cae4836f2205378954d288a02261bebd05d353a1a1e5b",
        )
        .unwrap();
        let error = cipher.open(RESIDENT_42, &sealed).unwrap_err();
        assert_eq!(error.failure, OpenFailure::Version(1));
        assert!(error.to_string().contains("yingcai migrate"), "{error}");
        assert_eq!(
            cipher.open_version_1(RESIDENT_42, &sealed).unwrap(),
            "11010519491231002X"
        );
        assert_eq!(
            cipher.blind_index_version_1("talent.resident_id", "11010519491231002X"),
            "741695f9b9a9e125b8295060fc5b922693c147ed330691334557f62ddd20fe33"
        );
        // Each path refuses the other's generation.
        let v2 = cipher.seal(RESIDENT_42, "x");
        assert_eq!(
            cipher.open_version_1(RESIDENT_42, &v2).unwrap_err().failure,
            OpenFailure::Version(2)
        );
        let v1 = cipher.seal_version_1(SealedColumn::TalentBankAccount, "6222");
        assert_eq!(
            cipher
                .open_version_1(SealContext::new(SealedColumn::TalentBankAccount, 7), &v1)
                .unwrap(),
            "6222"
        );
        assert!(
            cipher.open_version_1(RESIDENT_42, &v1).is_err(),
            "bound to its field"
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
        assert_ne!(
            a.blind_index("id", "x"),
            a.blind_index_version_1("id", "x"),
            "the index key changed with the derivation"
        );
    }

    #[test]
    fn keys_round_trip_and_files_are_created_once() {
        let key = FieldKey::generate();
        assert_eq!(*FieldKey::from_base64(&key.to_base64()).unwrap().0, *key.0);
        assert!(FieldKey::from_base64("c2hvcnQ=").is_err());
        assert_eq!(format!("{key:?}"), "FieldKey(****)");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/field.key");
        let (first, created) = FieldKey::load_or_create(&path).unwrap();
        assert!(created);
        let (second, created) = FieldKey::load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(*first.0, *second.0);
    }
}
