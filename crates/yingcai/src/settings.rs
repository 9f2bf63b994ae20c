//! Settings: defaults in code, then an optional TOML file, then `YINGCAI_*` environment
//! variables (`__` for nesting: `YINGCAI_WEB__SESSION_HOURS=8`), then command-line flags.
//! No global: the settings are built once in `main` and passed down.

use std::fmt;
use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use yingcai_domain::audit::{AuditPublicKey, AuditSigner};
use yingcai_store::DatabaseUrl;
use yingcai_web::WebSettings;

#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://path/file.sqlite` or `postgres://user:password@host:5432/database`.
    pub database_url: String,
    /// The key that seals identity numbers and bank accounts: 32 bytes, base64. Prefer
    /// `YINGCAI_FIELD_KEY` or a key file; never commit it.
    pub field_key: Option<String>,
    /// Where the key is read from when `field_key` is not set. On SQLite a missing file is
    /// created with a new key (demo and development); on PostgreSQL it must exist, so that
    /// every app server uses the same key.
    pub field_key_file: String,
    /// The Ed25519 key (PKCS#8 PEM) that signs green cards' QR tokens. On SQLite a missing
    /// file is created (demo, development); on PostgreSQL it must exist, so that every app
    /// server signs with the same key. Its public half is published at /verify/public-key.pem.
    pub card_key_file: String,
    /// The Ed25519 key (PKCS#8 PEM) that signs the audit log's checkpoints (kept, like the
    /// checkpoint file `web.audit_checkpoint_file`, outside the database, so that nobody who
    /// can only write to the database can rewrite the log unnoticed). On SQLite a missing
    /// file is created; on PostgreSQL it must exist, shared by every app server.
    pub audit_key_file: String,
    /// Seconds between audit checkpoints written by `serve` (one is also written at shutdown).
    pub audit_checkpoint_secs: u64,
    /// The address to listen on.
    pub bind: String,
    pub port: u16,
    /// `pretty` for people, `json` for log collectors.
    pub log_format: LogFormat,
    /// A tracing filter such as `info` or `yingcai_web=debug,info` (`RUST_LOG` wins).
    pub log_level: String,
    /// Apply pending migrations when `serve` starts.
    pub migrate_on_start: bool,
    /// Seconds between runs of the housekeeping jobs inside `serve` (expired sessions, the
    /// entitlement sweep, apartment offers and leases).
    pub job_interval_secs: u64,
    pub web: WebSettings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: DatabaseUrl::DEFAULT.into(),
            field_key: None,
            field_key_file: "data/field.key".into(),
            card_key_file: "data/card-signing.pem".into(),
            audit_key_file: "data/audit-signing.pem".into(),
            audit_checkpoint_secs: 600,
            bind: "127.0.0.1".into(),
            port: 8080,
            log_format: LogFormat::Pretty,
            log_level: "info".into(),
            migrate_on_start: true,
            job_interval_secs: 600,
            web: WebSettings::default(),
        }
    }
}

/// Printing settings must never print a database password.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &self.redacted_database_url())
            .field("field_key", &self.field_key.as_ref().map(|_| "****"))
            .field("field_key_file", &self.field_key_file)
            .field("card_key_file", &self.card_key_file)
            .field("audit_key_file", &self.audit_key_file)
            .field("audit_checkpoint_secs", &self.audit_checkpoint_secs)
            .field("bind", &self.bind)
            .field("port", &self.port)
            .field("log_format", &self.log_format)
            .field("log_level", &self.log_level)
            .field("migrate_on_start", &self.migrate_on_start)
            .field("job_interval_secs", &self.job_interval_secs)
            .field("web", &self.web)
            .finish()
    }
}

