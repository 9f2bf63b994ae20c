//! `yingcai card verify`: offline checks of green-card tokens with the published key.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use std::process::Command;

use yingcai_card::{CardClaims, CardNumber, CardSigner, mask_name};

fn claims(signer: &CardSigner, until: &str) -> CardClaims {
    CardClaims {
        number: CardNumber::new(2026, 42).unwrap(),
        tier: "A".into(),
        holder: mask_name("李雷"),
        valid_from: "2026-01-01".parse().unwrap(),
        valid_until: until.parse().unwrap(),
        issued: "2026-01-01".parse().unwrap(),
        key_id: signer.key_id(),
        services: vec!["medical".into(), "transport".into()],
    }
}

fn verify(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yingcai"))
        .args(["card", "verify"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn genuine_expired_revoked_and_forged_tokens_are_told_apart_offline() {
    let dir = tempfile::tempdir().unwrap();
    let signer = CardSigner::generate();
    std::fs::write(dir.path().join("key.pem"), signer.public_key().to_pem()).unwrap();
    let token = signer
        .sign(&claims(&signer, "2028-12-31"))
        .unwrap()
        .into_string();

    let (code, out) = verify(
        dir.path(),
        &[&token, "--public-key", "key.pem", "--on", "2027-06-01"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("GENUINE, IN FORCE")
            && out.contains("SJZ-2026-000042-")
            && out.contains("李*"),
        "{out}"
    );
    assert!(out.contains("revocation not checked"), "{out}");

    let (code, out) = verify(
        dir.path(),
        &[&token, "--public-key", "key.pem", "--on", "2029-01-01"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("GENUINE, EXPIRED"), "{out}");

    let number = CardNumber::new(2026, 42).unwrap().to_string();
    std::fs::write(
        dir.path().join("revoked.txt"),
        format!("SJZ-2026-000001-9\n{number}\n"),
    )
    .unwrap();
    let (code, out) = verify(
        dir.path(),
        &[
            &token,
            "--public-key",
            "key.pem",
            "--revoked",
            "revoked.txt",
            "--on",
            "2027-06-01",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("GENUINE, REVOKED"), "{out}");

    // Signed by someone else, or altered: not genuine.
    let other = CardSigner::generate();
    let forged = other
        .sign(&claims(&other, "2028-12-31"))
        .unwrap()
        .into_string();
    let (code, out) = verify(dir.path(), &[&forged, "--public-key", "key.pem"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("NOT GENUINE"), "{out}");
    let mut altered = token.clone();
    altered.insert(10, 'x');
    let (code, out) = verify(dir.path(), &[&altered, "--public-key", "key.pem"]);
    assert_eq!(code, 2, "{out}");

    // A missing key file is an input error.
    let (code, out) = verify(dir.path(), &[&token, "--public-key", "missing.pem"]);
    assert_eq!(code, 2);
    assert!(out.contains("missing.pem"), "{out}");
}
