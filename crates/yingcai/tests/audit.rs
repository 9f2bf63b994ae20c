//! `yingcai audit checkpoint` and `yingcai audit verify` against the two forgeries the hash
//! chain alone cannot see, on SQLite and (with TEST_DATABASE_URL) PostgreSQL; and `serve`
//! writing checkpoints while it runs and at shutdown.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use yingcai_domain::audit::AuditSigner;
use yingcai_store::testing::TestDatabase;
use yingcai_store::{Backend, Store};

/// Any 32-byte key: these tests never open sealed fields, but PostgreSQL needs one.
const FIELD_KEY: &str = "a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0=";

fn command(dir: &Path, db: &TestDatabase, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_yingcai"));
    command
        .arg("--database-url")
        .arg(db.url().expose())
        .args(args)
        .current_dir(dir)
        .env("YINGCAI_FIELD_KEY", FIELD_KEY)
        .env_remove("YINGCAI_DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn yingcai(dir: &Path, db: &TestDatabase, args: &[&str]) -> Output {
    command(dir, db, args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Succeeds and prints this.
fn ok(out: &Output, expected: &str) {
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(expected),
        "stdout lacks {expected:?}: {}",
        text(&out.stdout)
    );
}

/// Fails with exit code 1, saying this.
fn fails(out: &Output, expected: &str) {
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains(expected),
        "stderr lacks {expected:?}: {}",
        text(&out.stderr)
    );
}

async fn accounts(store: &Store, from: usize, to: usize) {
    for i in from..to {
        store
            .create_account(
                &yingcai_store::NewAccount {
                    email: yingcai_domain::Email::parse(&format!("u{i}@bureau.example.cn"))
                        .unwrap(),
                    display_name: yingcai_domain::DisplayName::parse("name", "U").unwrap(),
                    phone: None,
                    password_hash: "x".into(),
                    roles: yingcai_domain::RoleSet::one(yingcai_domain::Role::Officer),
                    locale: yingcai_domain::Locale::En,
                    must_change_password: false,
                },
                &yingcai_store::Actor::Cli,
            )
            .await
            .unwrap();
    }
}

/// On PostgreSQL the keys must exist before any app server starts (every server shares
/// them); on SQLite yingcai creates them.
fn keys_for(backend: Backend, dir: &Path) {
    if backend == Backend::Postgres {
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::write(
            dir.join("data/audit-signing.pem"),
            AuditSigner::generate().to_pkcs8_pem().unwrap().as_bytes(),
        )
        .unwrap();
        std::fs::write(
            dir.join("data/card-signing.pem"),
            yingcai_card::CardSigner::generate()
                .to_pkcs8_pem()
                .as_bytes(),
        )
        .unwrap();
    }
}

/// Six entries, checkpointed by the command line after the fourth and the sixth.
async fn checkpointed(backend: Backend) -> (TestDatabase, Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = TestDatabase::create(backend).await.unwrap();
    keys_for(backend, dir.path());
    let out = yingcai(dir.path(), &db, &["audit", "checkpoint"]);
    ok(&out, "nothing to sign yet");
    if backend == Backend::Sqlite {
        assert!(
            text(&out.stderr).contains("created a new audit signing key"),
            "{}",
            text(&out.stderr)
        );
    }
    accounts(&store, 0, 4).await;
    let out = yingcai(dir.path(), &db, &["audit", "verify"]);
    ok(&out, "no checkpoints in data/audit-checkpoints.txt");
    let out = yingcai(dir.path(), &db, &["audit", "checkpoint"]);
    ok(
        &out,
        "checkpoint 1 written to data/audit-checkpoints.txt: entry 4 signed",
    );
    let out = yingcai(dir.path(), &db, &["audit", "checkpoint"]);
    ok(&out, "no new entries since checkpoint 1 (entry 4)");
    accounts(&store, 4, 6).await;
    let out = yingcai(dir.path(), &db, &["audit", "checkpoint"]);
    ok(&out, "checkpoint 2 written");
    let out = yingcai(dir.path(), &db, &["audit", "verify"]);
    ok(&out, "audit log intact: 6 entries");
    ok(
        &out,
        "signed checkpoints: 2 in data/audit-checkpoints.txt, every one still in the log unchanged; the newest is checkpoint 2 (signed ",
    );
    (db, store, dir)
}

fn checkpoint_lines(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("data/audit-checkpoints.txt"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_removed_tail_with_the_head_rewound_fails_verify_naming_the_checkpoint() {
    for backend in TestDatabase::backends() {
        let (db, store, dir) = checkpointed(backend).await;
        store.forge_audit_truncate(5).await.unwrap();
        // The chain alone is consistent again: without checkpoints the forgery passes.
        let out = yingcai(
            dir.path(),
            &db,
            &["audit", "verify", "--checkpoints", "none.txt"],
        );
        ok(&out, "audit log intact: 4 entries");
        let out = yingcai(dir.path(), &db, &["audit", "verify"]);
        fails(&out, "audit log broken: checkpoint 2 (signed ");
        fails(
            &out,
            ", entry 6): entry 6 is no longer in the audit log: entries were removed and the head rewound",
        );
        // No checkpoint is signed over the forgery either.
        let out = yingcai(dir.path(), &db, &["audit", "checkpoint"]);
        fails(&out, "checkpoint 2 (signed ");
        assert_eq!(checkpoint_lines(dir.path()).len(), 2);
        store.close().await;
    }
}

#[tokio::test]
async fn an_entry_altered_with_every_later_hash_recomputed_fails_verify_naming_the_checkpoint() {
    for backend in TestDatabase::backends() {
        let (db, store, dir) = checkpointed(backend).await;
        store
            .forge_audit_rewrite(3, |entry| {
                entry.after = Some(r#"{"roles":["admin"]}"#.into());
            })
            .await
            .unwrap();
        let out = yingcai(
            dir.path(),
            &db,
            &["audit", "verify", "--checkpoints", "none.txt"],
        );
        ok(&out, "audit log intact: 6 entries");
        let out = yingcai(dir.path(), &db, &["audit", "verify"]);
        fails(&out, "audit log broken: checkpoint 1 (signed ");
        fails(
            &out,
            ", entry 4): entry 4 no longer has the signed hash: the log up to it was rewritten",
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_forged_or_foreign_checkpoint_is_reported_and_a_copy_verifies_with_the_public_key() {
    let backend = if TestDatabase::backends().contains(&Backend::Postgres) {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let (db, store, dir) = checkpointed(backend).await;
    let out = yingcai(dir.path(), &db, &["audit", "public-key"]);
    ok(&out, "-----BEGIN PUBLIC KEY-----");
    std::fs::write(dir.path().join("public.pem"), &out.stdout).unwrap();
    let lines = checkpoint_lines(dir.path());

    // A downloaded copy, checked with the public key alone.
    std::fs::write(dir.path().join("copy.txt"), lines.join("\n")).unwrap();
    let out = yingcai(
        dir.path(),
        &db,
        &[
            "audit",
            "verify",
            "--checkpoints",
            "copy.txt",
            "--public-key",
            "public.pem",
        ],
    );
    ok(
        &out,
        "signed checkpoints: 2 in copy.txt, every one still in the log",
    );

    // Someone moves the newest checkpoint back to entry 4 to match a shortened log.
    assert!(lines[1].contains("\"entry_id\":6"), "{}", lines[1]);
    let forged = format!(
        "{}\n{}\n",
        lines[0],
        lines[1].replace("\"entry_id\":6", "\"entry_id\":4")
    );
    std::fs::write(dir.path().join("forged.txt"), forged).unwrap();
    let out = yingcai(
        dir.path(),
        &db,
        &["audit", "verify", "--checkpoints", "forged.txt"],
    );
    fails(&out, "checkpoint 2 (signed ");
    fails(
        &out,
        "entry 4): the signature does not verify: the checkpoint was altered or forged",
    );

    // A checkpoint made with a key that is not this site's.
    let other = AuditSigner::generate();
    std::fs::write(
        dir.path().join("other.pem"),
        other.public_key().to_pem().unwrap(),
    )
    .unwrap();
    let out = yingcai(
        dir.path(),
        &db,
        &[
            "audit",
            "verify",
            "--checkpoints",
            "copy.txt",
            "--public-key",
            "other.pem",
        ],
    );
    fails(&out, "checkpoint 1 (signed ");
    fails(&out, "signed with another key");
    store.close().await;
}

#[tokio::test]
async fn serve_writes_a_checkpoint_when_it_starts_its_jobs_and_when_it_stops() {
    let (db, store) = TestDatabase::from_env().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    keys_for(store.backend(), dir.path());
    accounts(&store, 0, 1).await;
    let mut server = command(dir.path(), &db, &["serve", "--port", "0"])
        // Only the run at start and the one at shutdown fall inside this test.
        .env("YINGCAI_AUDIT_CHECKPOINT_SECS", "3600")
        .spawn()
        .unwrap();
    let file = dir.path().join("data/audit-checkpoints.txt");
    let started = Instant::now();
    // The first run of the jobs may add entries of its own (publishing the built-in policy
    // pack), before or after this checkpoint.
    while !std::fs::read_to_string(&file).is_ok_and(|t| t.ends_with('\n')) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no checkpoint from serve"
        );
        assert!(server.try_wait().unwrap().is_none(), "serve stopped");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    accounts(&store, 1, 3).await;
    let signal = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(signal.success());
    let out = server.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines = checkpoint_lines(dir.path());
    assert!(lines.len() >= 2, "{lines:?}");
    let head = store.verify_audit(&[]).await.unwrap();
    assert!(head.entry_id >= 3);
    assert!(
        lines[lines.len() - 1].contains(&format!("\"entry_id\":{},", head.entry_id)),
        "the last checkpoint signs the head serve left: {lines:?}"
    );
    let statuses = store.job_statuses().await.unwrap();
    let checkpoint = statuses
        .iter()
        .find(|s| s.job == "audit-checkpoint")
        .unwrap();
    assert!(checkpoint.last_success_at.is_some() && checkpoint.last_error.is_none());
    assert_eq!(
        statuses.iter().map(|s| s.job.as_str()).collect::<Vec<_>>(),
        [
            "audit-checkpoint",
            "case-clocks",
            "cleanup",
            "entitlements",
            "housing",
            "open-bids"
        ]
    );
    let out = yingcai(dir.path(), &db, &["audit", "verify"]);
    ok(&out, "every one still in the log unchanged");
    store.close().await;
}
