//! The issuing key and the published verification key.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey};
use ed25519_dalek::{PUBLIC_KEY_LENGTH, SECRET_KEY_LENGTH, SigningKey, VerifyingKey};
use rand::rngs::OsRng;
use rand::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::claims::CardClaims;
use crate::token::{self, CardToken, SignError, TokenError};

// DER prefixes from RFC 8410: an Ed25519 key is a fixed header followed by the
// 32 raw bytes, so building them by hand keeps `to_pem`/`to_pkcs8_pem`
// infallible and byte-identical to what `openssl genpkey -algorithm ed25519`
// writes (PKCS#8 v1, no embedded public key).
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];
const PKCS8_V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// Why a key could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The text is not a PEM `PRIVATE KEY` holding an unencrypted Ed25519
    /// PKCS#8 key.
    #[error("not an unencrypted Ed25519 PKCS#8 private key: {reason}")]
    PrivateKeyPem {
        /// What the PKCS#8 decoder objected to (never key material).
        reason: String,
    },
    /// The text is not a PEM `PUBLIC KEY` holding an Ed25519 SPKI key.
    #[error("not an Ed25519 SPKI public key PEM: {reason}")]
    PublicKeyPem {
        /// What the SPKI decoder objected to.
        reason: String,
    },
    /// The text is not standard, padded base64.
    #[error("public key is not valid base64")]
    Base64,
    /// The decoded key does not have 32 bytes.
    #[error("public key must be {PUBLIC_KEY_LENGTH} bytes, got {len}")]
    Length {
        /// Number of bytes decoded.
        len: usize,
    },
    /// The bytes are not the encoding of a curve point.
    #[error("public key bytes are not a valid Ed25519 point")]
    InvalidPoint,
    /// The point has small order, so signatures under it prove nothing.
    #[error("public key is a weak (small-order) Ed25519 point")]
    WeakKey,
}

/// The Ed25519 key that signs green cards.
///
/// Deliberately not `Clone` and not `Serialize`: copies of the issuing key
/// should only come from an explicit PEM export.
pub struct CardSigner {
    key: SigningKey,
}

impl CardSigner {
    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        Self::generate_with(&mut OsRng)
    }

    /// A fresh key from the caller's CSPRNG.
    pub fn generate_with<R: CryptoRng + RngCore>(rng: &mut R) -> Self {
        Self {
            key: SigningKey::generate(rng),
        }
    }

    /// The key whose 32-byte secret seed is `seed` (RFC 8032 "private key").
    pub fn from_seed(seed: &[u8; SECRET_KEY_LENGTH]) -> Self {
        Self {
            key: SigningKey::from_bytes(seed),
        }
    }

    /// Loads an unencrypted PKCS#8 `PRIVATE KEY` PEM, as written by
    /// [`to_pkcs8_pem`](Self::to_pkcs8_pem) or `openssl genpkey -algorithm ed25519`.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        SigningKey::from_pkcs8_pem(pem.trim())
            .map(|key| Self { key })
            .map_err(|e| KeyError::PrivateKeyPem {
                reason: e.to_string(),
            })
    }

    /// The key as an unencrypted PKCS#8 v1 `PRIVATE KEY` PEM, wiped from
    /// memory when dropped.
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        let mut der = Zeroizing::new([0u8; PKCS8_V1_PREFIX.len() + SECRET_KEY_LENGTH]);
        der[..PKCS8_V1_PREFIX.len()].copy_from_slice(&PKCS8_V1_PREFIX);
        der[PKCS8_V1_PREFIX.len()..].copy_from_slice(self.key.as_bytes());
        let body = Zeroizing::new(STANDARD.encode(der.as_slice()));
        pem("PRIVATE KEY", &body)
    }

    /// The matching public key, to be published for verifiers.
    pub fn public_key(&self) -> CardPublicKey {
        CardPublicKey {
            key: self.key.verifying_key(),
        }
    }

    /// Id of the matching public key; put it in [`CardClaims::key_id`].
    pub fn key_id(&self) -> String {
        self.public_key().key_id()
    }

    /// Signs `claims` into a token for the card's QR code.
    ///
    /// Refuses claims that could never verify or never be valid: a `key_id`
    /// other than this key's, an empty validity window, or a token too long
    /// for [`verify`](crate::verify) to accept.
    pub fn sign(&self, claims: &CardClaims) -> Result<CardToken, SignError> {
        let key_id = self.key_id();
        if claims.key_id != key_id {
            return Err(SignError::KeyIdMismatch {
                claims_key_id: claims.key_id.clone(),
                signer_key_id: key_id,
            });
        }
        if claims.valid_from > claims.valid_until {
            return Err(SignError::EmptyValidity {
                valid_from: claims.valid_from,
                valid_until: claims.valid_until,
            });
        }
        token::sign_unchecked(&self.key, claims)
    }
}