impl Settings {
    /// Layers the sources; `overrides` are the flags given on the command line.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Settings> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match file {
            Some(path) => {
                anyhow::ensure!(
                    path.exists(),
                    "configuration file {} does not exist",
                    path.display()
                );
                figment = figment.merge(Toml::file(path));
            }
            // The conventional file is optional.
            None => figment = figment.merge(Toml::file("yingcai.toml")),
        }
        figment = figment.merge(Env::prefixed("YINGCAI_").split("__"));
        if let Some(url) = &overrides.database_url {
            figment = figment.merge(("database_url", url));
        }
        if let Some(port) = overrides.port {
            figment = figment.merge(("port", port));
        }
        if let Some(bind) = &overrides.bind {
            figment = figment.merge(("bind", bind));
        }
        let mut settings: Settings = figment
            .extract()
            .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
        settings.web.public_url = settings.public_url();
        Ok(settings)
    }

    /// The site's address as links in cards' QR codes and e-mails give it. Left at its
    /// default, it follows the port (and a specific bind address) the server listens on, so
    /// `serve --port 8099` does not print links to port 8080; a configured address (a
    /// proxy's, say) is kept as it is.
    fn public_url(&self) -> String {
        let default = yingcai_web::WebSettings::default().public_url;
        if self.web.public_url != default {
            return self.web.public_url.clone();
        }
        let host = match self.bind.as_str() {
            "0.0.0.0" | "::" | "[::]" | "" => "127.0.0.1".to_owned(),
            host if host.contains(':') && !host.starts_with('[') => format!("[{host}]"),
            host => host.to_owned(),
        };
        format!("http://{host}:{}", self.port)
    }

    pub fn database_url(&self) -> anyhow::Result<DatabaseUrl> {
        DatabaseUrl::parse(&self.database_url).map_err(|e| anyhow::anyhow!("database URL: {e}"))
    }

    /// The cipher for sealed fields, from `field_key` or the key file (see the fields' docs).
    pub fn field_cipher(&self) -> anyhow::Result<yingcai_store::crypto::FieldCipher> {
        use yingcai_store::crypto::{FieldCipher, FieldKey};
        if let Some(text) = &self.field_key {
            return Ok(FieldCipher::new(&FieldKey::from_base64(text)?));
        }
        let path = std::path::Path::new(&self.field_key_file);
        if self.database_url()?.backend() == yingcai_store::Backend::Postgres && !path.exists() {
            anyhow::bail!(
                "no field key: set YINGCAI_FIELD_KEY (e.g. `openssl rand -base64 32`) or field_key_file to a key shared by every app server"
            );
        }
        let (key, created) = FieldKey::load_or_create(path)?;
        if created {
            eprintln!(
                "created a new field key in {} — back it up: without it, identity numbers and bank accounts cannot be read",
                path.display()
            );
        }
        Ok(FieldCipher::new(&key))
    }

    /// The green-card signing key, from `card_key_file` (created on SQLite when missing).
    pub fn card_signer(&self) -> anyhow::Result<yingcai_card::CardSigner> {
        let path = std::path::Path::new(&self.card_key_file);
        if path.exists() {
            let pem = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("card key {}: {e}", path.display()))?;
            return yingcai_card::CardSigner::from_pkcs8_pem(&pem)
                .map_err(|e| anyhow::anyhow!("card key {}: {e}", path.display()));
        }
        if self.database_url()?.backend() == yingcai_store::Backend::Postgres {
            anyhow::bail!(
                "no card signing key at {}: create one (e.g. `openssl genpkey -algorithm ed25519 -out {}`) and give every app server the same file",
                path.display(),
                path.display()
            );
        }
        let signer = yingcai_card::CardSigner::generate();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        write_private(path, signer.to_pkcs8_pem().as_bytes())?;
        eprintln!(
            "created a new card signing key in {} — back it up: cards signed with it can only be verified with its public key",
            path.display()
        );
        Ok(signer)
    }

    /// The audit checkpoints' signing key, from `audit_key_file` (created on SQLite when
    /// missing, like the card key).
    pub fn audit_signer(&self) -> anyhow::Result<AuditSigner> {
        let path = Path::new(&self.audit_key_file);
        if path.exists() {
            return read_audit_signer(path);
        }
        if self.database_url()?.backend() == yingcai_store::Backend::Postgres {
            anyhow::bail!(
                "no audit signing key at {}: create one (e.g. `openssl genpkey -algorithm ed25519 -out {}`) and give every app server the same file",
                path.display(),
                path.display()
            );
        }
        let signer = AuditSigner::generate();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let pem = signer
            .to_pkcs8_pem()
            .map_err(|e| anyhow::anyhow!("audit key: {e}"))?;
        write_private(path, pem.as_bytes())?;
        eprintln!(
            "created a new audit signing key in {} — back it up, and keep its public half (`yingcai audit public-key`) with the copies of the checkpoints",
            path.display()
        );
        Ok(signer)
    }

    /// The key that checks checkpoints: `public_key` (a PEM file) if given, else the public
    /// half of `audit_key_file`. Never creates a key: checking must not change anything.
    pub fn audit_public_key(&self, public_key: Option<&Path>) -> anyhow::Result<AuditPublicKey> {
        if let Some(file) = public_key {
            let pem = std::fs::read_to_string(file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            return AuditPublicKey::from_pem(&pem)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()));
        }
        let path = Path::new(&self.audit_key_file);
        anyhow::ensure!(
            path.exists(),
            "no audit signing key at {}, so the checkpoints cannot be checked: pass --public-key FILE",
            path.display()
        );
        Ok(read_audit_signer(path)?.public_key())
    }

    fn redacted_database_url(&self) -> String {
        DatabaseUrl::parse(&self.database_url)
            .map_or_else(|_| "<invalid>".into(), |u| u.to_string())
    }

    /// The effective settings as TOML, the database password masked.
    pub fn to_redacted_toml(&self) -> anyhow::Result<String> {
        let mut shown = self.clone();
        shown.database_url = self.redacted_database_url();
        shown.field_key = self.field_key.as_ref().map(|_| "****".to_owned());
        Ok(toml::to_string_pretty(&shown)?)
    }
}

