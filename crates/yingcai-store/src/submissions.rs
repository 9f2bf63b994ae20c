//! Submissions: how a record changes. The owner drafts and submits; an officer verifies
//! (the record takes the submitted values) or returns it with a reason. The verified record
//! stays in force while a change to it is under review.

use serde_json::json;
use yingcai_domain::{BankAccount, Employer, TalentInput, TalentProfile};

use crate::audit::{self, Actor, Change};
use crate::columns::Stored;
use crate::crypto::{FieldCipher, SealContext, SealedColumn};
use crate::{Store, StoreError, dialect, now_ms};

pub use yingcai_domain::SubmissionStatus;

/// A submission with its payload opened: `T` is what the owner filled in.
#[derive(Debug, Clone)]
pub struct Submission<T> {
    pub submission_id: i64,
    pub subject_id: Option<i64>,
    pub owner_account_id: i64,
    pub status: SubmissionStatus,
    pub input: T,
    pub display_name: String,
    pub district: String,
    pub reason: Option<String>,
    pub submitted_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub decided_by: Option<i64>,
    /// A returned submission's answer-by date (Unix ms): the end of a number of working
    /// days after the return. None when none was set (see [`Store::return_submission`]).
    pub respond_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl<T> Submission<T> {
    /// Returned, and its answer-by date passed before `now` (Unix ms). Nothing happens on
    /// its own when it does: the request is shown as overdue to its owner and the officers.
    pub fn answer_overdue(&self, now: i64) -> bool {
        self.status == SubmissionStatus::Returned && self.respond_by.is_some_and(|by| by < now)
    }
}

pub type TalentSubmission = Submission<TalentInput>;

/// What an officer's queue shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub status: Option<SubmissionStatus>,
    pub district: Option<String>,
    /// Only submissions waiting since before this instant (Unix ms).
    pub submitted_before: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

/// Why a submission did not move.
#[derive(Debug, thiserror::Error)]
pub enum SubmissionError {
    /// Its state does not allow this (e.g. verifying a draft).
    #[error("the submission is {status}, which does not allow this")]
    WrongState { status: SubmissionStatus },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SubmissionError {
    /// Every code this refusal answers.
    pub const CODES: &'static [&'static str] = &["submission-not-submitted"];
}

impl From<sqlx::Error> for SubmissionError {
    fn from(error: sqlx::Error) -> Self {
        SubmissionError::Store(error.into())
    }
}

impl crate::Refusal for SubmissionError {
    fn field_errors(&self) -> Option<yingcai_domain::FieldErrors> {
        match self {
            SubmissionError::WrongState { .. } => {
                Some(yingcai_domain::FieldError::new("status", "submission-not-submitted").into())
            }
            SubmissionError::Store(_) => None,
        }
    }

    fn into_fields(self) -> Result<yingcai_domain::FieldErrors, StoreError> {
        match self {
            SubmissionError::WrongState { .. } => {
                Ok(yingcai_domain::FieldError::new("status", "submission-not-submitted").into())
            }
            SubmissionError::Store(error) => Err(error),
        }
    }
}

/// What a move of a submission records besides its status: the reason the owner reads and
/// the date by which they are asked to answer (a return); none for a submission.
#[derive(Default)]
struct Decision<'a> {
    reason: Option<&'a str>,
    respond_by: Option<i64>,
}

/// The stored status of a submission, read inside `tx`.
pub(crate) async fn status_of(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    submission_id: i64,
) -> Result<SubmissionStatus, StoreError> {
    let status: String =
        sqlx::query_scalar("select status from submission where submission_id = $1")
            .bind(submission_id)
            .fetch_one(&mut **tx)
            .await?;
    status.parse().map_err(|_| StoreError::Corrupt {
        table: "submission",
        row: submission_id,
        column: "status",
    })
}

const COLUMNS: &str = "submission_id, subject_id, owner_account_id, status, payload_sealed, display_name, district, reason, submitted_at, decided_at, decided_by, respond_by, created_at, updated_at";

