//! The audit chain: how an audit entry's hash is computed and how a chain is checked.
//!
//! Each entry's hash covers its own fields and the previous entry's hash, and entry numbers
//! have no gaps, so altering any stored entry, or removing one, breaks the chain at that
//! entry. The store keeps the entries; this module only does the arithmetic, so it can be
//! tested without a database.
//!
//! The chain alone cannot stop someone who writes to the database from rewriting it
//! consistently; signed [`checkpoint`]s kept outside the database do.

use sha2::{Digest, Sha256};

pub mod checkpoint;

pub use checkpoint::{AuditPublicKey, AuditSigner, Checkpoint, CheckpointError, CheckpointId};

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

/// The chain's newest entry: the head row's record of it, or what a walk of the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    /// 0 for an empty log.
    pub entry_id: i64,
    pub hash: String,
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
    /// The chain is consistent but ends before a signed head: its newest entries were
    /// removed and the head rewound.
    #[error(
        "{checkpoint}: entry {} is no longer in the audit log: entries were removed and the head rewound",
        checkpoint.entry_id
    )]
    CheckpointLost { checkpoint: CheckpointId },
    /// The chain is consistent but the checkpointed entry has another hash: an entry up to
    /// it was altered and the hashes after it recomputed.
    #[error(
        "{checkpoint}: entry {} no longer has the signed hash: the log up to it was rewritten",
        checkpoint.entry_id
    )]
    CheckpointRewritten { checkpoint: CheckpointId },
}

/// Checks entries streamed in id order, then the recorded head (last id and hash), and that
/// every signed checkpoint is still in the chain unchanged.
#[derive(Debug)]
pub struct ChainCheck {
    next_id: i64,
    /// `None` when resumed at a checkpoint: the first entry's predecessor is not read.
    prev_hash: Option<String>,
    /// Sorted by entry id; those before `next_checkpoint` are done.
    checkpoints: Vec<Checkpoint>,
    next_checkpoint: usize,
}

impl Default for ChainCheck {
    fn default() -> Self {
        ChainCheck {
            next_id: 1,
            prev_hash: Some(GENESIS.to_owned()),
            checkpoints: Vec::new(),
            next_checkpoint: 0,
        }
    }
}

impl ChainCheck {
    /// A walk of the whole chain, from entry 1.
    pub fn new() -> Self {
        Self::default()
    }

    /// A walk of the whole chain that also holds it to `checkpoints`.
    pub fn with_checkpoints(checkpoints: &[Checkpoint]) -> Self {
        let mut checkpoints: Vec<Checkpoint> = checkpoints
            .iter()
            // A checkpoint of the empty log claims nothing.
            .filter(|c| c.entry_id() > 0)
            .cloned()
            .collect();
        checkpoints.sort_by_key(|c| (c.entry_id(), c.id().number));
        ChainCheck {
            checkpoints,
            ..Self::default()
        }
    }

    /// A walk from `checkpoint`'s entry to the head: what changed since a trusted checkpoint
    /// (the entries before it were checked when it was made).
    pub fn resume_at(checkpoint: &Checkpoint) -> Self {
        if checkpoint.entry_id() == 0 {
            return Self::new();
        }
        ChainCheck {
            next_id: checkpoint.entry_id(),
            prev_hash: None,
            checkpoints: vec![checkpoint.clone()],
            next_checkpoint: 0,
        }
    }

    /// The entry the walk expects next (the store reads from here on).
    pub fn next_id(&self) -> i64 {
        self.next_id
    }

    pub fn push(&mut self, entry: &AuditEntry) -> Result<(), ChainBreak> {
        if entry.entry_id != self.next_id {
            return Err(ChainBreak::Removed {
                entry_id: self.next_id,
            });
        }
        let linked = self
            .prev_hash
            .as_ref()
            .is_none_or(|prev| *prev == entry.prev_hash);
        if !linked || entry.hash != entry.expected_hash(&entry.prev_hash) {
            return Err(ChainBreak::Altered {
                entry_id: entry.entry_id,
            });
        }
        while let Some(checkpoint) = self.checkpoints.get(self.next_checkpoint)
            && checkpoint.entry_id() <= entry.entry_id
        {
            if checkpoint.entry_id() == entry.entry_id && checkpoint.hash() != entry.hash {
                return Err(ChainBreak::CheckpointRewritten {
                    checkpoint: checkpoint.id(),
                });
            }
            self.next_checkpoint += 1;
        }
        self.next_id += 1;
        self.prev_hash = Some(entry.hash.clone());
        Ok(())
    }

