//! Runs an apartment round of N applicants over M complexes (80 units each, five ranked
//! complexes per applicant), for the round benchmark:
//!
//! ```sh
//! cargo run --release -p yingcai-services --example bench_round -- sqlite:///tmp/round.sqlite 40000 400
//! ```
//!
//! Seeds a fresh database (talents with cards, complexes, units, ballots) with bulk SQL,
//! then times `yingcai_services::housing::run_round`: eligibility, instance, allocation,
//! published files, outcomes and offers.

use yingcai_store::{Actor, DatabaseUrl, NewRound, Store};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: bench_round URL APPLICANTS COMPLEXES"))?;
    let applicants: usize = args.next().unwrap_or_else(|| "40000".into()).parse()?;
    let complexes: i64 = args.next().unwrap_or_else(|| "400".into()).parse()?;
    let store = Store::connect(
        &DatabaseUrl::parse(&url)?,
        yingcai_store::testing::test_cipher(),
    )
    .await?;
    store.migrate().await?;
    let started = std::time::Instant::now();
    store
        .seed_payable_entitlements(applicants, "2026-12", "2031-11", 100_000)
        .await?;
    store.make_seeded_talents_readable().await?;
    for sql in [
        format!(
            "insert into complex (code, name, district, address, operator, created_at, updated_at)
             with recursive n(i) as (select 1 union all select i + 1 from n where i < {complexes})
             select 'C' || i, 'Complex ' || i, '长安区', 'Road ' || i, 'Operator', 0, 0 from n"
        ),
        "insert into unit_type (complex_id, name, area_centi_m2, bedrooms, rent_fen)
         select complex_id, 'Two rooms', 7550, 2, 150000 from complex"
            .to_owned(),
        "insert into unit (complex_id, unit_type_id, number, status, updated_at)
         with recursive n(i) as (select 1 union all select i + 1 from n where i < 80)
         select t.complex_id, t.unit_type_id, 'U' || n.i, 'free', 0 from unit_type t, n"
            .to_owned(),
        "insert into card (number, talent_id, tier, valid_from, valid_until, status, policy_version_id, issued_at)
         select 'N' || talent_id, talent_id, case when talent_id % 10 = 0 then 'A' else 'B' end,
                '2026-01-01', '2099-12-31', 'active', (select max(policy_version_id) from policy_version), 0
           from talent"
            .to_owned(),
    ] {
        store.execute_unchecked(&sql).await?;
    }
    let unit_types: Vec<i64> = store
        .all_unit_types()
        .await?
        .iter()
        .map(|(_, t)| t.unit_type_id)
        .collect();
    let round_id = store
        .open_round(
            &NewRound {
                name: "Benchmark",
                deadline_at: 1,
                seed: "00ff",
                requirements: &[
                    "card".to_owned(),
                    "no_home".to_owned(),
                    "employed".to_owned(),
                ],
                priority_rules: &yingcai_housing::PriorityRules::default().to_toml(),
                offer_rules: &yingcai_housing::OfferRules::default().to_toml(),
                lease_rules: &yingcai_housing::LeaseRules::default().to_toml(),
                unit_types: &unit_types,
            },
            &Actor::System,
        )
        .await?;
    // Five distinct complexes per ballot (37·k apart), starting all over the list.
    let choice = |k: i64| {
        format!(
            "'C' || (((talent_id * 7) % {complexes} + {}) % {complexes} + 1)",
            37 * k
        )
    };
    store
        .execute_unchecked(&format!(
            "insert into application (round_id, talent_id, pseudonym, ranking, created_at, updated_at)
             select {round_id}, talent_id, 'a' || talent_id,
                    {} || ',' || {} || ',' || {} || ',' || {} || ',' || {},
                    talent_id, talent_id
               from talent",
            choice(0),
            choice(1),
            choice(2),
            choice(3),
            choice(4),
        ))
        .await?;
    println!(
        "seeded {applicants} applicants, {complexes} complexes in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let round = store.round(round_id).await?;
    let started = std::time::Instant::now();
    // A fixed calendar would refuse a run whose offers are due past its last year; the
    // benchmark times the allocation, so every year from now on counts weekdays only.
    let calendar = bench_calendar();
    let summary =
        yingcai_services::housing::run_round(&store, &round, &calendar, &Actor::System).await;
    println!(
        "round run in {:.2} s: {:?}",
        started.elapsed().as_secs_f64(),
        summary.map_err(|e| e.to_string())
    );
    Ok(())
}

/// The built-in calendar with this year and the next added as weekdays only when missing.
fn bench_calendar() -> yingcai_worktime::WorkCalendar {
    let builtin = yingcai_worktime::WorkCalendar::builtin();
    let mut years = builtin.years().to_vec();
    let this_year = jiff::Zoned::now().year();
    for year in [this_year, this_year + 1] {
        if !builtin.covers(year) {
            years.push(yingcai_worktime::YearCalendar {
                year,
                holidays: Vec::new(),
            });
        }
    }
    yingcai_worktime::WorkCalendar::new(years, builtin.hours().clone()).unwrap_or(builtin)
}
