//! Registry operations shared by the pages, the API and the CLI.

use std::sync::Arc;

use yingcai_import::{ImportError, ImportOptions, RowError};
use yingcai_store::{Actor, ImportConflict, ImportRow, ImportSummary, Store};

use crate::Error;

/// How an import ended: written whole, or refused with every problem found.
#[derive(Debug)]
pub enum ImportOutcome {
    Imported(ImportSummary),
    Refused(Vec<RowError>),
}

/// The code of a row whose identity number is already registered.
pub const RESIDENT_ID_REGISTERED: &str = "resident-id-registered";

/// Checks a roster (CSV or XLSX bytes) and, only if every row is valid and new, writes it
/// as verified records in one transaction. `progress` hears how many rows are written.
pub async fn import_roster(
    store: &Store,
    honors: &[String],
    today: jiff::civil::Date,
    bytes: Arc<Vec<u8>>,
    source: &str,
    actor: &Actor,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<ImportOutcome, Error> {
    let options = ImportOptions::new(honors.to_vec(), today);
    // Parsing 100,000 rows takes a fraction of a second of CPU: off the async threads.
    let parsed =
        tokio::task::spawn_blocking(move || yingcai_import::parse_roster(&bytes, &options))
            .await
            .map_err(|e| Error::Internal(e.into()))?;
    let talents = match parsed {
        Ok(talents) => talents,
        Err(error @ (ImportError::File(_) | ImportError::Header(_) | ImportError::Rows(_))) => {
            return Ok(ImportOutcome::Refused(error.errors().to_vec()));
        }
    };
    let rows: Vec<ImportRow> = talents
        .into_iter()
        .map(|t| (t.row, t.source_id, t.profile))
        .collect();
    match store.import_talents(&rows, source, actor, progress).await {
        Ok(summary) => Ok(ImportOutcome::Imported(summary)),
        Err(ImportConflict::Store(error)) => Err(error.into()),
        Err(ImportConflict::Registered { rows }) => Ok(ImportOutcome::Refused(
            rows.into_iter()
                .map(|row| RowError {
                    row,
                    column: "resident_id".into(),
                    code: RESIDENT_ID_REGISTERED,
                    value: String::new(),
                })
                .collect(),
        )),
    }
}