    /// The head records the newest entry; a mismatch means the newest entries were removed
    /// (or the head was tampered with, which is reported the same way). A checkpoint past the
    /// end of the chain means the newest entries were removed and the head rewound.
    pub fn finish(self, head: &AuditHead) -> Result<AuditHead, ChainBreak> {
        let checked = self.next_id - 1;
        if head.entry_id > checked {
            return Err(ChainBreak::Removed {
                entry_id: checked + 1,
            });
        }
        if let Some(checkpoint) = self.checkpoints.get(self.next_checkpoint) {
            return Err(ChainBreak::CheckpointLost {
                checkpoint: checkpoint.id(),
            });
        }
        match self.prev_hash {
            Some(last) if head.entry_id == checked && head.hash == last => Ok(AuditHead {
                entry_id: checked,
                hash: last,
            }),
            _ => Err(ChainBreak::Altered {
                entry_id: checked.max(1),
            }),
        }
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
        check
            .finish(&AuditHead {
                entry_id: head.0,
                hash: head.1.to_owned(),
            })
            .map(|h| h.entry_id)
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

    fn head_of(entries: &[AuditEntry]) -> AuditHead {
        entries.last().map_or(
            AuditHead {
                entry_id: 0,
                hash: GENESIS.to_owned(),
            },
            |e| AuditHead {
                entry_id: e.entry_id,
                hash: e.hash.clone(),
            },
        )
    }

    /// Re-links and re-hashes every entry from `from` (0-based) on, as a forger with write
    /// access to the database can.
    fn rehash_from(entries: &mut [AuditEntry], from: usize) {
        let mut prev = if from == 0 {
            GENESIS.to_owned()
        } else {
            entries[from - 1].hash.clone()
        };
        for entry in &mut entries[from..] {
            entry.prev_hash = prev.clone();
            entry.hash = entry.expected_hash(&prev);
            prev = entry.hash.clone();
        }
    }

    fn signed(signer: &AuditSigner, heads: &[AuditHead]) -> Vec<Checkpoint> {
        let text: Vec<String> = heads
            .iter()
            .enumerate()
            .map(|(i, head)| {
                let at = jiff::Timestamp::from_second(1_795_910_400 + 600 * i as i64).unwrap();
                signer.checkpoint_line("https://talent.example.cn", head, at)
            })
            .collect();
        signer
            .public_key()
            .read_checkpoints(&text.join("\n"))
            .unwrap()
    }

    fn walk(
        mut check: ChainCheck,
        entries: &[AuditEntry],
        head: &AuditHead,
    ) -> Result<AuditHead, ChainBreak> {
        let first = check.next_id();
        for entry in entries.iter().filter(|e| e.entry_id >= first) {
            check.push(entry)?;
        }
        check.finish(head)
    }

    #[test]
    fn an_untouched_chain_satisfies_its_checkpoints() {
        let signer = AuditSigner::from_seed(&[3; 32]);
        let entries = chain(6);
        let checkpoints = signed(
            &signer,
            &[head_of(&[]), head_of(&entries[..2]), head_of(&entries[..5])],
        );
        let head = head_of(&entries);
        assert_eq!(
            walk(ChainCheck::with_checkpoints(&checkpoints), &entries, &head),
            Ok(head.clone())
        );
        assert_eq!(
            walk(ChainCheck::resume_at(&checkpoints[2]), &entries, &head),
            Ok(head.clone())
        );
        assert_eq!(
            walk(ChainCheck::resume_at(&checkpoints[0]), &entries, &head),
            Ok(head)
        );
    }

    #[test]
    fn a_removed_tail_with_a_rewound_head_is_caught_by_the_checkpoint() {
        let signer = AuditSigner::from_seed(&[3; 32]);
        let entries = chain(6);
        let checkpoints = signed(&signer, &[head_of(&entries[..2]), head_of(&entries[..5])]);
        // Entries 4 to 6 deleted, the head rewound to entry 3: consistent on its own.
        let forged = &entries[..3];
        let rewound = head_of(forged);
        assert_eq!(
            walk(ChainCheck::new(), forged, &rewound),
            Ok(rewound.clone())
        );
        let lost = Err(ChainBreak::CheckpointLost {
            checkpoint: checkpoints[1].id(),
        });
        assert_eq!(
            walk(ChainCheck::with_checkpoints(&checkpoints), forged, &rewound),
            lost
        );
        assert_eq!(
            walk(ChainCheck::resume_at(&checkpoints[1]), forged, &rewound),
            lost
        );
        assert_eq!(checkpoints[1].id().number, 2);
        assert_eq!(checkpoints[1].id().entry_id, 5);
    }

    #[test]
    fn an_altered_entry_with_every_later_hash_recomputed_is_caught_by_the_checkpoint() {
        let signer = AuditSigner::from_seed(&[3; 32]);
        let mut entries = chain(6);
        let checkpoints = signed(&signer, &[head_of(&entries[..2]), head_of(&entries[..5])]);
        entries[3].after = Some(r#"{"roles":["admin"]}"#.into());
        rehash_from(&mut entries, 3);
        let head = head_of(&entries);
        assert_eq!(walk(ChainCheck::new(), &entries, &head), Ok(head.clone()));
        let rewritten = Err(ChainBreak::CheckpointRewritten {
            checkpoint: checkpoints[1].id(),
        });
        assert_eq!(
            walk(ChainCheck::with_checkpoints(&checkpoints), &entries, &head),
            rewritten
        );
        assert_eq!(
            walk(ChainCheck::resume_at(&checkpoints[1]), &entries, &head),
            rewritten
        );
        // Rewriting from before the first checkpoint is caught by that one.
        entries[0].actor = "forger@example.cn".into();
        rehash_from(&mut entries, 0);
        let head = head_of(&entries);
        assert_eq!(
            walk(ChainCheck::with_checkpoints(&checkpoints), &entries, &head),
            Err(ChainBreak::CheckpointRewritten {
                checkpoint: checkpoints[0].id()
            })
        );
    }

    #[test]
    fn messages_name_the_checkpoint_its_time_and_entry() {
        let signer = AuditSigner::from_seed(&[3; 32]);
        let entries = chain(5);
        let checkpoints = signed(&signer, &[head_of(&entries[..1]), head_of(&entries)]);
        let message = ChainBreak::CheckpointLost {
            checkpoint: checkpoints[1].id(),
        }
        .to_string();
        assert_eq!(
            message,
            "checkpoint 2 (signed 2026-11-29T00:10:00Z, entry 5): entry 5 is no longer in the audit log: entries were removed and the head rewound"
        );
    }
}
