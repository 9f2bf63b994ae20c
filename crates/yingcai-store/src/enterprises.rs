//! Enterprises: verified employer records and their submissions.

use serde_json::json;
use yingcai_domain::{CreditCode, Email, EnterpriseInput, EnterpriseProfile, Phone};

use crate::audit::{self, Actor, Change};
use crate::submissions::{QueueFilter, Submission, SubmissionError, SubmissionStatus};
use crate::{Store, StoreError, TalentRecord, dialect, now_ms};

pub type EnterpriseSubmission = Submission<EnterpriseInput>;

/// A verified enterprise record.
#[derive(Debug, Clone)]
pub struct EnterpriseRecord {
    pub enterprise_id: i64,
    pub owner_account_id: Option<i64>,
    pub profile: EnterpriseProfile,
    pub verified_at: Option<i64>,
}

fn snapshot(p: &EnterpriseProfile) -> serde_json::Value {
    json!({
        "name": p.name,
        "credit_code": p.credit_code.as_str(),
        "industry": p.industry,
        "district": p.district,
        "contact_name": p.contact_name,
    })
}

/// An `enterprise` row as stored; [`EnterpriseRecord`] is it checked.
#[derive(sqlx::FromRow)]
struct EnterpriseRow {
    enterprise_id: i64,
    owner_account_id: Option<i64>,
    name: String,
    credit_code: String,
    industry: String,
    district: String,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    contact_email: Option<String>,
    verified_at: Option<i64>,
}

impl TryFrom<EnterpriseRow> for EnterpriseRecord {
    type Error = StoreError;

    fn try_from(row: EnterpriseRow) -> Result<EnterpriseRecord, StoreError> {
        let id = row.enterprise_id;
        let corrupt = |column: &'static str| StoreError::Corrupt {
            table: "enterprise",
            row: id,
            column,
        };
        Ok(EnterpriseRecord {
            enterprise_id: id,
            owner_account_id: row.owner_account_id,
            profile: EnterpriseProfile {
                name: row.name,
                credit_code: CreditCode::parse(&row.credit_code)
                    .map_err(|_| corrupt("credit_code"))?,
                industry: row.industry,
                district: row.district,
                contact_name: row.contact_name,
                contact_phone: row
                    .contact_phone
                    .map(|p| {
                        Phone::parse_optional(&p)
                            .ok()
                            .flatten()
                            .ok_or_else(|| corrupt("contact_phone"))
                    })
                    .transpose()?,
                contact_email: row
                    .contact_email
                    .map(|e| Email::parse(&e).map_err(|_| corrupt("contact_email")))
                    .transpose()?,
            },
            verified_at: row.verified_at,
        })
    }
}

impl Store {
    pub async fn save_enterprise_draft(
        &self,
        owner: &Actor,
        input: &EnterpriseInput,
    ) -> Result<i64, StoreError> {
        self.save_draft(
            "enterprise",
            "enterprise",
            owner,
            input,
            &input.name,
            input.district.trim(),
        )
        .await
    }

    pub async fn open_enterprise_submission(
        &self,
        owner: i64,
    ) -> Result<Option<EnterpriseSubmission>, StoreError> {
        self.open_submission("enterprise", owner).await
    }

    pub async fn enterprise_submission(
        &self,
        submission_id: i64,
    ) -> Result<EnterpriseSubmission, StoreError> {
        self.submission_of_kind("enterprise", submission_id).await
    }

    pub async fn enterprise_queue(
        &self,
        filter: &QueueFilter,
    ) -> Result<Vec<EnterpriseSubmission>, StoreError> {
        self.queue_of("enterprise", filter).await
    }

