//! The signed token carried in a card's QR code.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer as _, SigningKey};
use jiff::civil::Date;
use serde::Deserialize;
use thiserror::Error;

use crate::claims::CardClaims;
use crate::keys::CardPublicKey;

/// Version tag that starts every token this crate writes.
pub const TOKEN_VERSION: &str = "YC1";

/// Longest token [`verify`] looks at, in bytes.
///
/// Real cards are about 300 bytes; the cap bounds the work an anonymous
/// request to the public verification page can cause.
pub const MAX_TOKEN_LEN: usize = 1024;

const SIGNATURE_LEN: usize = 64;
const KEY_ID_LEN: usize = 8;
const MAX_ECHOED_VERSION_LEN: usize = 16;

/// A signed card token: `YC1.<claims>.<signature>`, both parts unpadded
/// base64url, the signature covering the exact bytes `YC1.<claims>`.
///
/// Only [`CardSigner::sign`](crate::CardSigner::sign) makes one; text from
/// outside goes through [`verify`] instead.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CardToken(String);

impl CardToken {
    /// The token text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The token text, by value.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for CardToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for CardToken {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<CardToken> for String {
    fn from(token: CardToken) -> Self {
        token.0
    }
}

/// Which base64 part of a token is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenPart {
    /// The claims part between the two dots.
    Payload,
    /// The signature part after the second dot.
    Signature,
}

impl fmt::Display for TokenPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenPart::Payload => "payload",
            TokenPart::Signature => "signature",
        })
    }
}

/// Why a token was rejected.
///
/// None of these means "maybe valid": every error is a refusal.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token does not have the `VERSION.PAYLOAD.SIGNATURE` shape, is too
    /// long, or its signed claims are not valid claims JSON.
    #[error("malformed card token: {reason}")]
    Malformed {
        /// Human-readable detail.
        reason: String,
    },
    /// The token starts with a version tag other than [`TOKEN_VERSION`].
    #[error("unknown card token version {version:?} (expected {TOKEN_VERSION:?})")]
    UnknownVersion {
        /// The tag found, cut to 16 characters.
        version: String,
    },
    /// A part is not canonical unpadded base64url, or the signature does not
    /// decode to 64 bytes.
    #[error("card token {part} is not valid base64url")]
    BadEncoding {
        /// The broken part.
        part: TokenPart,
    },
    /// The signature does not match the payload under this key: the token
    /// was altered or forged.
    #[error("card token signature is invalid")]
    BadSignature,
    /// The token names a different signing key than the one it was checked
    /// against (for example after a key rotation).
    ///
    /// When the signature fails, `token_key_id` is read from the unverified
    /// payload purely to explain the failure; it proves nothing.
    #[error("card token was issued under key {token_key_id}, not key {key_id}")]
    WrongKey {
        /// Key id written in the token.
        token_key_id: String,
        /// Id of the key used to verify.
        key_id: String,
    },
}

/// Why claims could not be signed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SignError {
    /// The claims name another key, so the token would fail with
    /// [`TokenError::WrongKey`].
    #[error("claims name key {claims_key_id} but the signer is key {signer_key_id}")]
    KeyIdMismatch {
        /// `key_id` in the claims.
        claims_key_id: String,
        /// Id of the signing key.
        signer_key_id: String,
    },
    /// `valid_from` is after `valid_until`, so the card would never be valid.
    #[error("validity window {valid_from} to {valid_until} is empty")]
    EmptyValidity {
        /// First day.
        valid_from: Date,
        /// Last day.
        valid_until: Date,
    },
    /// The token would exceed [`MAX_TOKEN_LEN`] (too many services or a very
    /// long holder string).
    #[error("token would be {len} bytes, more than the limit of {MAX_TOKEN_LEN}")]
    TooLong {
        /// Length the token would have.
        len: usize,
    },
    /// The claims could not be encoded as JSON.
    #[error("claims could not be encoded as JSON")]
    Json(#[source] serde_json::Error),
}