impl fmt::Debug for CardSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardSigner")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

/// The published key that verifies green-card tokens.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CardPublicKey {
    key: VerifyingKey,
}

impl CardPublicKey {
    /// Loads an SPKI `PUBLIC KEY` PEM, as written by [`to_pem`](Self::to_pem)
    /// or `openssl pkey -pubout`.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let key =
            VerifyingKey::from_public_key_pem(pem.trim()).map_err(|e| KeyError::PublicKeyPem {
                reason: e.to_string(),
            })?;
        Self::checked(key)
    }

    /// The key as an SPKI `PUBLIC KEY` PEM.
    pub fn to_pem(&self) -> String {
        let mut der = [0u8; SPKI_PREFIX.len() + PUBLIC_KEY_LENGTH];
        der[..SPKI_PREFIX.len()].copy_from_slice(&SPKI_PREFIX);
        der[SPKI_PREFIX.len()..].copy_from_slice(self.key.as_bytes());
        pem("PUBLIC KEY", &STANDARD.encode(der)).to_string()
    }

    /// Loads the raw 32 key bytes given as standard, padded base64.
    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        let bytes = STANDARD.decode(text.trim()).map_err(|_| KeyError::Base64)?;
        let bytes: [u8; PUBLIC_KEY_LENGTH] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::Length { len: bytes.len() })?;
        Self::from_bytes(&bytes)
    }

    /// The raw 32 key bytes as standard, padded base64 (44 characters).
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.key.as_bytes())
    }

    /// Loads the raw 32 key bytes.
    pub fn from_bytes(bytes: &[u8; PUBLIC_KEY_LENGTH]) -> Result<Self, KeyError> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::InvalidPoint)?;
        Self::checked(key)
    }

    /// The raw 32 key bytes.
    pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_LENGTH] {
        self.key.to_bytes()
    }

    /// First 8 lower-case hex digits of SHA-256 over the raw key bytes; lets
    /// a verifier tell "signed by another key" apart from "tampered with".
    pub fn key_id(&self) -> String {
        let digest = Sha256::digest(self.key.as_bytes());
        digest[..4].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Same as [`verify`](crate::verify)`(token, self)`.
    pub fn verify(&self, token: &str) -> Result<CardClaims, TokenError> {
        token::verify(token, self)
    }

    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    fn checked(key: VerifyingKey) -> Result<Self, KeyError> {
        if key.is_weak() {
            return Err(KeyError::WeakKey);
        }
        Ok(Self { key })
    }
}

impl fmt::Debug for CardPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardPublicKey")
            .field("key_id", &self.key_id())
            .field("base64", &self.to_base64())
            .finish()
    }
}