    /// Which kind of record a submission changes (`talent` or `enterprise`).
    pub async fn submission_kind(&self, submission_id: i64) -> Result<String, StoreError> {
        sqlx::query_scalar("select kind from submission where submission_id = $1")
            .bind(submission_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Submitted → verified: the enterprise record takes `profile` (created on the first
    /// verification). A credit code already held by another enterprise is a conflict.
    pub async fn verify_enterprise_submission(
        &self,
        submission_id: i64,
        profile: &EnterpriseProfile,
        officer: &Actor,
    ) -> Result<i64, SubmissionError> {
        let submission = self.enterprise_submission(submission_id).await?;
        let officer_id = match officer {
            Actor::Account { account_id, .. } => Some(*account_id),
            _ => None,
        };
        let now = now_ms();
        let before = match submission.subject_id {
            Some(id) => Some(snapshot(&self.enterprise(id).await?.profile)),
            None => None,
        };
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let status = crate::submissions::status_of(&mut tx, submission_id).await?;
        if status != SubmissionStatus::Submitted {
            return Err(SubmissionError::WrongState { status });
        }
        let sql = match submission.subject_id {
            None => "insert into enterprise (owner_account_id, name, credit_code, industry, district, contact_name, contact_phone, contact_email, verified, verified_at, verified_by, created_at, updated_at)
                     values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $9, $9) returning enterprise_id",
            Some(_) => "update enterprise set owner_account_id = $1, name = $2, credit_code = $3, industry = $4, district = $5, contact_name = $6, contact_phone = $7, contact_email = $8, verified = 1, verified_at = $9, verified_by = $10, updated_at = $9
                        where enterprise_id = $11 returning enterprise_id",
        };
        let mut query = sqlx::query_scalar::<_, i64>(sql)
            .bind(submission.owner_account_id)
            .bind(profile.name.clone())
            .bind(profile.credit_code.as_str().to_owned())
            .bind(profile.industry.clone())
            .bind(profile.district.clone())
            .bind(profile.contact_name.clone())
            .bind(
                profile
                    .contact_phone
                    .as_ref()
                    .map(|p| p.as_str().to_owned()),
            )
            .bind(
                profile
                    .contact_email
                    .as_ref()
                    .map(|e| e.as_str().to_owned()),
            )
            .bind(now)
            .bind(officer_id);
        if let Some(id) = submission.subject_id {
            query = query.bind(id);
        }
        let enterprise_id =
            query
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match StoreError::from(e) {
                    StoreError::Conflict { .. } => StoreError::Conflict {
                        constraint: "credit_code".into(),
                    },
                    other => other,
                })?;
        sqlx::query("update submission set status = 'verified', subject_id = $1, decided_at = $2, decided_by = $3, reason = null, updated_at = $2 where submission_id = $4")
            .bind(enterprise_id)
            .bind(now)
            .bind(officer_id)
            .bind(submission_id)
            .execute(&mut *tx)
            .await?;
        let change = Change {
            action: "enterprise.verify",
            entity: "enterprise",
            entity_id: enterprise_id.to_string(),
            before,
            after: Some(snapshot(profile)),
        };
        audit::append(&mut tx, officer, change).await?;
        tx.commit().await?;
        Ok(enterprise_id)
    }

    /// Registers an already-verified enterprise (demo data, bulk registration by officers),
    /// optionally owned by an account. A known credit code is a conflict.
    pub async fn create_verified_enterprise(
        &self,
        owner: Option<i64>,
        profile: &EnterpriseProfile,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let now = now_ms();
        let verified_by = match actor {
            Actor::Account { account_id, .. } => Some(*account_id),
            _ => None,
        };
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let id: i64 = sqlx::query_scalar(
            "insert into enterprise (owner_account_id, name, credit_code, industry, district, contact_name, contact_phone, contact_email, verified, verified_at, verified_by, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $9, $9) returning enterprise_id",
        )
        .bind(owner)
        .bind(profile.name.clone())
        .bind(profile.credit_code.as_str().to_owned())
        .bind(profile.industry.clone())
        .bind(profile.district.clone())
        .bind(profile.contact_name.clone())
        .bind(profile.contact_phone.as_ref().map(|p| p.as_str().to_owned()))
        .bind(profile.contact_email.as_ref().map(|e| e.as_str().to_owned()))
        .bind(now)
        .bind(verified_by)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict { .. } => StoreError::Conflict { constraint: "credit_code".into() },
            other => other,
        })?;
        let change = Change {
            action: "enterprise.register",
            entity: "enterprise",
            entity_id: id.to_string(),
            before: None,
            after: Some(snapshot(profile)),
        };
        audit::append(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Gives an enterprise that no account holds to `owner` (demo data: the demo's
    /// enterprises get their contacts' accounts). Ok(false) when it already has an owner.
    pub async fn set_enterprise_owner(
        &self,
        enterprise_id: i64,
        owner: i64,
        actor: &Actor,
    ) -> Result<bool, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let changed = sqlx::query(
            "update enterprise set owner_account_id = $1, updated_at = $2
              where enterprise_id = $3 and owner_account_id is null",
        )
        .bind(owner)
        .bind(now_ms())
        .bind(enterprise_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "enterprise.owner",
                entity: "enterprise",
                entity_id: enterprise_id.to_string(),
                before: None,
                after: Some(json!({ "owner_account_id": owner })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Verified enterprises by name, for a talent choosing an employer on the platform.
    pub async fn verified_enterprise_names(
        &self,
        limit: i64,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(sqlx::query_as(
            "select enterprise_id, name from enterprise where verified = 1 order by name limit $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn enterprise_exists(&self, enterprise_id: i64) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "select enterprise_id from enterprise where enterprise_id = $1 and verified = 1",
        )
        .bind(enterprise_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }

    pub async fn count_enterprises(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("select count(*) from enterprise")
            .fetch_one(self.pool())
            .await?)
    }

    pub async fn enterprise(&self, enterprise_id: i64) -> Result<EnterpriseRecord, StoreError> {
        sqlx::query_as::<_, EnterpriseRow>("select * from enterprise where enterprise_id = $1")
            .bind(enterprise_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?
            .try_into()
    }

    pub async fn enterprise_of_owner(
        &self,
        owner: i64,
    ) -> Result<Option<EnterpriseRecord>, StoreError> {
        sqlx::query_as::<_, EnterpriseRow>("select * from enterprise where owner_account_id = $1")
            .bind(owner)
            .fetch_optional(self.pool())
            .await?
            .map(EnterpriseRecord::try_from)
            .transpose()
    }

    /// The verified talents who name this enterprise as employer, on the platform or by its
    /// credit code.
    pub async fn talents_of_enterprise(
        &self,
        enterprise_id: i64,
    ) -> Result<Vec<TalentRecord>, StoreError> {
        let enterprise = self.enterprise(enterprise_id).await?;
        let ids: Vec<i64> = sqlx::query_scalar("select talent_id from talent where employer_enterprise_id = $1 or employer_credit_code = $2 order by talent_id limit 1000")
            .bind(enterprise_id)
            .bind(enterprise.profile.credit_code.as_str())
            .fetch_all(self.pool())
            .await?;
        let mut talents = Vec::with_capacity(ids.len());
        for id in ids {
            talents.push(self.talent(id).await?);
        }
        Ok(talents)
    }
}