/// Builds a token without the consistency checks of `CardSigner::sign`, so
/// tests can produce tokens that an honest signer would refuse to.
pub(crate) fn sign_unchecked(
    key: &SigningKey,
    claims: &CardClaims,
) -> Result<CardToken, SignError> {
    let json = serde_json::to_vec(claims).map_err(SignError::Json)?;
    let mut token = String::with_capacity(MAX_TOKEN_LEN / 2);
    token.push_str(TOKEN_VERSION);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(&json, &mut token);
    let signature = key.sign(token.as_bytes());
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature.to_bytes(), &mut token);
    if token.len() > MAX_TOKEN_LEN {
        return Err(SignError::TooLong { len: token.len() });
    }
    Ok(CardToken(token))
}

/// Checks `token` against the published `key` and returns its claims.
///
/// The signature is checked (strictly: no malleable or small-order cases)
/// before any claim is believed. Validity dates are *not* checked here; use
/// [`CardClaims::status_on`] so that an expired card can still be shown as
/// "genuine but expired".
///
/// ```
/// use yingcai_card::{verify, CardSigner, TokenError};
///
/// let published = CardSigner::generate().public_key();
/// assert!(matches!(
///     verify("YC1.e30.AAAA", &published),
///     Err(TokenError::BadEncoding { .. })
/// ));
/// ```
pub fn verify(token: &str, key: &CardPublicKey) -> Result<CardClaims, TokenError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(malformed(format!(
            "token is {} bytes, more than the limit of {MAX_TOKEN_LEN}",
            token.len()
        )));
    }
    let (version, rest) = token
        .split_once('.')
        .ok_or_else(|| malformed("expected VERSION.PAYLOAD.SIGNATURE".into()))?;
    if version != TOKEN_VERSION {
        return Err(TokenError::UnknownVersion {
            version: version.chars().take(MAX_ECHOED_VERSION_LEN).collect(),
        });
    }
    let (payload_b64, signature_b64) = rest
        .split_once('.')
        .ok_or_else(|| malformed("expected VERSION.PAYLOAD.SIGNATURE".into()))?;
    if signature_b64.contains('.') {
        return Err(malformed("more than three dot-separated parts".into()));
    }
    let payload = URL_SAFE_NO_PAD
        .decode(payload_b64)
        .map_err(|_| TokenError::BadEncoding {
            part: TokenPart::Payload,
        })?;
    let signature: [u8; SIGNATURE_LEN] = URL_SAFE_NO_PAD
        .decode(signature_b64)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(TokenError::BadEncoding {
            part: TokenPart::Signature,
        })?;

    let signed = &token[..version.len() + 1 + payload_b64.len()];
    let key_id = key.key_id();
    if key
        .verifying_key()
        .verify_strict(signed.as_bytes(), &Signature::from_bytes(&signature))
        .is_err()
    {
        return Err(match unverified_key_id(&payload) {
            Some(token_key_id) if token_key_id != key_id => TokenError::WrongKey {
                token_key_id,
                key_id,
            },
            _ => TokenError::BadSignature,
        });
    }

    let claims: CardClaims = serde_json::from_slice(&payload)
        .map_err(|e| malformed(format!("signed claims are not valid: {e}")))?;
    if claims.key_id != key_id {
        return Err(TokenError::WrongKey {
            token_key_id: claims.key_id,
            key_id,
        });
    }
    Ok(claims)
}

/// Reads only the key id of a payload whose signature failed, so the error
/// can say "other key" instead of "forged". Anything odd yields `None` and
/// the caller reports a plain bad signature.
fn unverified_key_id(payload: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct KeyIdOnly {
        k: String,
    }
    let k = serde_json::from_slice::<KeyIdOnly>(payload).ok()?.k;
    let well_formed = k.len() == KEY_ID_LEN
        && k.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    well_formed.then_some(k)
}

