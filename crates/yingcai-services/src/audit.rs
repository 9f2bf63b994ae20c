//! Audit checkpoints: the signed heads appended to a file outside the database, and the
//! verification of the log against them (see `yingcai_domain::audit::checkpoint`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use yingcai_domain::audit::{AuditPublicKey, AuditSigner, Checkpoint};
use yingcai_store::{AuditHead, Store};

/// Where checkpoints go and what signs them.
#[derive(Debug, Clone)]
pub struct Checkpointing {
    pub signer: Arc<AuditSigner>,
    /// The checkpoint file (outside the database).
    pub file: PathBuf,
    /// The site's address, signed with each head.
    pub site: String,
}

/// What one checkpoint run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointOutcome {
    /// A new line: the checkpoint's number (its line) and the head it signed.
    Written { number: usize, head: AuditHead },
    /// Nothing appended since the last checkpoint.
    Unchanged { number: usize, head: AuditHead },
    /// The log is empty: nothing to sign.
    Empty,
}

/// The checkpoints in `file`, every signature checked; none if the file does not exist yet.
pub fn read_checkpoints(file: &Path, key: &AuditPublicKey) -> anyhow::Result<Vec<Checkpoint>> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => anyhow::bail!("checkpoint file {}: {error}", file.display()),
    };
    key.read_checkpoints(&text)
        .map_err(|e| anyhow::anyhow!("checkpoint file {}: {e}", file.display()))
}

/// Signs the current head and appends it to the checkpoint file, after checking that the
/// chain still contains the last checkpoint unchanged and is intact from there to the head
/// (a new checkpoint must never vouch for a forgery). Idempotent: an unchanged head is not
/// signed again.
pub async fn checkpoint(store: &Store, setup: &Checkpointing) -> anyhow::Result<CheckpointOutcome> {
    let existing = read_checkpoints(&setup.file, &setup.signer.public_key())?;
    let last = existing
        .iter()
        .max_by_key(|c| (c.entry_id(), c.id().number));
    let head = match last {
        Some(last) => store.verify_audit_since(last).await?,
        None => store.verify_audit(&[]).await?,
    };
    if head.entry_id == 0 {
        return Ok(CheckpointOutcome::Empty);
    }
    if let Some(last) = last
        && last.entry_id() == head.entry_id
    {
        return Ok(CheckpointOutcome::Unchanged {
            number: last.id().number,
            head,
        });
    }
    let line = setup
        .signer
        .checkpoint_line(&setup.site, &head, jiff::Timestamp::now());
    let number = append_line(&setup.file, &line)?;
    Ok(CheckpointOutcome::Written { number, head })
}

/// Appends `line` and returns its line number. One `write` of the whole line on a file opened
/// for appending, then `fsync`: servers sharing the file never interleave their lines, and a
/// checkpoint reported written is on disk.
fn append_line(file: &Path, line: &str) -> anyhow::Result<usize> {
    let context = |e: std::io::Error| anyhow::anyhow!("checkpoint file {}: {e}", file.display());
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(context)?;
    }
    let mut handle = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .map_err(context)?;
    handle
        .write_all(format!("{line}\n").as_bytes())
        .map_err(context)?;
    handle.sync_all().map_err(context)?;
    // The number is the line's place in the file, as `read_checkpoints` counts.
    let text = std::fs::read_to_string(file).map_err(context)?;
    Ok(text
        .lines()
        .position(|l| l == line)
        .map_or_else(|| text.lines().count(), |i| i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use yingcai_store::testing::TestDatabase;

    #[tokio::test]
    async fn checkpoints_are_written_once_per_head_and_refuse_a_rewritten_log() {
        for backend in TestDatabase::backends() {
            let (_db, store) = TestDatabase::create(backend).await.unwrap();
            let dir = tempfile::tempdir().unwrap();
            let setup = Checkpointing {
                signer: Arc::new(AuditSigner::from_seed(&[9; 32])),
                file: dir.path().join("sub/checkpoints.txt"),
                site: "https://talent.example.cn".into(),
            };
            assert_eq!(
                checkpoint(&store, &setup).await.unwrap(),
                CheckpointOutcome::Empty
            );
            yingcai_store::testing::talent_account(&store, "a@example.cn").await;
            yingcai_store::testing::talent_account(&store, "b@example.cn").await;
            let first = checkpoint(&store, &setup).await.unwrap();
            assert!(
                matches!(&first, CheckpointOutcome::Written { number: 1, head } if head.entry_id == 2),
                "{first:?}"
            );
            assert!(matches!(
                checkpoint(&store, &setup).await.unwrap(),
                CheckpointOutcome::Unchanged { number: 1, .. }
            ));
            yingcai_store::testing::talent_account(&store, "c@example.cn").await;
            assert!(matches!(
                checkpoint(&store, &setup).await.unwrap(),
                CheckpointOutcome::Written { number: 2, .. }
            ));
            let read = read_checkpoints(&setup.file, &setup.signer.public_key()).unwrap();
            assert_eq!(read.len(), 2);
            store.verify_audit(&read).await.unwrap();

            // A forger removes the newest entry and rewinds the head: no new checkpoint is
            // signed over it, and the error names the lost checkpoint.
            let previous = store
                .audit_entries(&yingcai_store::AuditFilter::default())
                .await
                .unwrap()[1]
                .hash
                .clone();
            store
                .execute_unchecked("delete from audit_entry where audit_entry_id = 3")
                .await
                .unwrap();
            store
                .execute_unchecked(&format!(
                    "update audit_head set last_entry_id = 2, last_hash = '{previous}'"
                ))
                .await
                .unwrap();
            let error = checkpoint(&store, &setup).await.unwrap_err().to_string();
            assert!(
                error.contains("checkpoint 2") && error.contains("entry 3"),
                "{error}"
            );
            assert_eq!(
                std::fs::read_to_string(&setup.file)
                    .unwrap()
                    .lines()
                    .count(),
                2
            );
        }
    }
}
