//! The audit chain: how an audit entry's hash is computed and how a chain is checked.
//!
//! Each entry's hash covers its own fields and the previous entry's hash, and entry numbers
//! have no gaps, so altering any stored entry, or removing one, breaks the chain at that
//! entry. The store keeps the entries; this module only does the arithmetic, so it can be
//! tested without a database.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "genesis";

/// One stored audit entry, as the chain sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    /// 1, 2, 3, … without gaps.
    pub entry_id: i64,
    /// Unix milliseconds.
    pub at: i64,
    pub actor_account_id: Option<i64>,
    /// Who acted, readable: an e-mail, or `cli` / `system`.
    pub actor: String,
    /// What happened, e.g. `account.create`.
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// JSON of the record before and after, sensitive fields masked.
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// The hash this entry must carry, given the previous entry's hash.
    pub fn expected_hash(&self, prev_hash: &str) -> String {
        // A JSON array is an unambiguous encoding: no field can run into the next.
        let canonical = serde_json::json!([
            self.entry_id,
            self.at,
            self.actor_account_id,
            self.actor,
            self.action,
            self.entity,
            self.entity_id,
            self.before,
            self.after,
            prev_hash,
        ]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

/// Where a chain stops being trustworthy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// The entry's content or links do not match its hash.
    #[error("audit entry {entry_id} was altered")]
    Altered { entry_id: i64 },
    /// An entry that must exist is not there.
    #[error("audit entry {entry_id} was removed")]
    Removed { entry_id: i64 },
}

/// Checks entries streamed in id order, then the recorded head (last id and hash).
#[derive(Debug)]
pub struct ChainCheck {
    next_id: i64,
    prev_hash: String,
}

impl Default for ChainCheck {
    fn default() -> Self {
        ChainCheck {
            next_id: 1,
            prev_hash: GENESIS.to_owned(),
        }
    }
}

impl ChainCheck {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, entry: &AuditEntry) -> Result<(), ChainBreak> {
        if entry.entry_id != self.next_id {
            return Err(ChainBreak::Removed {
                entry_id: self.next_id,
            });
        }
        if entry.prev_hash != self.prev_hash || entry.hash != entry.expected_hash(&self.prev_hash) {
            return Err(ChainBreak::Altered {
                entry_id: entry.entry_id,
            });
        }
        self.next_id += 1;
        self.prev_hash = entry.hash.clone();
        Ok(())
    }

    /// The head records the newest entry; a mismatch means the newest entries were removed
    /// (or the head was tampered with, which is reported the same way).
    pub fn finish(self, head_last_id: i64, head_last_hash: &str) -> Result<i64, ChainBreak> {
        let checked = self.next_id - 1;
        if head_last_id > checked {
            return Err(ChainBreak::Removed {
                entry_id: checked + 1,
            });
        }
        if head_last_id < checked || head_last_hash != self.prev_hash {
            return Err(ChainBreak::Altered {
                entry_id: checked.max(1),
            });
        }
        Ok(checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|id| {
                let mut entry = AuditEntry {
                    entry_id: id,
                    at: 1_700_000_000_000 + id,
                    actor_account_id: Some(7),
                    actor: "admin@example.cn".into(),
                    action: "account.roles".into(),
                    entity: "account".into(),
                    entity_id: id.to_string(),
                    before: Some(r#"{"roles":["talent"]}"#.into()),
                    after: Some(r#"{"roles":["officer"]}"#.into()),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                entry.hash = entry.expected_hash(&prev);
                prev = entry.hash.clone();
                entry
            })
            .collect()
    }

    fn check(entries: &[AuditEntry], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut check = ChainCheck::new();
        for e in entries {
            check.push(e)?;
        }
        check.finish(head.0, head.1)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let entries = chain(5);
        assert_eq!(check(&entries, (5, &entries[4].hash)), Ok(5));
        assert_eq!(check(&[], (0, GENESIS)), Ok(0));
    }

    #[test]
    fn an_altered_field_is_named() {
        let mut entries = chain(5);
        entries[2].after = Some(r#"{"roles":["admin"]}"#.into());
        let head = entries[4].hash.clone();
        assert_eq!(
            check(&entries, (5, &head)),
            Err(ChainBreak::Altered { entry_id: 3 })
        );
    }

    #[test]
    fn a_removed_entry_is_named_in_the_middle_and_at_the_end() {
        let entries = chain(5);
        let head = entries[4].hash.clone();
        let mut middle = entries.clone();
        middle.remove(1);
        assert_eq!(
            check(&middle, (5, &head)),
            Err(ChainBreak::Removed { entry_id: 2 })
        );
        assert_eq!(
            check(&entries[..4], (5, &head)),
            Err(ChainBreak::Removed { entry_id: 5 })
        );
    }

    #[test]
    fn a_rehashed_forgery_still_breaks_at_the_next_entry() {
        let mut entries = chain(4);
        entries[1].actor = "someone-else@example.cn".into();
        let prev = entries[0].hash.clone();
        entries[1].hash = entries[1].expected_hash(&prev);
        let head = entries[3].hash.clone();
        assert_eq!(
            check(&entries, (4, &head)),
            Err(ChainBreak::Altered { entry_id: 3 })
        );
    }
}
