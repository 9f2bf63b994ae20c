//! Seeds a database with service teams and N cases over 2025–2026, for the case desk's
//! scale benchmark (a team's ledger page and its monthly figures at 1,000,000 cases):
//!
//! ```sh
//! cargo run --release -p yingcai-services --example seed_cases -- \
//!     postgres://postgres@127.0.0.1:5432/cases 1000000 10
//! ```
//!
//! Makes TEAMS teams (one officer each, `officer-<n>@bench.yingcai.cn`, password
//! `bench-password-2026`), then the cases in batches of multi-row inserts: deterministic,
//! spread evenly over the 24 months, a third of them still open, most resolved ones rated.
//! Cases carry their stored clock figures (working minutes spent) as the platform writes
//! them; no history or audit entries (the ledger and the figures do not read them).

use yingcai_store::{Actor, DatabaseUrl, Store, TeamInput};

const BATCH: usize = 1_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: seed_cases URL CASES TEAMS"))?;
    let cases: usize = args.next().unwrap_or_else(|| "1000000".into()).parse()?;
    let teams: usize = args.next().unwrap_or_else(|| "10".into()).parse()?;
    let store = Store::connect(
        &DatabaseUrl::parse(&url)?,
        yingcai_store::testing::test_cipher(),
    )
    .await?;
    store.migrate().await?;
    let started = std::time::Instant::now();
    let industries = [
        "next_gen_it",
        "life_sciences",
        "new_materials",
        "modern_services",
        "green_agriculture",
    ];
    let hash = yingcai_services::security::hash_password("bench-password-2026".into()).await?;
    let mut team_ids = Vec::new();
    let mut requester = 0;
    for t in 0..teams {
        let email = format!("officer-{t}@bench.yingcai.cn");
        let officer = store
            .create_account(
                &yingcai_store::NewAccount {
                    email: yingcai_domain::Email::parse(&email)?,
                    display_name: yingcai_domain::DisplayName::parse(
                        "display_name",
                        &format!("Officer {t}"),
                    )?,
                    phone: None,
                    password_hash: hash.clone(),
                    roles: yingcai_domain::RoleSet::new(vec![yingcai_domain::Role::Officer])
                        .ok_or_else(|| anyhow::anyhow!("roles"))?,
                    locale: yingcai_domain::Locale::ZhCn,
                    must_change_password: false,
                },
                &Actor::Cli,
            )
            .await?;
        requester = officer;
        team_ids.push(
            store
                .save_service_team(
                    None,
                    &TeamInput {
                        name: format!("Bench team {t}"),
                        leader_account_id: Some(officer),
                        industries: vec![industries[t % industries.len()].to_owned()],
                        districts: vec![],
                        members: vec![officer],
                    },
                    &Actor::Cli,
                )
                .await?,
        );
    }
    // 2025-01-01T00:00+08:00 to 2026-12-01: cases opened evenly over 23 months, during
    // the working day.
    let start_ms: i64 = 1_735_660_800_000;
    let span_ms: i64 = 700 * 86_400_000;
    let categories = [
        "recruitment",
        "talent_policy",
        "housing",
        "schooling",
        "spouse_employment",
        "permits",
        "funding",
        "other",
    ];
    let statuses = [
        "resolved",
        "closed",
        "closed",
        "resolved",
        "in_progress",
        "closed",
        "waiting_requester",
        "closed",
        "resolved",
        "new",
    ];
    let mut done = 0;
    while done < cases {
        let n = BATCH.min(cases - done);
        let mut sql = String::from(
            "insert into service_case (team_id, requester_account_id, category, title, description, status, opened_at, first_response_at, resolved_at, closed_at, response_target, resolution_target, response_spent, resolution_spent, reopen_count, rating, updated_at) values ",
        );
        for k in 0..n {
            let i = (done + k) as i64;
            let team = team_ids[(i as usize) % team_ids.len()];
            let day = (i * 7_919) % 700;
            let opened = start_ms
                + (i * span_ms / cases as i64) / 86_400_000 * 86_400_000
                + 3_600_000 * (1 + (i % 8))
                + (day % 60) * 60_000;
            // Independent of the team (which is `i % teams`).
            let status = statuses[((i / team_ids.len() as i64) % 10) as usize];
            let resolved = matches!(status, "resolved" | "closed");
            let responded = status != "new";
            let response_spent = (i * 131) % 600;
            let resolution_spent = (i * 104_729) % 7_000;
            let first_response = opened + response_spent * 60_000 * 3;
            let resolved_at = opened + resolution_spent * 60_000 * 3;
            let rating = if resolved && i % 4 != 0 {
                ((i * 37) % 5 + 1)
                    .max(if i % 3 == 0 { 4 } else { 1 })
                    .to_string()
            } else {
                "null".into()
            };
            if k > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "({team}, {requester}, '{category}', 'Case {i}', 'Bench case number {i}', '{status}', {opened}, {first}, {resolved_at}, {closed}, 420, 4200, {rspent}, {sspent}, {reopen}, {rating}, {opened})",
                category = categories[(i as usize) % categories.len()],
                first = if responded { first_response.to_string() } else { "null".into() },
                resolved_at = if resolved { resolved_at.to_string() } else { "null".into() },
                closed = if status == "closed" { resolved_at.to_string() } else { "null".into() },
                rspent = if responded { response_spent.to_string() } else { "null".into() },
                sspent = if resolved { resolution_spent.to_string() } else { "null".into() },
                reopen = i64::from(i % 23 == 0),
            ));
        }
        store.execute_unchecked(&sql).await?;
        done += n;
        if done % 100_000 == 0 {
            eprintln!("{done} cases, {:.1} s", started.elapsed().as_secs_f64());
        }
    }
    // What autovacuum does after a bulk load on PostgreSQL (statistics, and the visibility
    // map that lets the figures be counted from indexes alone); SQLite takes `analyze`.
    if store.execute_unchecked("vacuum analyze").await.is_err() {
        store.execute_unchecked("analyze").await?;
    }
    println!(
        "seeded {teams} teams and {cases} cases in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
