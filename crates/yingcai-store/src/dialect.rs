//! Everything that differs between SQLite and PostgreSQL, in one place.
//!
//! The rest of yingcai writes portable SQL (lower-case, `$1` placeholders, `returning`,
//! `on conflict`, `bigint` everywhere) and never asks which backend it is on. When a
//! difference is unavoidable it becomes a function here, chosen by [`Backend`].
//!
//! Known differences handled here:
//! - connection setup: SQLite needs WAL, a busy timeout and foreign keys switched on per connection;
//! - write transactions: SQLite must take the write lock up front (`begin immediate`) or two
//!   writers deadlock into `SQLITE_BUSY` instead of waiting;
//! - DDL (identity columns): one migration tree per backend with identical file stems;
//! - backups: `vacuum into` on SQLite, `pg_dump` (outside yingcai) on PostgreSQL;
//! - test databases: a temporary file vs. `create database` (see `testing`).
//! - placeholders in big batch statements: `?` on SQLite (named `$n` parameters make SQLite's
//!   prepare quadratic in their number — 154 s instead of 2.7 s for a 100,000-row import),
//!   `$n` on PostgreSQL; see `placeholders`. Ordinary queries use `$n` on both;
//! - aggregates: `sum(bigint)` is `numeric` on PostgreSQL, so sums are written
//!   `cast(sum(x) as bigint)` — portable, but remember it;
//! - ids of new rows known before the insert (values are sealed to their row): the next
//!   ids after `max(id)` under SQLite's write lock, `nextval` of the identity sequence on
//!   PostgreSQL; see `reserve_ids`;
//! - foreign keys on payment lines and ledger postings: kept on SQLite, dropped on
//!   PostgreSQL where each is a per-row trigger that doubled a payment run (migration
//!   `…11_ledger_without_foreign_keys`); `ledger check` proves the references on both.

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

use crate::{StoreError, UrlError};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// A checked database URL. `Debug`/`Display` hide any password it carries.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    backend: Backend,
}

impl DatabaseUrl {
    /// The default: a SQLite file under `./data/`, so a laptop needs no database server.
    pub const DEFAULT: &'static str = "sqlite://data/yingcai.sqlite";

    pub fn parse(raw: &str) -> Result<DatabaseUrl, UrlError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(UrlError::Empty);
        }
        let scheme = raw
            .split_once(':')
            .map(|(s, _)| s.to_ascii_lowercase())
            .unwrap_or_default();
        let backend = match scheme.as_str() {
            "sqlite" => Backend::Sqlite,
            "postgres" | "postgresql" => Backend::Postgres,
            // Refuse rather than guess: a typo must not silently create an empty database.
            _ => {
                return Err(UrlError::UnknownScheme {
                    scheme: if scheme.is_empty() {
                        raw.chars().take(20).collect()
                    } else {
                        scheme
                    },
                });
            }
        };
        Ok(DatabaseUrl {
            url: raw.to_owned(),
            backend,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The full URL, password included: only for opening connections.
    pub fn expose(&self) -> &str {
        &self.url
    }

    /// The file of a SQLite URL (`None` for PostgreSQL or in-memory databases).
    pub fn sqlite_path(&self) -> Option<&Path> {
        if self.backend != Backend::Sqlite {
            return None;
        }
        let rest = self.url.split_once(':').map(|(_, r)| r)?;
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let path = rest.split('?').next().unwrap_or("");
        (!path.is_empty() && path != ":memory:").then(|| Path::new(path))
    }

    fn redacted(&self) -> String {
        // postgres://user:secret@host/db -> postgres://user:****@host/db
        match (self.url.find("://"), self.url.rfind('@')) {
            (Some(start), Some(at)) if at > start => {
                let userinfo = &self.url[start + 3..at];
                match userinfo.split_once(':') {
                    Some((user, _)) => {
                        format!("{}{user}:****{}", &self.url[..start + 3], &self.url[at..])
                    }
                    None => self.url.clone(),
                }
            }
            _ => self.url.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

pub(crate) async fn open_pool(url: &DatabaseUrl) -> Result<AnyPool, StoreError> {
    sqlx::any::install_default_drivers();
    let mut connect_url = url.expose().to_owned();
    let options = match url.backend() {
        Backend::Sqlite => {
            if let Some(dir) = url
                .sqlite_path()
                .and_then(Path::parent)
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Other(
                        anyhow::Error::new(e).context(format!("creating {}", dir.display())),
                    )
                })?;
            }
            if !connect_url.contains("mode=") {
                connect_url.push(if connect_url.contains('?') { '&' } else { '?' });
                connect_url.push_str("mode=rwc");
            }
            AnyPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        // WAL lets readers run beside the one writer; the busy timeout makes a
                        // second writer wait instead of failing with SQLITE_BUSY.
                        conn.execute("pragma journal_mode = wal").await?;
                        conn.execute("pragma busy_timeout = 10000").await?;
                        conn.execute("pragma foreign_keys = on").await?;
                        conn.execute("pragma synchronous = normal").await?;
                        Ok(())
                    })
                })
        }
        Backend::Postgres => AnyPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30)),
    };
    let connect =
        AnyConnectOptions::from_str(&connect_url).map_err(|e| StoreError::Other(e.into()))?;
    options.connect_with(connect).await.map_err(|e| {
        StoreError::Other(anyhow::Error::new(e).context(format!("connecting to {url}")))
    })
}

