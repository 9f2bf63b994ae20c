//! yingcai's storage: one crate, one code path, on SQLite and on PostgreSQL.
//!
//! Queries are portable SQL run through sqlx's `Any` driver; the few places where the two
//! databases differ (connection pragmas, write transactions, backups, test databases, the
//! migration trees) live in [`dialect`] and nowhere else. Methods are named after what they
//! do (`create_account`, `revoke_sessions`), never `execute_query`.
//!
//! Value conventions that keep the SQL portable: integers are `bigint`, booleans are 0/1
//! integers, instants are Unix milliseconds, calendar dates are `YYYY-MM-DD` text.
//!
//! ```no_run
//! # async fn demo() -> Result<(), yingcai_store::StoreError> {
//! use yingcai_store::{DatabaseUrl, Store};
//! use yingcai_store::crypto::{FieldCipher, FieldKey};
//! let cipher = FieldCipher::new(&FieldKey::generate());
//! let store = Store::connect(&DatabaseUrl::parse("sqlite://data/yingcai.sqlite")?, cipher).await?;
//! store.migrate().await?;
//! # Ok(()) }
//! ```

mod account_notifications;
mod accounts;
mod audit;
mod bids;
mod columns;
mod competitions;
pub mod crypto;
pub mod dialect;
mod documents;
mod enterprises;
mod error;
mod housing;
#[cfg(feature = "testing")]
pub mod introspect;
mod jobs;
pub mod payments;
mod policy;
mod refusal;
mod registry;
mod reports;
mod reseal;
mod service_desk;
mod sessions;
mod submissions;
#[cfg(feature = "testing")]
pub mod testing;

pub use account_notifications::{AccountNotification, BreachRecord, NewNotice, NoticeKind};
pub use accounts::{Account, AccountCredentials, AccountFilter, NewAccount};
pub use audit::{Actor, AuditError, AuditFilter};
pub use bids::{
    BidChangeError, BidContent, BidCount, BidDocumentMeta, BidRecord, Opened, SealedBytes,
};
pub use competitions::{
    ListRecord, NeedChangeError, NeedEvent, NeedFilter, NeedRecord, NewList, NewNeed,
};
pub use dialect::{Backend, DatabaseUrl};
pub use documents::{DocumentRecord, NewDocument};
pub use enterprises::{EnterpriseRecord, EnterpriseSubmission};
pub use error::{StoreError, UrlError};
pub use housing::{
    ApplicationRecord, ClosedOffer, ComplexRecord, ComplexSummary, InventoryConflict,
    InventoryImportSummary, LeaseRecord, NewComplex, NewLease, NewRound, NewUnit, NewUnitType,
    OfferRecord, RoundAllocation, RoundApplicantFacts, RoundComplex, RoundRecord, UnitRecord,
    UnitTypeRecord,
};
pub use jobs::JobStatus;
pub use payments::{
    BankTransfer, LedgerReport, LineSums, NewPaymentLine, PayableEntitlement, PaymentLineView,
    PaymentRun, Posting, Settlement, SettlementReport, SpendingDimension,
};
pub use policy::{
    CardRecord, ComputedEntitlement, EntitlementChanges, EntitlementFilter, EntitlementRecord,
    NewCard, NotificationRecord, PolicyDraft, PolicyVersionRecord, ScheduleSegment,
};
pub use refusal::Refusal;
pub use registry::{ImportConflict, ImportRow, ImportSummary, TalentRecord};
pub use reports::ImportReport;
pub use service_desk::{AttachmentRecord, MAX_CASE_ATTACHMENTS, NewAttachment};
pub use service_desk::{
    CalendarYearRecord, CaseChangeError, CaseEvent, CaseFilter, CaseRecord, CaseTransition,
    CategoryRecord, ChecklistItem, DefaultTeam, EventKind, NewCase, OpenDay, OpenedMonth,
    PairedEnterprise, PauseRecord, ResolvedMonth, TeamInput, TeamMonthRow, TeamRecord,
};
pub use sessions::{SessionKind, SessionRecord};
pub use submissions::{
    QueueFilter, Submission, SubmissionError, SubmissionStatus, TalentSubmission,
};
pub use yingcai_domain::audit::{AuditEntry, AuditHead, ChainBreak};
#[doc(hidden)]
pub use {anyhow as __anyhow, sqlx as __sqlx, yingcai_domain as __domain};

use sqlx::AnyPool;

/// A handle on the database. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    cipher: crypto::FieldCipher,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens a pool on `url` (creating a SQLite file and its directory if needed). `cipher`
    /// seals identity numbers and bank accounts; every server of a site needs the same key.
    pub async fn connect(
        url: &DatabaseUrl,
        cipher: crypto::FieldCipher,
    ) -> Result<Store, StoreError> {
        let pool = dialect::open_pool(url).await?;
        Ok(Store {
            pool,
            backend: url.backend(),
            cipher,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies every migration not yet applied, then re-seals any value still sealed by
    /// the first generation (`reseal_version_1`: it needs the key, which SQL has not).
    /// Forward-only; safe to call at each start, also from several app servers at once
    /// (sqlx takes a database lock on PostgreSQL; the re-seal step changes a row only if
    /// it is still at version 1).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        dialect::migrator(self.backend)
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Other(anyhow::Error::new(e).context("applying migrations")))?;
        self.reseal_version_1().await?;
        Ok(())
    }

    /// Versions of the migrations this build knows and whether each is applied.
    pub async fn migration_status(&self) -> Result<Vec<(i64, String, bool)>, StoreError> {
        // Before the first migration there is no table to read: nothing is applied.
        let applied: Vec<i64> = sqlx::query_scalar::<_, i64>(
            "select version from _sqlx_migrations where success = true",
        )
        .fetch_all(&self.pool)
        .await
        .unwrap_or_default();
        Ok(dialect::migrator(self.backend)
            .iter()
            .map(|m| {
                (
                    m.version,
                    m.description.to_string(),
                    applied.contains(&m.version),
                )
            })
            .collect())
    }

    /// Cheap liveness query for `/readyz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    /// A consistent copy of a live SQLite database (`vacuum into`; see `dialect::backup`).
    pub async fn backup_to(&self, target: &std::path::Path) -> Result<(), StoreError> {
        dialect::backup(&self.pool, self.backend, target).await
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub(crate) fn cipher(&self) -> &crypto::FieldCipher {
        &self.cipher
    }
}

/// Milliseconds since the Unix epoch: the one instant format in the database.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
