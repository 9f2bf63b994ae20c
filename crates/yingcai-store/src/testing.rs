//! Throw-away databases for tests: a temporary SQLite file, or — when
//! `TEST_DATABASE_URL` names a PostgreSQL server — a fresh database created on it and
//! dropped when the handle is dropped. Each test gets its own, so tests run in parallel.

use crate::{Backend, DatabaseUrl, Store};

/// The environment variable that switches tests to PostgreSQL, e.g.
/// `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test`.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

pub struct TestDatabase {
    url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(
        #[allow(
            dead_code,
            reason = "held so the directory lives as long as the database"
        )]
        tempfile::TempDir,
    ),
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl TestDatabase {
    /// The backends the shared suite must run on: SQLite always, PostgreSQL when configured.
    pub fn backends() -> Vec<Backend> {
        let mut backends = vec![Backend::Sqlite];
        if postgres_admin_url().is_some() {
            backends.push(Backend::Postgres);
        }
        backends
    }

    /// A new, empty, migrated database on `backend`.
    pub async fn create(backend: Backend) -> anyhow::Result<(TestDatabase, Store)> {
        let db = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir()?;
                let path = dir.path().join("test.sqlite");
                let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display()))?;
                TestDatabase {
                    url,
                    cleanup: Cleanup::Sqlite(dir),
                }
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url().ok_or_else(|| {
                    anyhow::anyhow!("{TEST_DATABASE_URL} is not set to a postgres:// URL")
                })?;
                let name = format!("yc_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Store::connect(&DatabaseUrl::parse(&admin_url)?, test_cipher()).await?;
                sqlx::query(&format!("create database {name}"))
                    .execute(admin.pool())
                    .await?;
                admin.close().await;
                let url = DatabaseUrl::parse(&with_database(&admin_url, &name))?;
                TestDatabase {
                    url,
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
        };
        let store = Store::connect(&db.url, test_cipher()).await?;
        store.migrate().await?;
        Ok((db, store))
    }

    /// A database on the backend chosen by the environment (PostgreSQL if configured).
    pub async fn from_env() -> anyhow::Result<(TestDatabase, Store)> {
        let backend = if postgres_admin_url().is_some() {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        Self::create(backend).await
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A second pool on the same database (what another app server would open).
    pub async fn connect_again(&self) -> anyhow::Result<Store> {
        Ok(Store::connect(&self.url, test_cipher()).await?)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs inside the test's runtime, which cannot be blocked on; a short-lived
            // thread with its own runtime drops the database instead.
            let _ = std::thread::spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                runtime.block_on(async move {
                    let Ok(url) = DatabaseUrl::parse(&admin_url) else {
                        return;
                    };
                    if let Ok(admin) = Store::connect(&url, test_cipher()).await {
                        let _ =
                            sqlx::query(&format!("drop database if exists {name} with (force)"))
                                .execute(admin.pool())
                                .await;
                        admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// One key for every test database of this process, so a second pool can read what the
/// first wrote.
pub fn test_cipher() -> crate::crypto::FieldCipher {
    static KEY: std::sync::OnceLock<crate::crypto::FieldKey> = std::sync::OnceLock::new();
    crate::crypto::FieldCipher::new(KEY.get_or_init(crate::crypto::FieldKey::generate))
}

fn postgres_admin_url() -> Option<String> {
    std::env::var(TEST_DATABASE_URL)
        .ok()
        .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

/// `postgres://u@h:5432/test?x=y` with the database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A talent account made straight through the store (one audit entry), for tests that need
/// someone to exist.
pub async fn talent_account(store: &Store, email: &str) -> i64 {
    store
        .create_account(
            &crate::NewAccount {
                email: yingcai_domain::Email::parse(email).expect("a test e-mail address"),
                display_name: yingcai_domain::DisplayName::parse("name", "A").expect("a test name"),
                phone: None,
                password_hash: "x".into(),
                roles: yingcai_domain::RoleSet::one(yingcai_domain::Role::Talent),
                locale: yingcai_domain::Locale::En,
                must_change_password: false,
            },
            &crate::Actor::System,
        )
        .await
        .expect("a test account")
}

impl Store {
    /// Every stored byte of a talent row, as someone holding the database file would see it.
    pub async fn raw_talent_row_bytes(&self, talent_id: i64) -> Result<Vec<u8>, crate::StoreError> {
        use sqlx::Row as _;
        let row = sqlx::query("select * from talent where talent_id = $1")
            .bind(talent_id)
            .fetch_one(self.pool())
            .await?;
        let mut bytes = Vec::new();
        for i in 0..row.len() {
            if let Ok(Some(b)) = row.try_get::<Option<Vec<u8>>, _>(i) {
                bytes.extend(b);
            } else if let Ok(Some(t)) = row.try_get::<Option<String>, _>(i) {
                bytes.extend(t.into_bytes());
            }
        }
        Ok(bytes)
    }

    /// Gives every talent whose identity number cannot be opened (the seeded ones carry
    /// placeholder bytes) a sealed, valid number, so whole records can be read back, as a
    /// round's run does. Benchmarks only.
    pub async fn make_seeded_talents_readable(&self) -> Result<u64, crate::StoreError> {
        use crate::crypto::{SealContext, SealedColumn};
        let ids: Vec<i64> =
            sqlx::query_scalar("select talent_id from talent where name like 'Seed %'")
                .fetch_all(self.pool())
                .await?;
        let mut updated = 0;
        // Each row its own seal (values are bound to their row), a thousand per transaction.
        for chunk in ids.chunks(1_000) {
            let mut tx = crate::dialect::begin_write(self.pool(), self.backend()).await?;
            for &id in chunk {
                let sealed = self.cipher().seal(
                    SealContext::new(SealedColumn::TalentResidentId, id),
                    "11010519491231002X",
                );
                updated +=
                    sqlx::query("update talent set resident_id_sealed = $1 where talent_id = $2")
                        .bind(sealed)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
            }
            tx.commit().await?;
        }
        Ok(updated)
    }

    /// Rewrites the sealed values of these talents and submissions as the previous release
    /// wrote them — version 1, bound to the field name, under the SHA-256-derived keys,
    /// with the old blind index — as a database from before the re-seal step would hold
    /// them. For tests of that step.
    pub async fn write_version_1_seals(
        &self,
        talent_ids: &[i64],
        submission_ids: &[i64],
    ) -> Result<(), crate::StoreError> {
        use crate::crypto::{SealContext, SealedColumn};
        use sqlx::Row as _;
        let cipher = self.cipher();
        let mut tx = crate::dialect::begin_write(self.pool(), self.backend()).await?;
        for &id in talent_ids {
            let row = sqlx::query(
                "select resident_id_sealed, bank_account_sealed from talent where talent_id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            let resident_id = cipher.open(
                SealContext::new(SealedColumn::TalentResidentId, id),
                &row.try_get::<Vec<u8>, _>("resident_id_sealed")?,
            )?;
            let bank_account = row
                .try_get::<Option<Vec<u8>>, _>("bank_account_sealed")?
                .map(|b| cipher.open(SealContext::new(SealedColumn::TalentBankAccount, id), &b))
                .transpose()?;
            sqlx::query("update talent set resident_id_sealed = $1, resident_id_index = $2, bank_account_sealed = $3 where talent_id = $4")
                .bind(cipher.seal_version_1(SealedColumn::TalentResidentId, &resident_id))
                .bind(cipher.blind_index_version_1(crate::registry::RESIDENT_ID, &resident_id))
                .bind(bank_account.map(|b| cipher.seal_version_1(SealedColumn::TalentBankAccount, &b)))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        for &id in submission_ids {
            let sealed: Vec<u8> = sqlx::query_scalar(
                "select payload_sealed from submission where submission_id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            let payload = cipher.open(
                SealContext::new(SealedColumn::SubmissionPayload, id),
                &sealed,
            )?;
            sqlx::query("update submission set payload_sealed = $1 where submission_id = $2")
                .bind(cipher.seal_version_1(SealedColumn::SubmissionPayload, &payload))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The version byte of every sealed value in `column` (null values left out), by row id.
    pub async fn seal_versions(
        &self,
        column: crate::crypto::SealedColumn,
    ) -> Result<Vec<(i64, u8)>, crate::StoreError> {
        let (table, sealed, id) = (column.table(), column.column(), column.id_column());
        let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(&format!(
            "select {id}, {sealed} from {table} where {sealed} is not null order by {id}"
        ))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, bytes)| (id, bytes.first().copied().unwrap_or(0)))
            .collect())
    }

    /// `count` talents with one confirmed rent allowance each, `amount_fen` a month from
    /// `from` to `to` (`YYYY-MM`), written straight into the tables in batches: a payment
    /// run's input at benchmark scale. The talents' sealed fields are placeholders (payment
    /// runs never read them). Returns the talent ids' range.
    pub async fn seed_payable_entitlements(
        &self,
        count: usize,
        from: &str,
        to: &str,
        amount_fen: i64,
    ) -> Result<(i64, i64), crate::StoreError> {
        let backend = self.backend();
        let now = crate::now_ms();
        let version: i64 = sqlx::query_scalar(
            "insert into policy_version (pack_id, version, status, effective_date, file_name, source, created_at, updated_at)
             values ('seed', $1, 'draft', '2000-01-01', 'seed.toml', '# seeded for tests', $2, $2) returning policy_version_id",
        )
        .bind(format!("seed-{now}"))
        .bind(now)
        .fetch_one(self.pool())
        .await?;
        let months = {
            let m = |t: &str| -> i64 {
                let (y, mo) = t.split_once('-').unwrap_or(("0", "1"));
                y.parse::<i64>().unwrap_or(0) * 12 + mo.parse::<i64>().unwrap_or(1)
            };
            m(to) - m(from) + 1
        };
        let schedule = format!(r#"[{{"from":"{from}","to":"{to}","amount_fen":{amount_fen}}}]"#);
        let base: i64 = sqlx::query_scalar("select count(*) from talent")
            .fetch_one(self.pool())
            .await?;
        let mut range: Option<(i64, i64)> = None;
        let mut done = 0;
        while done < count {
            let n = (count - done).min(1_000);
            let mut tx = crate::dialect::begin_write(self.pool(), backend).await?;
            let values: Vec<String> = (0..n)
                .map(|r| {
                    format!(
                        "({}, '1990-01-01', 'phd', '2024-01-01', 1, 'rent', 12, {})",
                        crate::dialect::placeholders(backend, r * 7 + 1, 4),
                        crate::dialect::placeholders(backend, r * 7 + 5, 3)
                    )
                })
                .collect();
            let sql = format!(
                "insert into talent (name, resident_id_sealed, resident_id_index, resident_id_masked, birth_date, degree, arrival_date, employed_in_city, housing, social_insurance_months, verified_at, created_at, updated_at)
                 values {} returning talent_id",
                values.join(", ")
            );
            let mut query = sqlx::query_scalar::<_, i64>(&sql);
            for i in 0..n {
                let k = base as usize + done + i;
                query = query
                    .bind(format!("Seed {k}"))
                    .bind(vec![0u8; 16])
                    .bind(format!("seed-{k}"))
                    .bind("1101**********0000")
                    .bind(now)
                    .bind(now)
                    .bind(now);
            }
            let mut ids = query.fetch_all(&mut *tx).await?;
            ids.sort_unstable();
            if let (Some(lo), Some(hi)) = (ids.first(), ids.last()) {
                range = Some((
                    range.map_or(*lo, |r| r.0.min(*lo)),
                    range.map_or(*hi, |r| r.1.max(*hi)),
                ));
            }
            let values: Vec<String> = (0..ids.len())
                .map(|r| {
                    format!(
                        "({}, 'rent_allowance', 'confirmed', {}, '6222 **** **** 0000')",
                        crate::dialect::placeholders(backend, r * 7 + 1, 1),
                        crate::dialect::placeholders(backend, r * 7 + 2, 6)
                    )
                })
                .collect();
            let sql = format!(
                "insert into entitlement (talent_id, benefit, status, from_month, schedule, total_fen, policy_version_id, computed_at, confirmed_at, confirmed_bank_masked)
                 values {}",
                values.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for id in &ids {
                query = query
                    .bind(*id)
                    .bind(from)
                    .bind(&schedule)
                    .bind(amount_fen * months)
                    .bind(version)
                    .bind(now)
                    .bind(now);
            }
            query.execute(&mut *tx).await?;
            tx.commit().await?;
            done += n;
        }
        range.ok_or(crate::StoreError::NotFound)
    }

    /// Waits until no other session is busy on this database. A client killed with SIGKILL
    /// may have sent its COMMIT already: PostgreSQL finishes that transaction after the
    /// process is gone, so a test reading several counts one after another could see half of
    /// them before the commit and half after. SQLite has no server to finish anything.
    pub async fn wait_for_other_sessions(&self) -> Result<(), crate::StoreError> {
        if self.backend() != crate::dialect::Backend::Postgres {
            return Ok(());
        }
        let started = std::time::Instant::now();
        loop {
            let busy: i64 = sqlx::query_scalar(
                "select count(*) from pg_stat_activity \
                 where datname = current_database() and pid <> pg_backend_pid() \
                 and state is not null and state <> 'idle'",
            )
            .fetch_one(self.pool())
            .await?;
            if busy == 0 || started.elapsed() > std::time::Duration::from_secs(60) {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Runs raw SQL, bypassing every rule of the store: for tests that tamper with stored
    /// data on purpose (e.g. editing an audit entry behind yingcai's back).
    pub async fn execute_unchecked(&self, sql: &str) -> Result<u64, crate::StoreError> {
        Ok(sqlx::query(sql).execute(self.pool()).await?.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgres://p@h:5432/test", "x"),
            "postgres://p@h:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://p@h/test?sslmode=disable", "x"),
            "postgres://p@h/x?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://p@h", "x"),
            "postgres://p@h/x"
        );
    }
}