/// A `submission` row ([`COLUMNS`]) as stored, its payload still sealed; [`Submission`]
/// is it opened and checked ([`SubmissionRow::open`]).
#[derive(sqlx::FromRow)]
struct SubmissionRow {
    submission_id: i64,
    subject_id: Option<i64>,
    owner_account_id: i64,
    status: String,
    payload_sealed: Vec<u8>,
    display_name: String,
    district: String,
    reason: Option<String>,
    submitted_at: Option<i64>,
    decided_at: Option<i64>,
    decided_by: Option<i64>,
    respond_by: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl SubmissionRow {
    /// The submission: the payload opened with `cipher` (bound to `payload_sealed` of this
    /// row) and read as `T`. A status or payload that does not read back is an error
    /// naming this row and the column.
    fn open<T: serde::de::DeserializeOwned>(
        self,
        cipher: &FieldCipher,
    ) -> Result<Submission<T>, StoreError> {
        let cell = Stored::new("submission", self.submission_id);
        let json = cipher.open(
            SealContext::new(SealedColumn::SubmissionPayload, self.submission_id),
            &self.payload_sealed,
        )?;
        Ok(Submission {
            submission_id: self.submission_id,
            subject_id: self.subject_id,
            owner_account_id: self.owner_account_id,
            status: cell.parse("status", &self.status)?,
            input: serde_json::from_str(&json).map_err(|_| cell.corrupt("payload_sealed"))?,
            display_name: self.display_name,
            district: self.district,
            reason: self.reason,
            submitted_at: self.submitted_at,
            decided_at: self.decided_at,
            decided_by: self.decided_by,
            respond_by: self.respond_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

impl Store {
    /// Saves the owner's talent draft: updates the open (draft, returned or submitted)
    /// submission if there is one, else starts a new draft on top of the verified record.
    pub async fn save_talent_draft(
        &self,
        owner: &Actor,
        input: &TalentInput,
        district: &str,
    ) -> Result<i64, StoreError> {
        self.save_draft("talent", "talent", owner, input, &input.name, district)
            .await
    }

    /// The owner's open submission (draft, submitted or returned), if any.
    pub async fn open_talent_submission(
        &self,
        owner: i64,
    ) -> Result<Option<TalentSubmission>, StoreError> {
        self.open_submission("talent", owner).await
    }

    /// Every talent submission of the owner, newest first: the record's history.
    pub async fn talent_submissions_of(
        &self,
        owner: i64,
    ) -> Result<Vec<TalentSubmission>, StoreError> {
        sqlx::query_as::<_, SubmissionRow>(&format!("select {COLUMNS} from submission where kind = 'talent' and owner_account_id = $1 order by submission_id desc"))
            .bind(owner)
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .map(|row| row.open(self.cipher()))
            .collect()
    }

    pub async fn talent_submission(
        &self,
        submission_id: i64,
    ) -> Result<TalentSubmission, StoreError> {
        self.submission_of_kind("talent", submission_id).await
    }

    /// Draft or returned → submitted. The caller has checked the payload parses.
    pub async fn submit(&self, submission_id: i64, owner: &Actor) -> Result<(), SubmissionError> {
        let Actor::Account { account_id, .. } = owner else {
            return Err(StoreError::NotFound.into());
        };
        self.transition(
            submission_id,
            Some(*account_id),
            &[SubmissionStatus::Draft, SubmissionStatus::Returned],
            SubmissionStatus::Submitted,
            Decision::default(),
            owner,
        )
        .await
    }

    /// Submitted → returned, with the reason the owner will read and the date (Unix ms) by
    /// which they are asked to answer, if one could be set.
    pub async fn return_submission(
        &self,
        submission_id: i64,
        reason: &str,
        respond_by: Option<i64>,
        officer: &Actor,
    ) -> Result<(), SubmissionError> {
        self.transition(
            submission_id,
            None,
            &[SubmissionStatus::Submitted],
            SubmissionStatus::Returned,
            Decision {
                reason: Some(reason),
                respond_by,
            },
            officer,
        )
        .await
    }

    async fn transition(
        &self,
        submission_id: i64,
        owner: Option<i64>,
        from: &[SubmissionStatus],
        to: SubmissionStatus,
        decision: Decision<'_>,
        actor: &Actor,
    ) -> Result<(), SubmissionError> {
        let Decision { reason, respond_by } = decision;
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let (status, owner_account_id) = sqlx::query_as::<_, (String, i64)>(
            "select status, owner_account_id from submission where submission_id = $1",
        )
        .bind(submission_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let status: SubmissionStatus =
            Stored::new("submission", submission_id).parse("status", &status)?;
        if owner.is_some_and(|o| owner_account_id != o) {
            return Err(StoreError::NotFound.into());
        }
        if !from.contains(&status) {
            return Err(SubmissionError::WrongState { status });
        }
        let (submitted_at, decided_by) = match to {
            SubmissionStatus::Submitted => (Some(now), None),
            _ => (
                None,
                match actor {
                    Actor::Account { account_id, .. } => Some(*account_id),
                    _ => None,
                },
            ),
        };
        sqlx::query(
            "update submission set status = $1, reason = $2, submitted_at = coalesce($3, submitted_at), decided_at = $4, decided_by = $5, updated_at = $6, respond_by = $8 where submission_id = $7",
        )
        .bind(to.as_str())
        .bind(reason)
        .bind(submitted_at)
        .bind(if to == SubmissionStatus::Submitted { None } else { Some(now) })
        .bind(decided_by)
        .bind(now)
        .bind(submission_id)
        .bind(respond_by)
        .execute(&mut *tx)
        .await?;
        let change = Change {
            action: match to {
                SubmissionStatus::Submitted => "submission.submit",
                SubmissionStatus::Returned => "submission.return",
                _ => "submission.update",
            },
            entity: "submission",
            entity_id: submission_id.to_string(),
            before: Some(json!({ "status": status.as_str() })),
            after: Some(
                json!({ "status": to.as_str(), "reason": reason, "respond_by": respond_by }),
            ),
        };
        audit::append(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Submitted → verified: the record takes the checked `profile` (created on the first
    /// verification), in one transaction with the audit entry (sensitive fields masked).
    pub async fn verify_talent_submission(
        &self,
        submission_id: i64,
        profile: &TalentProfile,
        officer: &Actor,
    ) -> Result<i64, SubmissionError> {
        let submission = self.talent_submission(submission_id).await?;
        let now = now_ms();
        let officer_id = match officer {
            Actor::Account { account_id, .. } => Some(*account_id),
            _ => None,
        };
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let status = status_of(&mut tx, submission_id).await?;
        if status != SubmissionStatus::Submitted {
            return Err(SubmissionError::WrongState { status });
        }
        let index = self
            .cipher()
            .blind_index(crate::registry::RESIDENT_ID, profile.resident_id.expose());
        let (employer_id, employer_name, employer_code) = match &profile.employer {
            Some(Employer::Enterprise { enterprise_id }) => (Some(*enterprise_id), None, None),
            Some(Employer::Named { name, credit_code }) => (
                None,
                Some(name.clone()),
                Some(credit_code.as_str().to_owned()),
            ),
            None => (None, None, None),
        };
        let before = match submission.subject_id {
            Some(id) => Some(crate::registry::masked_json(
                &self.talent(id).await?.profile,
            )),
            None => None,
        };
        // A first verification creates the record: its id first, to seal the fields to it.
        let talent_id = match submission.subject_id {
            Some(id) => id,
            None => dialect::reserve_id(&mut tx, self.backend(), "talent").await?,
        };
        let seal = |column| SealContext::new(column, talent_id);
        let values = (
            profile.name.clone(),
            self.cipher().seal(
                seal(SealedColumn::TalentResidentId),
                profile.resident_id.expose(),
            ),
            index,
            profile.resident_id.masked(),
            profile.birth_date().to_string(),
        );
        let sql = match submission.subject_id {
            None => "insert into talent (talent_id, owner_account_id, name, resident_id_sealed, resident_id_index, resident_id_masked, birth_date, degree, degree_institution, degree_year, honors, employer_enterprise_id, employer_name, employer_credit_code, arrival_date, employed_in_city, housing, home_purchase_date, social_insurance_months, bank_account_sealed, bank_account_masked, phone, email, verified_at, verified_by, created_at, updated_at)
                 values ($25, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $23, $23) returning talent_id",
            Some(_) => "update talent set owner_account_id = $1, name = $2, resident_id_sealed = $3, resident_id_index = $4, resident_id_masked = $5, birth_date = $6, degree = $7, degree_institution = $8, degree_year = $9, honors = $10, employer_enterprise_id = $11, employer_name = $12, employer_credit_code = $13, arrival_date = $14, employed_in_city = $15, housing = $16, home_purchase_date = $17, social_insurance_months = $18, bank_account_sealed = $19, bank_account_masked = $20, phone = $21, email = $22, verified_at = $23, verified_by = $24, updated_at = $23
                 where talent_id = $25 returning talent_id",
        };
        let query = sqlx::query_scalar::<_, i64>(sql)
            .bind(submission.owner_account_id)
            .bind(values.0)
            .bind(values.1)
            .bind(values.2)
            .bind(values.3)
            .bind(values.4)
            .bind(profile.degree.code())
            .bind(profile.degree_institution.clone())
            .bind(profile.degree_year.map(i64::from))
            .bind(profile.honors.clone())
            .bind(employer_id)
            .bind(employer_name)
            .bind(employer_code)
            .bind(profile.arrival_date.to_string())
            .bind(i64::from(profile.employed_in_city))
            .bind(profile.housing.code())
            .bind(profile.home_purchase_date.map(|d| d.to_string()))
            .bind(i64::from(profile.social_insurance_months))
            .bind(profile.bank_account.as_ref().map(|b| {
                self.cipher()
                    .seal(seal(SealedColumn::TalentBankAccount), b.expose())
            }))
            .bind(profile.bank_account.as_ref().map(BankAccount::masked))
            .bind(profile.phone.as_ref().map(|p| p.as_str().to_owned()))
            .bind(profile.email.as_ref().map(|e| e.as_str().to_owned()))
            .bind(now)
            .bind(officer_id)
            .bind(talent_id);
        let talent_id: i64 =
            query
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match StoreError::from(e) {
                    StoreError::Conflict { .. } => StoreError::Conflict {
                        constraint: "resident_id".into(),
                    },
                    other => other,
                })?;
        sqlx::query("update submission set status = 'verified', subject_id = $1, decided_at = $2, decided_by = $3, reason = null, updated_at = $2 where submission_id = $4")
            .bind(talent_id)
            .bind(now)
            .bind(officer_id)
            .bind(submission_id)
            .execute(&mut *tx)
            .await?;
        let change = Change {
            action: "talent.verify",
            entity: "talent",
            entity_id: talent_id.to_string(),
            before,
            after: Some(crate::registry::masked_json(profile)),
        };
        audit::append(&mut tx, officer, change).await?;
        tx.commit().await?;
        Ok(talent_id)
    }

    /// The talent queue: submissions by status and district, oldest waiting first.
    pub async fn submission_queue(
        &self,
        filter: &QueueFilter,
    ) -> Result<Vec<TalentSubmission>, StoreError> {
        self.queue_of("talent", filter).await
    }

    /// The verified record owned by an account, if any.
    pub async fn talent_of_owner(
        &self,
        owner: i64,
    ) -> Result<Option<crate::TalentRecord>, StoreError> {
        let id: Option<i64> =
            sqlx::query_scalar("select talent_id from talent where owner_account_id = $1")
                .bind(owner)
                .fetch_optional(self.pool())
                .await?;
        match id {
            Some(id) => Ok(Some(self.talent(id).await?)),
            None => Ok(None),
        }
    }

    /// `input` as JSON, sealed to submission `submission_id`.
    pub(crate) fn seal_payload<T: serde::Serialize>(
        &self,
        submission_id: i64,
        input: &T,
    ) -> Result<Vec<u8>, StoreError> {
        let json = serde_json::to_string(input).map_err(|e| StoreError::Other(e.into()))?;
        Ok(self.cipher().seal(
            SealContext::new(SealedColumn::SubmissionPayload, submission_id),
            &json,
        ))
    }

    /// Saves the owner's draft of a `kind` record (see `save_talent_draft`).
    pub(crate) async fn save_draft<T: serde::Serialize>(
        &self,
        kind: &'static str,
        subject_table: &'static str,
        owner: &Actor,
        input: &T,
        display_name: &str,
        district: &str,
    ) -> Result<i64, StoreError> {
        let Actor::Account {
            account_id: owner_id,
            ..
        } = owner
        else {
            return Err(StoreError::Other(anyhow::anyhow!(
                "a draft belongs to an account"
            )));
        };
        let owner_id = *owner_id;
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let open: Option<i64> = sqlx::query_scalar(
            "select submission_id from submission where kind = $1 and owner_account_id = $2 and status in ('draft', 'returned', 'submitted') order by submission_id desc limit 1",
        )
        .bind(kind)
        .bind(owner_id)
        .fetch_optional(&mut *tx)
        .await?;
        let id = match open {
            Some(id) => {
                // Editing a submitted record takes it back out of the queue until resubmitted.
                sqlx::query("update submission set payload_sealed = $1, display_name = $2, district = $3, status = 'draft', updated_at = $4 where submission_id = $5")
                    .bind(self.seal_payload(id, input)?)
                    .bind(display_name.trim())
                    .bind(district)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                id
            }
            None => {
                // `subject_table` is one of our two constants, never input.
                let subject: Option<i64> = sqlx::query_scalar(&format!(
                    "select {subject_table}_id from {subject_table} where owner_account_id = $1"
                ))
                .bind(owner_id)
                .fetch_optional(&mut *tx)
                .await?;
                let id = dialect::reserve_id(&mut tx, self.backend(), "submission").await?;
                sqlx::query(
                    "insert into submission (submission_id, kind, subject_id, owner_account_id, status, payload_sealed, display_name, district, created_at, updated_at)
                     values ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $8)",
                )
                .bind(id)
                .bind(kind)
                .bind(subject)
                .bind(owner_id)
                .bind(self.seal_payload(id, input)?)
                .bind(display_name.trim())
                .bind(district)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                id
            }
        };
        let change = Change {
            action: "submission.save",
            entity: "submission",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!({ "kind": kind, "status": SubmissionStatus::Draft })),
        };
        audit::append(&mut tx, owner, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub(crate) async fn open_submission<T: serde::de::DeserializeOwned>(
        &self,
        kind: &str,
        owner: i64,
    ) -> Result<Option<Submission<T>>, StoreError> {
        sqlx::query_as::<_, SubmissionRow>(&format!(
            "select {COLUMNS} from submission where kind = $1 and owner_account_id = $2 and status in ('draft', 'returned', 'submitted') order by submission_id desc limit 1"
        ))
        .bind(kind)
        .bind(owner)
        .fetch_optional(self.pool())
        .await?
        .map(|row| row.open(self.cipher()))
        .transpose()
    }

    pub(crate) async fn submission_of_kind<T: serde::de::DeserializeOwned>(
        &self,
        kind: &str,
        submission_id: i64,
    ) -> Result<Submission<T>, StoreError> {
        sqlx::query_as::<_, SubmissionRow>(&format!(
            "select {COLUMNS} from submission where kind = $1 and submission_id = $2"
        ))
        .bind(kind)
        .bind(submission_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?
        .open(self.cipher())
    }

    /// The queue of `kind` submissions by status and district, oldest waiting first.
    pub async fn queue_of<T: serde::de::DeserializeOwned>(
        &self,
        kind: &str,
        filter: &QueueFilter,
    ) -> Result<Vec<Submission<T>>, StoreError> {
        sqlx::query_as::<_, SubmissionRow>(&format!(
            "select {COLUMNS} from submission where kind = $1
               and ($2 is null or status = $2) and ($3 is null or district = $3) and ($4 is null or submitted_at < $4)
             order by coalesce(submitted_at, updated_at), submission_id limit $5 offset $6"
        ))
        .bind(kind)
        .bind(filter.status.map(SubmissionStatus::as_str))
        .bind(filter.district.as_deref())
        .bind(filter.submitted_before)
        .bind(if filter.limit > 0 { filter.limit } else { 50 })
        .bind(filter.offset.max(0))
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|row| row.open(self.cipher()))
        .collect()
    }
}