fn pem(label: &str, base64_body: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(base64_body.len() + 64));
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    // RFC 7468 lines are at most 64 characters; base64 is ASCII so byte
    // chunks are character chunks.
    for line in base64_body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    // Made with `openssl genpkey -algorithm ed25519` (OpenSSL 3.0) for these
    // tests only; it signs nothing real.
    const OPENSSL_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\n\
        MC4CAQAwBQYDK2VwBCIEIL9wtzPr9raLHgh1ADjq5b2n4ozzPKJqS61sKuUniHHi\n\
        -----END PRIVATE KEY-----\n";
    const OPENSSL_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\n\
        MCowBQYDK2VwAyEA8Yc2V//5w0tRSqOEsURuBnUym5LVUh4STQqOg2hQtes=\n\
        -----END PUBLIC KEY-----\n";

    #[test]
    fn pem_output_matches_openssl_byte_for_byte() {
        let signer = CardSigner::from_pkcs8_pem(OPENSSL_PRIVATE).unwrap();
        assert_eq!(signer.to_pkcs8_pem().as_str(), OPENSSL_PRIVATE);
        assert_eq!(signer.public_key().to_pem(), OPENSSL_PUBLIC);
        assert_eq!(
            CardPublicKey::from_pem(OPENSSL_PUBLIC).unwrap(),
            signer.public_key()
        );
    }

    #[test]
    fn pem_round_trips() {
        let signer = CardSigner::generate();
        let pem = signer.to_pkcs8_pem();
        let back = CardSigner::from_pkcs8_pem(&pem).unwrap();
        assert_eq!(back.key.to_bytes(), signer.key.to_bytes());

        let public = signer.public_key();
        assert_eq!(CardPublicKey::from_pem(&public.to_pem()).unwrap(), public);
    }

    #[test]
    fn reads_pkcs8_v2_with_embedded_public_key() {
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
        let signer = CardSigner::generate();
        let v2 = signer.key.to_pkcs8_pem(LineEnding::LF).unwrap();
        let back = CardSigner::from_pkcs8_pem(&v2).unwrap();
        assert_eq!(back.public_key(), signer.public_key());
    }

    #[test]
    fn base64_round_trips() {
        let public = CardSigner::generate().public_key();
        let text = public.to_base64();
        assert_eq!(text.len(), 44);
        assert_eq!(CardPublicKey::from_base64(&text).unwrap(), public);
        assert_eq!(
            CardPublicKey::from_base64(&format!("{text}\n")).unwrap(),
            public
        );
        assert_eq!(
            CardPublicKey::from_bytes(&public.to_bytes()).unwrap(),
            public
        );
    }

    #[test]
    fn rejects_bad_public_keys() {
        assert_eq!(CardPublicKey::from_base64("!!"), Err(KeyError::Base64));
        assert_eq!(
            CardPublicKey::from_base64(&STANDARD.encode([1u8; 31])),
            Err(KeyError::Length { len: 31 })
        );
        // The identity point (y = 1) has order 1.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(CardPublicKey::from_bytes(&identity), Err(KeyError::WeakKey));
        assert!(matches!(
            CardPublicKey::from_pem(OPENSSL_PRIVATE),
            Err(KeyError::PublicKeyPem { .. })
        ));
        assert!(matches!(
            CardSigner::from_pkcs8_pem(OPENSSL_PUBLIC),
            Err(KeyError::PrivateKeyPem { .. })
        ));
    }

    #[test]
    fn invalid_point_is_reported() {
        // Find a y coordinate with no matching x; about half of all values.
        let bad = (2u8..=255)
            .map(|b| {
                let mut bytes = [0u8; 32];
                bytes[0] = b;
                bytes
            })
            .find(|bytes| VerifyingKey::from_bytes(bytes).is_err())
            .unwrap();
        assert_eq!(CardPublicKey::from_bytes(&bad), Err(KeyError::InvalidPoint));
    }

    #[test]
    fn key_id_is_sha256_prefix() {
        let public = CardPublicKey::from_pem(OPENSSL_PUBLIC).unwrap();
        let id = public.key_id();
        assert_eq!(id.len(), 8);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        let full: String = Sha256::digest(public.to_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(full.starts_with(&id));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let signer = CardSigner::from_pkcs8_pem(OPENSSL_PRIVATE).unwrap();
        let debug = format!("{signer:?} {signer:#?}");
        assert!(debug.contains(&signer.key_id()));
        let secret_hex: String = signer
            .key
            .to_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let secret_b64 = STANDARD.encode(signer.key.to_bytes());
        for needle in [secret_hex.as_str(), &secret_b64, "MC4CAQAw", "191, 112"] {
            assert!(!debug.contains(needle), "{debug} contains {needle}");
        }
    }
}
