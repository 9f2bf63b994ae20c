//! Payment runs survive being killed and being run twice at once: real processes of the
//! `yingcai` binary on one database (PostgreSQL when TEST_DATABASE_URL is set, as in CI;
//! SQLite otherwise), killed with SIGKILL at pseudo-random moments.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use yingcai_store::Store;
use yingcai_store::testing::TestDatabase;

const ENTITLEMENTS: usize = 100_000;
const AMOUNT: i64 = 300_000;

fn start_run(db: &TestDatabase, dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_yingcai"))
        .args([
            "--database-url",
            db.url().expose(),
            "payments",
            "run",
            "--month",
            "2026-12",
        ])
        .current_dir(dir)
        // Any 32-byte key: payment runs never open sealed fields, but PostgreSQL needs one.
        .env(
            "YINGCAI_FIELD_KEY",
            "a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0=",
        )
        .env_remove("YINGCAI_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

async fn assert_exactly_once(store: &Store, complete: bool) -> i64 {
    store.wait_for_other_sessions().await.unwrap();
    assert_eq!(
        store.duplicate_payment_lines().await.unwrap(),
        0,
        "a line written twice"
    );
    let report = store.check_ledger().await.unwrap();
    assert!(report.is_sound(), "{report:?}");
    let run = store.payment_run("2026-12".parse().unwrap()).await.unwrap();
    let (lines, total) = match run {
        Some(run) => store.payment_run_totals(&run).await.unwrap(),
        None => (0, 0),
    };
    assert_eq!(total, lines * AMOUNT, "every line is one month's amount");
    // Every line has exactly one accrual of two entries.
    assert_eq!(report.transactions, lines);
    assert_eq!(report.entries, 2 * lines);
    if complete {
        assert_eq!(lines, ENTITLEMENTS as i64, "no line missing");
    }
    lines
}

/// A small deterministic generator: the kill moments differ between runs of the loop but
/// a failure can be reproduced from the printed seed.
fn next(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *seed >> 33
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_killed_at_random_moments_and_rerun_pays_every_line_exactly_once() {
    let (db, store) = TestDatabase::from_env().await.unwrap();
    store
        .seed_payable_entitlements(ENTITLEMENTS, "2026-12", "2031-11", AMOUNT)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    println!("kill seed {seed}");

    // How long a whole run takes here sets the range of kill moments.
    let mut killed_midway = 0;
    let mut last = 0;
    for attempt in 0..5 {
        let mut child = start_run(&db, dir.path());
        let wait = Duration::from_millis(300 + next(&mut seed) % 2_500);
        let started = Instant::now();
        while started.elapsed() < wait {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            child.kill().unwrap(); // SIGKILL on Unix
            child.wait().unwrap();
            killed_midway += 1;
        }
        let lines = assert_exactly_once(&store, finished).await;
        println!("attempt {attempt}: killed after {wait:?}: {lines} lines so far");
        assert!(lines >= last, "lines never disappear");
        last = lines;
        if finished {
            break;
        }
    }
    assert!(
        killed_midway > 0,
        "no kill landed during a run; the runs are too fast for this test"
    );

    let out = start_run(&db, dir.path()).wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_exactly_once(&store, true).await;
    // And once more: a complete run re-run writes nothing.
    let out = start_run(&db, dir.path()).wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(" 0 lines written now"), "{text}");
    assert_exactly_once(&store, true).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_runs_at_once_write_every_line_exactly_once() {
    let (db, store) = TestDatabase::from_env().await.unwrap();
    store
        .seed_payable_entitlements(ENTITLEMENTS, "2026-12", "2031-11", AMOUNT)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let first = start_run(&db, dir.path());
    let second = start_run(&db, dir.path());
    for child in [first, second] {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_exactly_once(&store, true).await;
}