/// `count` bind placeholders for one row of a multi-row statement, numbered from `first`.
///
/// SQLite resolves each named parameter (`$12`) by a linear search of the names seen so
/// far, which makes a 27,000-parameter batch insert quadratic to prepare; anonymous `?`
/// parameters are numbered in order at no cost. PostgreSQL only knows `$n`.
pub(crate) fn placeholders(backend: Backend, first: usize, count: usize) -> String {
    let parts: Vec<String> = match backend {
        Backend::Sqlite => vec!["?".to_owned(); count],
        Backend::Postgres => (first..first + count).map(|i| format!("${i}")).collect(),
    };
    parts.join(", ")
}

pub(crate) fn migrator(backend: Backend) -> &'static Migrator {
    match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    }
}

/// Starts a transaction that will write. On SQLite it takes the write lock immediately
/// (`begin immediate`), so a concurrent writer waits for the busy timeout rather than
/// failing halfway through; on PostgreSQL row locks do that job.
pub(crate) async fn begin_write(
    pool: &AnyPool,
    backend: Backend,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
    Ok(match backend {
        Backend::Sqlite => pool.begin_with("begin immediate").await?,
        Backend::Postgres => pool.begin().await?,
    })
}

/// `count` ids for new rows of `table` (primary key `<table>_id`), drawn before the insert
/// so that values sealed to their row (`crypto::SealContext`) can be written with it.
/// Call inside a transaction from `begin_write`: on SQLite its write lock keeps the ids
/// after `max(id)` free until the insert; on PostgreSQL the identity sequence hands them
/// out (a rolled-back transaction leaves a gap, as any insert would).
pub(crate) async fn reserve_ids(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    table: &'static str,
    count: usize,
) -> Result<Vec<i64>, StoreError> {
    let wanted = i64::try_from(count).map_err(|_| anyhow::anyhow!("{count} ids at once"))?;
    let ids: Vec<i64> = match backend {
        Backend::Sqlite => {
            let max: i64 =
                sqlx::query_scalar(&format!("select coalesce(max({table}_id), 0) from {table}"))
                    .fetch_one(&mut **tx)
                    .await?;
            let end = max
                .checked_add(wanted)
                .ok_or_else(|| anyhow::anyhow!("{table} ids exhausted"))?;
            (max + 1..=end).collect()
        }
        Backend::Postgres => {
            // The sequence's name as a literal: `nextval(pg_get_serial_sequence(…))` is
            // resolved again for every id (0.4 s per 100,000; the literal: 0.04 s).
            let sequence: Option<String> = sqlx::query_scalar(&format!(
                "select pg_get_serial_sequence('{table}', '{table}_id')"
            ))
            .fetch_one(&mut **tx)
            .await?;
            let sequence = sequence
                .ok_or_else(|| anyhow::anyhow!("{table}_id has no identity sequence"))?
                .replace('\'', "''");
            let mut ids: Vec<i64> = sqlx::query_scalar(&format!(
                "select nextval('{sequence}') from generate_series(1, $1)"
            ))
            .bind(wanted)
            .fetch_all(&mut **tx)
            .await?;
            ids.sort_unstable();
            ids
        }
    };
    if ids.len() != count {
        return Err(StoreError::Other(anyhow::anyhow!(
            "asked for {count} {table} ids, got {}",
            ids.len()
        )));
    }
    Ok(ids)
}

/// One id for a new row of `table`: see `reserve_ids`.
pub(crate) async fn reserve_id(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    table: &'static str,
) -> Result<i64, StoreError> {
    match reserve_ids(tx, backend, table, 1).await?[..] {
        [id] => Ok(id),
        _ => Err(StoreError::Other(anyhow::anyhow!("no {table} id reserved"))),
    }
}

pub(crate) async fn backup(
    pool: &AnyPool,
    backend: Backend,
    target: &Path,
) -> Result<(), StoreError> {
    match backend {
        Backend::Sqlite => {
            if target.exists() {
                return Err(StoreError::Other(anyhow::anyhow!(
                    "{} already exists; choose a new file name",
                    target.display()
                )));
            }
            let target = target
                .to_str()
                .ok_or_else(|| anyhow::anyhow!("backup path is not UTF-8"))?;
            // `vacuum into` writes a transactionally consistent copy while the site keeps running.
            sqlx::query("vacuum into $1")
                .bind(target)
                .execute(pool)
                .await?;
            Ok(())
        }
        Backend::Postgres => Err(StoreError::Other(anyhow::anyhow!(
            "online backup of PostgreSQL is pg_dump's job: pg_dump --format=custom --file=yingcai.dump \"$YINGCAI_DATABASE_URL\""
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_are_chosen_by_scheme() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.sqlite")
                .unwrap()
                .backend(),
            Backend::Sqlite
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap().backend(),
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://u@h/db").unwrap().backend(),
            Backend::Postgres
        );
        let err = DatabaseUrl::parse("mysql://u@h/db")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unsupported database URL scheme `mysql`"),
            "{err}"
        );
        assert!(DatabaseUrl::parse("").is_err());
        assert!(DatabaseUrl::parse("data/yingcai.sqlite").is_err());
    }

    #[test]
    fn passwords_never_show() {
        let url = DatabaseUrl::parse("postgres://app:s3cret@db:5432/yingcai").unwrap();
        assert_eq!(url.to_string(), "postgres://app:****@db:5432/yingcai");
        assert!(!format!("{url:?}").contains("s3cret"));
    }

    #[test]
    fn sqlite_paths() {
        let url = DatabaseUrl::parse("sqlite://data/yingcai.sqlite?mode=rwc").unwrap();
        assert_eq!(url.sqlite_path(), Some(Path::new("data/yingcai.sqlite")));
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:").unwrap().sqlite_path(),
            None
        );
    }

    #[test]
    fn both_migration_trees_have_the_same_versions() {
        let names = |m: &Migrator| {
            m.iter()
                .map(|m| (m.version, m.description.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&SQLITE_MIGRATIONS), names(&POSTGRES_MIGRATIONS));
    }
}
