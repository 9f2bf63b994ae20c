//! The talent registry: verified records, bulk import.

use serde_json::json;
use yingcai_domain::{
    BankAccount, CreditCode, Degree, Email, Employer, Housing, MAX_YEAR, MIN_YEAR, Phone,
    ResidentId, TalentProfile,
};

use crate::audit::{self, Actor, Change};
use crate::columns::Stored;
use crate::crypto::{FieldCipher, SealContext, SealedColumn};
use crate::{Store, StoreError, dialect, now_ms};

/// The label of the identity numbers' blind index (`talent.resident_id_index`).
pub(crate) const RESIDENT_ID: &str = "talent.resident_id";

/// What the audit log keeps of a talent record: identity number and bank account masked.
pub(crate) fn masked_json(p: &TalentProfile) -> serde_json::Value {
    json!({
        "name": p.name,
        "resident_id": p.resident_id.masked(),
        "degree": p.degree.code(),
        "honors": p.honors,
        "arrival_date": p.arrival_date.to_string(),
        "employed_in_city": p.employed_in_city,
        "housing": p.housing.code(),
        "home_purchase_date": p.home_purchase_date.map(|d| d.to_string()),
        "social_insurance_months": p.social_insurance_months,
        "bank_account": p.bank_account.as_ref().map(BankAccount::masked),
    })
}

/// A verified talent record as stored.
#[derive(Debug, Clone)]
pub struct TalentRecord {
    pub talent_id: i64,
    pub owner_account_id: Option<i64>,
    /// The roster's own id, for imported talents.
    pub source_id: Option<i64>,
    pub profile: TalentProfile,
    pub verified_at: i64,
    pub verified_by: Option<i64>,
}

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub imported: usize,
    /// The new records' ids, lowest and highest (`None` for an empty import).
    pub talent_ids: Option<(i64, i64)>,
}

/// Why a roster import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportConflict {
    /// Rows (as numbered by the caller) whose identity number is already registered.
    #[error("{} row(s) name an identity number that is already registered", rows.len())]
    Registered { rows: Vec<usize> },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ImportConflict {
    fn from(error: sqlx::Error) -> Self {
        ImportConflict::Store(error.into())
    }
}

/// One row to import: the caller's row number, the roster's id, the checked record.
pub type ImportRow = (usize, Option<i64>, TalentProfile);

/// Rows per insert statement: 28 parameters each keeps every statement under SQLite's
/// 32,766 and PostgreSQL's 65,535 bound-parameter limits.
const BATCH: usize = 1_000;

const COLUMNS: &str = "talent_id, owner_account_id, source_id, name, resident_id_sealed, resident_id_index, resident_id_masked, birth_date, degree, degree_institution, degree_year, honors, employer_enterprise_id, employer_name, employer_credit_code, arrival_date, employed_in_city, housing, home_purchase_date, social_insurance_months, bank_account_sealed, bank_account_masked, phone, email, verified_at, verified_by, created_at, updated_at";
const COLUMN_COUNT: usize = 28;

