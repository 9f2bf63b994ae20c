//! The re-seal step: version-1 sealed values (bound to the field name only, under a key
//! derived by plain SHA-256) become version 2 (bound to table, column and row, under the
//! HKDF-derived key), and each identity number's blind index is recomputed with the new
//! index key in the same statement, so uniqueness checks keep working.
//!
//! SQL cannot do this — it needs the key — so `Store::migrate` runs it right after the SQL
//! migrations. It works in batches, each one transaction that changes only rows still at
//! version 1 (and only if the value is still the one read), so it can be killed at any
//! point, run again, or run by two servers at once. When nothing is left at version 1 it
//! costs one scan per sealed column and writes nothing.

use zeroize::Zeroizing;

use crate::crypto::{SealContext, SealedColumn};
use crate::{Store, StoreError, dialect};

/// Rows per transaction.
const BATCH: i64 = 500;

/// The version byte of the values this step rewrites (see `crypto`).
const VERSION_1: u8 = 1;

impl Store {
    /// Re-seals every version-1 value as version 2 and recomputes the blind indexes beside
    /// them; returns how many values it re-sealed. Run by `migrate`; a value that does not
    /// open under the configured key stops it with an error naming the row.
    pub async fn reseal_version_1(&self) -> Result<u64, StoreError> {
        let mut total = 0;
        for column in SealedColumn::ALL {
            let count = self.reseal_column(column).await?;
            if count > 0 {
                tracing::info!(
                    table = column.table(),
                    column = column.column(),
                    count,
                    "re-sealed version-1 values"
                );
            }
            total += count;
        }
        Ok(total)
    }

    async fn reseal_column(&self, column: SealedColumn) -> Result<u64, StoreError> {
        let (table, sealed, id) = (column.table(), column.column(), column.id_column());
        // Fixed identifiers from `SealedColumn`, never input.
        let select = format!(
            "select {id}, {sealed} from {table} where {id} > $1 and substr({sealed}, 1, 1) = $2 order by {id} limit $3"
        );
        let update = match column {
            SealedColumn::TalentResidentId => format!(
                "update {table} set {sealed} = $1, resident_id_index = $2 where {id} = $3 and {sealed} = $4"
            ),
            SealedColumn::TalentBankAccount
            | SealedColumn::SubmissionPayload
            | SealedColumn::BidContent
            | SealedColumn::BidDocument => {
                format!("update {table} set {sealed} = $1 where {id} = $2 and {sealed} = $3")
            }
        };
        let mut after = i64::MIN;
        let mut count = 0;
        loop {
            let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
            let rows = sqlx::query_as::<_, (i64, Vec<u8>)>(&select)
                .bind(after)
                .bind(vec![VERSION_1])
                .bind(BATCH)
                .fetch_all(&mut *tx)
                .await?;
            let Some(&(last, _)) = rows.last() else {
                tx.commit().await?;
                return Ok(count);
            };
            after = last;
            for (row_id, old) in rows {
                let context = SealContext::new(column, row_id);
                let plain = Zeroizing::new(self.cipher().open_version_1(context, &old)?);
                let mut query = sqlx::query(&update).bind(self.cipher().seal(context, &plain));
                if column == SealedColumn::TalentResidentId {
                    query = query.bind(
                        self.cipher()
                            .blind_index(crate::registry::RESIDENT_ID, &plain),
                    );
                }
                count += query
                    .bind(row_id)
                    .bind(old)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
        }
    }
}
