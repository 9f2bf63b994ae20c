//! Seeds a database with N talents holding one confirmed rent allowance each, for the
//! payment-run benchmark:
//!
//! ```sh
//! cargo run --release -p yingcai-store --features testing --example seed_payments -- sqlite://bench.sqlite 1000000
//! YINGCAI_FIELD_KEY=… target/release/yingcai --database-url sqlite://bench.sqlite payments run --month 2026-12
//! ```

use yingcai_store::{DatabaseUrl, Store};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: seed_payments URL COUNT"))?;
    let count: usize = args.next().unwrap_or_else(|| "1000000".into()).parse()?;
    let store = Store::connect(
        &DatabaseUrl::parse(&url)?,
        yingcai_store::testing::test_cipher(),
    )
    .await?;
    store.migrate().await?;
    let started = std::time::Instant::now();
    let (lo, hi) = store
        .seed_payable_entitlements(count, "2026-12", "2031-11", 300_000)
        .await?;
    println!(
        "seeded talents {lo}..={hi} with confirmed entitlements in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
