//! `yingcai card verify`: checks a green card's QR token offline, with the published public
//! key (`/verify/public-key.pem`) and, optionally, the published list of revoked cards
//! (`/verify/revoked.txt`). No database, no network.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use yingcai_card::{CardPublicKey, ValidityStatus};

#[derive(Subcommand)]
pub enum CardCommand {
    /// Check a card's token: exit 0 if genuine and in force, 1 if genuine but expired,
    /// not yet valid or revoked, 2 if not genuine or the input cannot be read.
    Verify {
        /// The token read from the card's QR code (`YC1.…`), or `-` to read it from stdin.
        token: String,
        /// The platform's public key (PEM), as published at /verify/public-key.pem.
        #[arg(long, value_name = "FILE")]
        public_key: PathBuf,
        /// The published list of revoked card numbers (/verify/revoked.txt), if at hand.
        #[arg(long, value_name = "FILE")]
        revoked: Option<PathBuf>,
        /// Check validity on this date instead of today (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
}

pub fn run(command: CardCommand) -> ExitCode {
    match command {
        CardCommand::Verify {
            token,
            public_key,
            revoked,
            on,
        } => match verify(&token, &public_key, revoked.as_deref(), on.as_deref()) {
            Ok(code) => code,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
        },
    }
}

fn verify(
    token: &str,
    key: &Path,
    revoked: Option<&Path>,
    on: Option<&str>,
) -> Result<ExitCode, String> {
    let token = if token == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("stdin: {e}"))?
    } else {
        token.to_owned()
    };
    let pem = std::fs::read_to_string(key).map_err(|e| format!("{}: {e}", key.display()))?;
    let key = CardPublicKey::from_pem(&pem).map_err(|e| format!("{}: {e}", key.display()))?;
    let today = match on {
        Some(day) => day.parse().map_err(|e| format!("--on {day}: {e}"))?,
        None => yingcai_services::policy::today(),
    };
    let claims = match key.verify(token.trim()) {
        Ok(claims) => claims,
        Err(error) => {
            println!("NOT GENUINE: {error}");
            return Ok(ExitCode::from(2));
        }
    };
    let number = claims.number.to_string();
    let revoked_listed = match revoked {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .lines()
                .any(|line| line.trim() == number),
        ),
        None => None,
    };
    let status = claims.status_on(today);
    let verdict = match (revoked_listed, status) {
        (Some(true), _) => "GENUINE, REVOKED",
        (_, ValidityStatus::Expired) => "GENUINE, EXPIRED",
        (_, ValidityStatus::NotYetValid) => "GENUINE, NOT YET VALID",
        (_, ValidityStatus::Valid) => "GENUINE, IN FORCE",
    };
    println!("{verdict}");
    println!("card:     {number}");
    println!("tier:     {}", claims.tier);
    println!("holder:   {}", claims.holder);
    println!(
        "valid:    {} – {} (checked on {today})",
        claims.valid_from, claims.valid_until
    );
    println!("services: {}", claims.services.join(", "));
    println!("key:      {}", claims.key_id);
    if revoked_listed.is_none() {
        println!("revocation not checked: pass --revoked with the published list");
    }
    Ok(if verdict == "GENUINE, IN FORCE" {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