/// Settings given as flags.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub port: Option<u16>,
    pub bind: Option<String>,
}

/// The commented example printed by `yingcai config example`.
pub const EXAMPLE: &str = include_str!("../../../yingcai.example.toml");

fn read_audit_signer(path: &Path) -> anyhow::Result<AuditSigner> {
    let pem = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("audit key {}: {e}", path.display()))?;
    AuditSigner::from_pkcs8_pem(&pem)
        .map_err(|e| anyhow::anyhow!("audit key {}: {e}", path.display()))
}

/// Writes a secret readable by its owner only (on Unix).
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(test)]
#[expect(
    clippy::result_large_err,
    reason = "figment::Jail's closure signature is fixed by figment"
)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_parses_and_equals_the_defaults() {
        let example: Settings = toml::from_str(EXAMPLE).expect("example parses");
        let defaults = Settings::default();
        assert_eq!(
            toml::to_string(&example).unwrap(),
            toml::to_string(&defaults).unwrap()
        );
    }

    #[test]
    fn flags_override_files_and_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "yingcai.toml",
                "port = 9000\nbind = \"0.0.0.0\"\n[web]\nsession_hours = 2\n",
            )?;
            jail.set_env("YINGCAI_PORT", "9100");
            jail.set_env("YINGCAI_WEB__THROTTLE_MINUTES", "30");
            let settings = Settings::load(
                None,
                &Overrides {
                    port: Some(9200),
                    ..Default::default()
                },
            )
            .map_err(|e| e.to_string())?;
            assert_eq!(settings.port, 9200);
            assert_eq!(settings.bind, "0.0.0.0");
            assert_eq!(settings.web.session_hours, 2);
            assert_eq!(settings.web.throttle_minutes, 30);
            let env_only =
                Settings::load(None, &Overrides::default()).map_err(|e| e.to_string())?;
            assert_eq!(env_only.port, 9100);
            Ok(())
        });
    }

    #[test]
    fn links_follow_the_port_unless_the_site_address_is_configured() {
        figment::Jail::expect_with(|_| {
            let on = |port: u16, bind: Option<&str>| {
                Settings::load(
                    None,
                    &Overrides {
                        port: Some(port),
                        bind: bind.map(str::to_owned),
                        ..Default::default()
                    },
                )
                .map(|s| s.web.public_url)
                .map_err(|e| e.to_string())
            };
            assert_eq!(on(8099, None)?, "http://127.0.0.1:8099");
            assert_eq!(on(8099, Some("0.0.0.0"))?, "http://127.0.0.1:8099");
            assert_eq!(on(8099, Some("192.168.1.5"))?, "http://192.168.1.5:8099");
            assert_eq!(on(8099, Some("::1"))?, "http://[::1]:8099");
            Ok(())
        });
        figment::Jail::expect_with(|jail| {
            jail.set_env("YINGCAI_WEB__PUBLIC_URL", "https://rencai.example.gov.cn");
            let settings = Settings::load(
                None,
                &Overrides {
                    port: Some(8099),
                    ..Default::default()
                },
            )
            .map_err(|e| e.to_string())?;
            assert_eq!(settings.web.public_url, "https://rencai.example.gov.cn");
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("yingcai.toml", "prot = 9000\n")?;
            let err = Settings::load(None, &Overrides::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains("prot"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn debug_and_printed_settings_hide_the_database_password() {
        let settings = Settings {
            database_url: "postgres://app:s3cret@db/yingcai".into(),
            field_key: Some("a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0=".into()),
            web: WebSettings {
                smtp: Some(yingcai_services::mail::SmtpSettings {
                    host: "smtp.example.gov.cn".into(),
                    port: 587,
                    from: "yingcai <noreply@example.gov.cn>".into(),
                    username: Some("noreply".into()),
                    password: Some("s3cret-mail".into()),
                    starttls: true,
                }),
                ..WebSettings::default()
            },
            ..Settings::default()
        };
        for shown in [
            format!("{settings:?}"),
            settings.to_redacted_toml().unwrap(),
        ] {
            assert!(
                !shown.contains("s3cret") && !shown.contains("a2V5LWtl"),
                "{shown}"
            );
        }
    }
}