fn malformed(reason: String) -> TokenError {
    TokenError::Malformed { reason }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::{CardNumber, CardSigner};
    use jiff::civil::date;

    // Test-only key, same as in keys.rs (made with `openssl genpkey`).
    const SEED: [u8; 32] = [
        0xbf, 0x70, 0xb7, 0x33, 0xeb, 0xf6, 0xb6, 0x8b, 0x1e, 0x08, 0x75, 0x00, 0x38, 0xea, 0xe5,
        0xbd, 0xa7, 0xe2, 0x8c, 0xf3, 0x3c, 0xa2, 0x6a, 0x4b, 0xad, 0x6c, 0x2a, 0xe5, 0x27, 0x88,
        0x71, 0xe2,
    ];

    fn signer() -> CardSigner {
        CardSigner::from_seed(&SEED)
    }

    fn claims(signer: &CardSigner) -> CardClaims {
        CardClaims {
            number: CardNumber::new(2026, 123).unwrap(),
            tier: "A".into(),
            holder: "张*".into(),
            valid_from: date(2026, 1, 1),
            valid_until: date(2028, 12, 31),
            issued: date(2025, 12, 20),
            key_id: signer.key_id(),
            services: vec!["medical".into(), "housing".into(), "education".into()],
        }
    }

    fn parts(token: &str) -> (String, String) {
        let mut it = token.splitn(3, '.').skip(1);
        (it.next().unwrap().into(), it.next().unwrap().into())
    }

    #[test]
    fn sign_then_verify_round_trips() {
        let signer = signer();
        let claims = claims(&signer);
        let token = signer.sign(&claims).unwrap();
        assert!(token.as_str().starts_with("YC1."));
        assert_eq!(
            verify(token.as_str(), &signer.public_key()).unwrap(),
            claims
        );
        assert_eq!(signer.public_key().verify(token.as_str()).unwrap(), claims);
    }

    /// Pins the wire format: Ed25519 signatures are deterministic, so any
    /// change here breaks every card already printed. The signature was also
    /// checked with `openssl pkeyutl -verify -rawin`.
    #[test]
    fn golden_token() {
        let signer = signer();
        assert_eq!(signer.key_id(), "88be99aa");
        let token = signer.sign(&claims(&signer)).unwrap();
        assert_eq!(token.as_str(), GOLDEN);
        assert_eq!(
            verify(GOLDEN, &signer.public_key()).unwrap(),
            claims(&signer)
        );
    }

    const GOLDEN: &str = concat!(
        "YC1.",
        "eyJuIjoiU0paLTIwMjYtMDAwMTIzLTYiLCJ0IjoiQSIsImgiOiLlvKAqIiwiZiI6IjIwMjYtMDEtMDEiLCJ1IjoiMjAyOC0xMi0zMSIsImkiOiIyMDI1LTEyLTIwIiwiayI6Ijg4YmU5OWFhIiwicyI6WyJtZWRpY2FsIiwiaG91c2luZyIsImVkdWNhdGlvbiJdfQ",
        ".",
        "oHQ5wireK44woDQwY_AJJjnJ2BtRbG_By7fMvASBtloK66LTsKYqvr4wHVki9BxsYNmK-QSjmdppGpuS-eROAA",
    );

    #[test]
    fn realistic_token_fits_a_small_qr_code() {
        let signer = signer();
        let mut claims = claims(&signer);
        claims.holder = "欧阳***".into();
        claims.number = CardNumber::new(2026, 999_999).unwrap();
        claims.services = [
            "medical",
            "education",
            "housing",
            "transport",
            "culture",
            "tax",
        ]
        .map(String::from)
        .to_vec();
        let token = signer.sign(&claims).unwrap();
        assert!(token.as_str().len() < 400, "{} bytes", token.as_str().len());
    }

    #[test]
    fn altered_claims_fail_the_signature() {
        let signer = signer();
        let token = signer.sign(&claims(&signer)).unwrap();
        let (payload, signature) = parts(token.as_str());
        let json = String::from_utf8(URL_SAFE_NO_PAD.decode(&payload).unwrap()).unwrap();
        let upgraded = json.replace("\"u\":\"2028-12-31\"", "\"u\":\"2099-12-31\"");
        assert_ne!(json, upgraded);
        let forged = format!("YC1.{}.{signature}", URL_SAFE_NO_PAD.encode(upgraded));
        assert_eq!(
            verify(&forged, &signer.public_key()),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn flipped_bytes_are_rejected() {
        let signer = signer();
        let key = signer.public_key();
        let token = signer.sign(&claims(&signer)).unwrap();
        let (payload, signature) = parts(token.as_str());

        let mut raw = URL_SAFE_NO_PAD.decode(&payload).unwrap();
        raw[0] ^= 0x01;
        let bad_payload = format!("YC1.{}.{signature}", URL_SAFE_NO_PAD.encode(&raw));
        assert_eq!(verify(&bad_payload, &key), Err(TokenError::BadSignature));

        let mut sig = URL_SAFE_NO_PAD.decode(&signature).unwrap();
        for i in [0, 31, 32, 63] {
            sig[i] ^= 0x80;
            let bad_sig = format!("YC1.{payload}.{}", URL_SAFE_NO_PAD.encode(&sig));
            assert_eq!(
                verify(&bad_sig, &key),
                Err(TokenError::BadSignature),
                "byte {i}"
            );
            sig[i] ^= 0x80;
        }
    }

    #[test]
    fn broken_base64_is_reported_per_part() {
        let signer = signer();
        let key = signer.public_key();
        let token = signer.sign(&claims(&signer)).unwrap();
        let (payload, signature) = parts(token.as_str());
        let payload_err = Err(TokenError::BadEncoding {
            part: TokenPart::Payload,
        });
        let signature_err = Err(TokenError::BadEncoding {
            part: TokenPart::Signature,
        });
        assert_eq!(
            verify(&format!("YC1.{payload}!.{signature}"), &key),
            payload_err
        );
        assert_eq!(
            verify(&format!("YC1.{payload}=.{signature}"), &key),
            payload_err
        );
        assert_eq!(
            verify(&format!("YC1.{payload}.{signature}="), &key),
            signature_err
        );
        assert_eq!(
            verify(&format!("YC1.{payload}.{}", &signature[1..]), &key),
            signature_err
        );
        assert_eq!(
            verify(&format!("YC1.{payload}.{}", &signature[4..]), &key),
            signature_err
        );
        assert_eq!(
            verify(&format!("YC1.{payload}.{signature}AAAA"), &key),
            signature_err
        );
        // Standard-alphabet characters are not base64url.
        assert_eq!(
            verify(&format!("YC1.{payload}.+{}", &signature[1..]), &key),
            signature_err
        );
    }

    #[test]
    fn non_canonical_trailing_bits_are_rejected() {
        // 64 bytes leave 2 spare bits in the last of 86 characters; setting
        // them must not give a second spelling of the same signature.
        let signer = signer();
        let token = signer.sign(&claims(&signer)).unwrap();
        let (payload, signature) = parts(token.as_str());
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let last = signature.as_bytes()[signature.len() - 1];
        let index = alphabet.iter().position(|&c| c == last).unwrap();
        let sibling = alphabet[index ^ 1] as char;
        let respelled = format!(
            "YC1.{payload}.{}{sibling}",
            &signature[..signature.len() - 1]
        );
        assert_eq!(
            verify(&respelled, &signer.public_key()),
            Err(TokenError::BadEncoding {
                part: TokenPart::Signature
            })
        );
    }

    #[test]
    fn another_key_is_named_in_the_error() {
        let issuer = signer();
        let other = CardSigner::generate();
        let token = issuer.sign(&claims(&issuer)).unwrap();
        assert_eq!(
            verify(token.as_str(), &other.public_key()),
            Err(TokenError::WrongKey {
                token_key_id: issuer.key_id(),
                key_id: other.key_id(),
            })
        );
    }

    #[test]
    fn forged_key_id_in_unverifiable_token_is_just_a_bad_signature() {
        // A payload naming *our* key but signed by another is a forgery, not
        // a rotation; so is a key id that is not 8 hex digits.
        let ours = signer();
        let attacker = CardSigner::generate();
        let token = sign_unchecked(
            &SigningKey::generate(&mut rand::rngs::OsRng),
            &claims(&ours),
        )
        .unwrap();
        assert_eq!(
            verify(token.as_str(), &ours.public_key()),
            Err(TokenError::BadSignature)
        );

        let mut odd = claims(&attacker);
        odd.key_id = "<script>".into();
        let token = sign_unchecked(&SigningKey::from_bytes(&[7; 32]), &odd).unwrap();
        assert_eq!(
            verify(token.as_str(), &ours.public_key()),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn verified_token_naming_another_key_is_refused() {
        let signer = signer();
        let mut claims = claims(&signer);
        claims.key_id = "0badc0de".into();
        let token = sign_unchecked(&SigningKey::from_bytes(&SEED), &claims).unwrap();
        assert_eq!(
            verify(token.as_str(), &signer.public_key()),
            Err(TokenError::WrongKey {
                token_key_id: "0badc0de".into(),
                key_id: signer.key_id(),
            })
        );
    }

    #[test]
    fn signed_garbage_is_malformed() {
        let key = SigningKey::from_bytes(&SEED);
        for json in [&b"{}"[..], b"not json", br#"{"k":1}"#] {
            let mut token = format!("YC1.{}", URL_SAFE_NO_PAD.encode(json));
            let signature = key.sign(token.as_bytes());
            token = format!("{token}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()));
            assert!(
                matches!(
                    verify(&token, &signer().public_key()),
                    Err(TokenError::Malformed { .. })
                ),
                "{token}"
            );
        }
    }

    #[test]
    fn shape_errors() {
        let key = signer().public_key();
        let malformed = |t: &str| matches!(verify(t, &key), Err(TokenError::Malformed { .. }));
        assert!(malformed(""));
        assert!(malformed("YC1"));
        assert!(malformed("YC1.abc"));
        assert!(malformed("YC1.abc.def.ghi"));
        assert!(malformed(&format!("YC1.{}.x", "A".repeat(MAX_TOKEN_LEN))));
        assert_eq!(
            verify("YC2.abc.def", &key),
            Err(TokenError::UnknownVersion {
                version: "YC2".into()
            })
        );
        assert_eq!(
            verify("yc1.abc.def", &key),
            Err(TokenError::UnknownVersion {
                version: "yc1".into()
            })
        );
        assert_eq!(
            verify(&format!("{}.a.b", "V".repeat(100)), &key),
            Err(TokenError::UnknownVersion {
                version: "V".repeat(16)
            })
        );
    }

    #[test]
    fn signer_refuses_inconsistent_claims() {
        let signer = signer();
        let mut c = claims(&signer);
        c.key_id = "12345678".into();
        assert!(matches!(
            signer.sign(&c),
            Err(SignError::KeyIdMismatch { .. })
        ));

        let mut c = claims(&signer);
        c.valid_until = date(2025, 12, 31);
        assert!(matches!(
            signer.sign(&c),
            Err(SignError::EmptyValidity { .. })
        ));

        let mut c = claims(&signer);
        c.valid_until = c.valid_from;
        assert!(signer.sign(&c).is_ok(), "a one-day card is fine");

        let mut c = claims(&signer);
        c.services = vec!["x".repeat(40); 20];
        assert!(matches!(signer.sign(&c), Err(SignError::TooLong { .. })));
    }

    #[test]
    fn error_messages_read_well() {
        let e = TokenError::WrongKey {
            token_key_id: "aaaaaaaa".into(),
            key_id: "bbbbbbbb".into(),
        };
        assert_eq!(
            e.to_string(),
            "card token was issued under key aaaaaaaa, not key bbbbbbbb"
        );
        assert_eq!(
            TokenError::BadEncoding {
                part: TokenPart::Signature
            }
            .to_string(),
            "card token signature is not valid base64url"
        );
    }
}
