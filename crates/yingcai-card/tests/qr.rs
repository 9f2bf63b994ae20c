//! The SVG QR code really encodes the token.
#![allow(clippy::unwrap_used)]

use jiff::civil::date;
use yingcai_card::{CardClaims, CardNumber, CardSigner, QrError, mask_name, qr_svg, verify};

fn attr(svg: &str, name: &str) -> String {
    let start = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    let len = svg[start..].find('"').unwrap();
    svg[start..start + len].to_string()
}

/// Rasterises the SVG this crate emits: one background rect and one path
/// made only of `M{x} {y}h{w}v{h}H{x}V{y}` rectangles.
fn rasterise(svg: &str) -> (usize, usize, Vec<bool>) {
    let width: usize = attr(svg, "width").parse().unwrap();
    let height: usize = attr(svg, "height").parse().unwrap();
    let mut pixels = vec![false; width * height];
    for rect in attr(svg, "d").split('M').filter(|s| !s.is_empty()) {
        let nums: Vec<usize> = rect
            .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let [x, y, w, h] = [nums[0], nums[1], nums[2], nums[3]];
        for row in y..y + h {
            for col in x..x + w {
                pixels[row * width + col] = true;
            }
        }
    }
    (width, height, pixels)
}

fn decode(svg: &str) -> (rqrr::MetaData, String) {
    let (w, h, pixels) = rasterise(svg);
    let mut image = rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| pixels[y * w + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "expected exactly one QR code");
    grids[0].decode().unwrap()
}

#[test]
fn svg_is_well_formed_and_scalable() {
    let svg = qr_svg("YC1.abc.def").unwrap();
    assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"));
    assert!(svg.contains("<svg"));
    assert!(svg.contains("<rect") && svg.contains("<path"));
    assert!(svg.contains("viewBox=\"0 0 "));
    assert!(svg.contains("fill=\"#000000\"") && svg.contains("fill=\"#ffffff\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    let width: u32 = attr(&svg, "width").parse().unwrap();
    let height: u32 = attr(&svg, "height").parse().unwrap();
    assert_eq!(width, height);
    assert!(width >= 200, "{width}");
}

#[test]
fn qr_code_decodes_back_to_a_verifiable_token() {
    let signer = CardSigner::generate();
    let claims = CardClaims {
        number: CardNumber::new(2026, 4567).unwrap(),
        tier: "B".into(),
        holder: mask_name("欧阳娜娜"),
        valid_from: date(2026, 3, 1),
        valid_until: date(2029, 2, 28),
        issued: date(2026, 2, 20),
        key_id: signer.key_id(),
        services: vec!["medical".into(), "education".into(), "housing".into()],
    };
    let token = signer.sign(&claims).unwrap();
    let (meta, text) = decode(&qr_svg(token.as_str()).unwrap());
    assert_eq!(text, token.as_str());
    // The format bits encode M as 0 (L=1, M=0, Q=3, H=2).
    assert_eq!(meta.ecc_level, 0);
    assert!(meta.version.0 <= 15, "version {}", meta.version.0);
    assert_eq!(verify(&text, &signer.public_key()).unwrap(), claims);
}

#[test]
fn oversized_input_is_an_error_not_a_panic() {
    let huge = "x".repeat(5000);
    assert_eq!(qr_svg(&huge), Err(QrError::TooLong { len: 5000 }));
}