impl Store {
    /// Imports verified talent records, all or nothing: if any identity number is already
    /// registered, nothing is written and the conflicting rows are named. One audit entry
    /// records the import (who, when, how many, which ids, `source`).
    pub async fn import_talents(
        &self,
        rows: &[ImportRow],
        source: &str,
        actor: &Actor,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<ImportSummary, ImportConflict> {
        let indexes: Vec<String> = rows
            .iter()
            .map(|(_, _, p)| {
                self.cipher()
                    .blind_index(RESIDENT_ID, p.resident_id.expose())
            })
            .collect();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let mut conflicts = Vec::new();
        for (chunk_no, chunk) in indexes.chunks(BATCH).enumerate() {
            let placeholders = dialect::placeholders(self.backend(), 1, chunk.len());
            let sql = format!(
                "select resident_id_index from talent where resident_id_index in ({})",
                placeholders
            );
            let mut query = sqlx::query_scalar::<_, String>(&sql);
            for index in chunk {
                query = query.bind(index);
            }
            let existing: std::collections::HashSet<String> =
                query.fetch_all(&mut *tx).await?.into_iter().collect();
            for (i, index) in chunk.iter().enumerate() {
                if existing.contains(index) {
                    conflicts.push(rows[chunk_no * BATCH + i].0);
                }
            }
        }
        if !conflicts.is_empty() {
            return Err(ImportConflict::Registered { rows: conflicts });
        }

        let now = now_ms();
        let verified_by = match actor {
            Actor::Account { account_id, .. } => Some(*account_id),
            _ => None,
        };
        let mut ids: Option<(i64, i64)> = None;
        let mut done = 0;
        for (chunk_rows, chunk_indexes) in rows.chunks(BATCH).zip(indexes.chunks(BATCH)) {
            let values: Vec<String> = (0..chunk_rows.len())
                .map(|r| {
                    format!(
                        "({})",
                        dialect::placeholders(self.backend(), r * COLUMN_COUNT + 1, COLUMN_COUNT)
                    )
                })
                .collect();
            let sql = format!(
                "insert into talent ({COLUMNS}) values {}",
                values.join(", ")
            );
            // The ids first: each sealed value is bound to its row.
            let talent_ids =
                dialect::reserve_ids(&mut tx, self.backend(), "talent", chunk_rows.len()).await?;
            let mut query = sqlx::query(&sql);
            for (((_, source_id, p), index), &talent_id) in
                chunk_rows.iter().zip(chunk_indexes).zip(&talent_ids)
            {
                let seal = |column| SealContext::new(column, talent_id);
                let (employer_id, employer_name, employer_code) = match &p.employer {
                    Some(Employer::Enterprise { enterprise_id }) => {
                        (Some(*enterprise_id), None, None)
                    }
                    Some(Employer::Named { name, credit_code }) => (
                        None,
                        Some(name.clone()),
                        Some(credit_code.as_str().to_owned()),
                    ),
                    None => (None, None, None),
                };
                query = query
                    .bind(talent_id)
                    .bind(None::<i64>)
                    .bind(*source_id)
                    .bind(p.name.clone())
                    .bind(
                        self.cipher()
                            .seal(seal(SealedColumn::TalentResidentId), p.resident_id.expose()),
                    )
                    .bind(index.clone())
                    .bind(p.resident_id.masked())
                    .bind(p.birth_date().to_string())
                    .bind(p.degree.code())
                    .bind(p.degree_institution.clone())
                    .bind(p.degree_year.map(i64::from))
                    .bind(p.honors.clone())
                    .bind(employer_id)
                    .bind(employer_name)
                    .bind(employer_code)
                    .bind(p.arrival_date.to_string())
                    .bind(i64::from(p.employed_in_city))
                    .bind(p.housing.code())
                    .bind(p.home_purchase_date.map(|d| d.to_string()))
                    .bind(i64::from(p.social_insurance_months))
                    .bind(p.bank_account.as_ref().map(|b| {
                        self.cipher()
                            .seal(seal(SealedColumn::TalentBankAccount), b.expose())
                    }))
                    .bind(p.bank_account.as_ref().map(BankAccount::masked))
                    .bind(p.phone.as_ref().map(|x| x.as_str().to_owned()))
                    .bind(p.email.as_ref().map(|x| x.as_str().to_owned()))
                    .bind(now)
                    .bind(verified_by)
                    .bind(now)
                    .bind(now);
            }
            query.execute(&mut *tx).await?;
            for &id in &talent_ids {
                ids = Some(match ids {
                    None => (id, id),
                    Some((lo, hi)) => (lo.min(id), hi.max(id)),
                });
            }
            done += chunk_rows.len();
            progress(done);
        }
        let change = Change {
            action: "talent.import",
            entity: "talent",
            entity_id: ids.map_or_else(String::new, |(lo, hi)| format!("{lo}-{hi}")),
            before: None,
            after: Some(json!({ "rows": rows.len(), "source": source, "verified": true })),
        };
        audit::append(&mut tx, actor, change).await?;
        // New verified records: the next entitlement sweep must look at the population.
        sqlx::query(
            "update policy_state set recomputed_version_id = null where policy_state_id = 1",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ImportSummary {
            imported: rows.len(),
            talent_ids: ids,
        })
    }

    pub async fn count_talents(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("select count(*) from talent")
            .fetch_one(self.pool())
            .await?)
    }

