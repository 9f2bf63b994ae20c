//! Rendering a token as a QR code.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use thiserror::Error;

/// Smallest rendered side, in SVG user units (pixels when shown unscaled).
pub const QR_MIN_SIZE: u32 = 200;

/// Why a QR code could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum QrError {
    /// The text does not fit even the largest QR code at level M.
    #[error("{len} bytes do not fit in a QR code at error-correction level M")]
    TooLong {
        /// Length of the text in bytes.
        len: usize,
    },
    /// The QR encoder refused the text for another reason.
    #[error("QR encoding failed: {reason}")]
    Encoding {
        /// The encoder's message.
        reason: String,
    },
}

/// Renders `token` as a standalone SVG QR code.
///
/// Level M (about 15 % of the code may be damaged) suits a code shown on a
/// phone or printed on a card; the 4-module quiet zone and pure black on
/// white are what cheap scanners need. The SVG has a `viewBox`, so it scales
/// cleanly from its at least 200×200 natural size.
pub fn qr_svg(token: &str) -> Result<String, QrError> {
    let code =
        QrCode::with_error_correction_level(token.as_bytes(), EcLevel::M).map_err(|e| match e {
            qrcode::types::QrError::DataTooLong => QrError::TooLong { len: token.len() },
            other => QrError::Encoding {
                reason: other.to_string(),
            },
        })?;
    Ok(code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(QR_MIN_SIZE, QR_MIN_SIZE)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}
