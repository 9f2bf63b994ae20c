//! The Shijiazhuang talent green card (石家庄人才绿卡) in a verifiable form.
//!
//! A card has a [`CardNumber`], a tier, the holder's masked name and a
//! validity window. Its QR code carries a [`CardToken`]: the [`CardClaims`]
//! signed with Ed25519 by the issuing [`CardSigner`]. Anyone holding the
//! published [`CardPublicKey`] can [`verify`] a token offline, then ask
//! [`CardClaims::status_on`] whether the card is valid today.
//!
//! The crate does no I/O and never reads the clock; "today" and randomness
//! come from the caller.
//!
//! ```
//! use jiff::civil::date;
//! use yingcai_card::{mask_name, qr_svg, verify, CardClaims, CardNumber, CardSigner,
//!                    CardPublicKey, ValidityStatus};
//!
//! // Issuing side.
//! let signer = CardSigner::generate();
//! let claims = CardClaims {
//!     number: CardNumber::new(2026, 123)?,
//!     tier: "A".into(),
//!     holder: mask_name("张三"),
//!     valid_from: date(2026, 1, 1),
//!     valid_until: date(2028, 12, 31),
//!     issued: date(2026, 1, 1),
//!     key_id: signer.key_id(),
//!     services: vec!["medical".into(), "housing".into()],
//! };
//! let token = signer.sign(&claims)?;
//! let svg = qr_svg(token.as_str())?;
//! let published_pem = signer.public_key().to_pem();
//!
//! // Verifying side, with only the published key.
//! let key = CardPublicKey::from_pem(&published_pem)?;
//! let checked = verify(token.as_str(), &key)?;
//! assert_eq!(checked.holder, "张*");
//! assert_eq!(checked.status_on(date(2027, 3, 1)), ValidityStatus::Valid);
//! # let _ = svg;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod claims;
mod keys;
mod number;
mod qr;
mod token;

pub use claims::{CardClaims, ValidityStatus, mask_name, status_on};
pub use keys::{CardPublicKey, CardSigner, KeyError};
pub use number::{CARD_PREFIX, CardNumber, CardNumberError, MAX_SERIAL, MAX_YEAR};
pub use qr::{QR_MIN_SIZE, QrError, qr_svg};
pub use token::{
    CardToken, MAX_TOKEN_LEN, SignError, TOKEN_VERSION, TokenError, TokenPart, verify,
};

/// Re-exported so callers name dates with the same `jiff` the claims use.
pub use jiff::civil::Date;