    /// One verified record, with its sealed fields opened.
    pub async fn talent(&self, talent_id: i64) -> Result<TalentRecord, StoreError> {
        sqlx::query_as::<_, TalentRow>("select * from talent where talent_id = $1")
            .bind(talent_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?
            .open(self.cipher())
    }

    /// Verified records in id order, after `after_id`: for batch jobs and exports.
    pub async fn talents_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<TalentRecord>, StoreError> {
        sqlx::query_as::<_, TalentRow>(
            "select * from talent where talent_id > $1 order by talent_id limit $2",
        )
        .bind(after_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|row| row.open(self.cipher()))
        .collect()
    }
}

/// A `talent` row as stored, its sensitive fields still sealed; [`TalentRecord`] is it
/// opened and checked ([`TalentRow::open`]).
#[derive(sqlx::FromRow)]
pub(crate) struct TalentRow {
    talent_id: i64,
    owner_account_id: Option<i64>,
    source_id: Option<i64>,
    name: String,
    resident_id_sealed: Vec<u8>,
    degree: String,
    degree_institution: Option<String>,
    degree_year: Option<i64>,
    honors: Option<String>,
    employer_enterprise_id: Option<i64>,
    employer_name: Option<String>,
    employer_credit_code: Option<String>,
    arrival_date: String,
    /// 0 or 1.
    employed_in_city: i64,
    housing: String,
    home_purchase_date: Option<String>,
    social_insurance_months: i64,
    bank_account_sealed: Option<Vec<u8>>,
    phone: Option<String>,
    email: Option<String>,
    verified_at: i64,
    verified_by: Option<i64>,
}

impl TalentRow {
    /// The record: the sealed identity number and bank account opened with `cipher` (each
    /// bound to its column and this row), every stored value checked. A value that does not
    /// read back as its type is an error naming this row and the column.
    pub(crate) fn open(self, cipher: &FieldCipher) -> Result<TalentRecord, StoreError> {
        let talent_id = self.talent_id;
        let cell = Stored::new("talent", talent_id);
        let resident_id = cipher.open(
            SealContext::new(SealedColumn::TalentResidentId, talent_id),
            &self.resident_id_sealed,
        )?;
        let bank_account = match self.bank_account_sealed {
            Some(sealed) => {
                let plain = cipher.open(
                    SealContext::new(SealedColumn::TalentBankAccount, talent_id),
                    &sealed,
                )?;
                Some(
                    BankAccount::parse("bank_account", &plain)
                        .map_err(|_| cell.corrupt("bank_account_sealed"))?,
                )
            }
            None => None,
        };
        let employer = match (
            self.employer_enterprise_id,
            self.employer_name,
            self.employer_credit_code,
        ) {
            (Some(enterprise_id), _, _) => Some(Employer::Enterprise { enterprise_id }),
            (None, Some(name), Some(code)) => Some(Employer::Named {
                name,
                credit_code: CreditCode::parse(&code)
                    .map_err(|_| cell.corrupt("employer_credit_code"))?,
            }),
            _ => None,
        };
        let profile = TalentProfile {
            name: self.name,
            resident_id: ResidentId::parse(&resident_id)
                .map_err(|_| cell.corrupt("resident_id_sealed"))?,
            degree: Degree::parse("degree", &self.degree).map_err(|_| cell.corrupt("degree"))?,
            degree_institution: self.degree_institution,
            degree_year: self
                .degree_year
                .map(|y| {
                    i16::try_from(y)
                        .ok()
                        .filter(|y| (MIN_YEAR..=MAX_YEAR).contains(y))
                        .ok_or_else(|| cell.corrupt("degree_year"))
                })
                .transpose()?,
            honors: self.honors,
            employer,
            arrival_date: cell.parse("arrival_date", &self.arrival_date)?,
            employed_in_city: self.employed_in_city != 0,
            housing: Housing::parse("housing", &self.housing)
                .map_err(|_| cell.corrupt("housing"))?,
            home_purchase_date: cell
                .parse_optional("home_purchase_date", self.home_purchase_date.as_deref())?,
            social_insurance_months: u16::try_from(self.social_insurance_months)
                .map_err(|_| cell.corrupt("social_insurance_months"))?,
            bank_account,
            phone: self
                .phone
                .map(|p| {
                    Phone::parse_optional(&p)
                        .ok()
                        .flatten()
                        .ok_or_else(|| cell.corrupt("phone"))
                })
                .transpose()?,
            email: self
                .email
                .map(|e| Email::parse(&e).map_err(|_| cell.corrupt("email")))
                .transpose()?,
        };
        Ok(TalentRecord {
            talent_id,
            owner_account_id: self.owner_account_id,
            source_id: self.source_id,
            profile,
            verified_at: self.verified_at,
            verified_by: self.verified_by,
        })
    }
}
