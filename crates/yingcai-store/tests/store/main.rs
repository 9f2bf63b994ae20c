//! The storage story: one suite, run on SQLite always and on PostgreSQL when
//! `TEST_DATABASE_URL` is set (each test in its own fresh database).
//!
//! New storage features get a test here; write it once with `for_each_backend`.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

mod accounts;
mod audit;
mod bids;
mod enterprises;
mod housing;
mod notifications;
mod operations;
mod payments;
mod registry;
mod schema;
mod sealing;
mod submissions;

use std::future::Future;

use yingcai_store::Store;
use yingcai_store::testing::TestDatabase;

/// Runs `story` against a fresh database on every configured backend.
pub async fn for_each_backend<F, Fut>(story: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in TestDatabase::backends() {
        let (db, store) = TestDatabase::create(backend).await.expect("test database");
        story(store.clone()).await;
        store.close().await;
        drop(db);
    }
}
