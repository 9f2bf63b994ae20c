//! Demo data for `serve --demo`: a few hundred realistic, deterministic talent records (so
//! every page has something to show) and one record waiting in the officers' queue.

use yingcai_domain::{TalentInput, TalentProfile};
use yingcai_store::{Actor, ImportRow, Store};

use crate::AppError;

mod bids;
mod competitions;
mod desk;

pub use bids::{BidsSeeded, seed_bids};
pub use competitions::seed_competitions;
pub use desk::{DEMO_CASES, DeskSeeded, seed_service_desk};

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
    "秀英", "华", "慧", "建国", "晓东",
];
/// Name stems per industry (the catalogue's order), for demo enterprises.
const ENTERPRISE_NAMES: [&[&str]; 5] = [
    &[
        "雄安智芯科技",
        "冀云数据",
        "燕赵量子通信",
        "太行软件",
        "京津冀算力",
        "正定智能装备",
        "滹沱网络安全",
    ],
    &[
        "华北制药研究",
        "石药生物",
        "以岭医药科技",
        "冀康基因",
        "中科细胞工程",
        "太行疫苗",
    ],
    &[
        "新材料产业园发展",
        "冀中碳纤维",
        "中钢新型材料",
        "燕山石墨烯",
        "华药新材料",
        "石家庄特种陶瓷",
        "雄安膜材料",
    ],
    &[
        "京畿金融服务",
        "冀商法律咨询",
        "雄安设计研究",
        "正定会展服务",
        "燕赵人力资源",
        "太行知识产权",
    ],
    &[
        "冀南生态农业",
        "滹沱河种业",
        "太行山有机农场",
        "燕赵智慧农业",
        "藁城蔬菜科技",
    ],
];

/// A valid unified social credit code for a demo enterprise: "91" (enterprise, industry and
/// commerce), a Shijiazhuang region, a serial, and the GB 32100 check character.
pub fn credit_code(serial: u32) -> String {
    const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let body = format!("91130102{serial:09}");
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| {
            ALPHABET
                .iter()
                .position(|a| *a == b)
                .map_or(0, |p| p as u32)
                * w
        })
        .sum();
    format!(
        "{body}{}",
        ALPHABET[((31 - sum % 31) % 31) as usize] as char
    )
}

/// Dozens of enterprises across the industries and districts: (name, code, industry, district).
pub fn enterprises(
    industries: &[String],
    districts: &[String],
) -> Vec<yingcai_domain::EnterpriseProfile> {
    let mut out = Vec::new();
    for (i, stems) in ENTERPRISE_NAMES.iter().enumerate() {
        let Some(industry) = industries.get(i).or(industries.first()) else {
            break;
        };
        for (j, stem) in stems.iter().enumerate() {
            let serial = (i * 100 + j + 1) as u32;
            let input = yingcai_domain::EnterpriseInput {
                name: format!("{stem}有限公司"),
                credit_code: credit_code(serial),
                industry: industry.clone(),
                district: districts
                    .get((i + j) % districts.len().max(1))
                    .cloned()
                    .unwrap_or_default(),
                contact_name: "联络员".into(),
                contact_phone: format!("0311 8{serial:03} 6{j:03}"),
                contact_email: String::new(),
            };
            if let Ok(profile) = input.parse(industries, districts) {
                out.push(profile);
            }
        }
    }
    out
}

/// A small deterministic generator (xorshift), so demo data is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn resident_id(region: &str, birth: &str, sequence: u64) -> String {
    let body = format!("{region}{}{:03}", birth.replace('-', ""), sequence % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(weights)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// `count` talents with mixed degrees, honours, housing and arrival dates.
pub fn talents(
    count: usize,
    honors: &[String],
    employers: &[yingcai_domain::EnterpriseProfile],
    today: jiff::civil::Date,
) -> Vec<TalentProfile> {
    let mut rng = Rng(0x5eed_cafe_f00d);
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let birth = format!(
            "{}-{:02}-{:02}",
            1965 + rng.below(35),
            1 + rng.below(12),
            1 + rng.below(28)
        );
        let degree =
            ["none", "bachelor", "bachelor", "master", "master", "phd"][rng.below(6) as usize];
        let housing = ["none", "rent", "rent", "talent_apartment", "owns"][rng.below(5) as usize];
        let arrival = format!(
            "{}-{:02}-{:02}",
            2019 + rng.below(8),
            1 + rng.below(12),
            1 + rng.below(28)
        );
        let honor = match rng.below(40) {
            0 => honors.first().cloned().unwrap_or_default(),
            1 | 2 => honors.get(1).cloned().unwrap_or_default(),
            3..=5 => honors.get(2).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        let (employer, code) =
            match employers.get(rng.below(employers.len().max(1) as u64) as usize) {
                Some(e) => (e.name.clone(), e.credit_code.as_str().to_owned()),
                None => (String::new(), String::new()),
            };
        let input = TalentInput {
            name: format!(
                "{}{}",
                SURNAMES[rng.below(20) as usize],
                GIVEN[rng.below(20) as usize]
            ),
            resident_id: resident_id("130102", &birth, i as u64),
            birth_date: birth,
            degree: degree.into(),
            degree_year: String::new(),
            honors: honor,
            employer_name: employer,
            employer_credit_code: code,
            employed_in_city: if rng.below(20) == 0 {
                "false".into()
            } else {
                "true".into()
            },
            housing: housing.into(),
            home_purchase_date: if housing == "owns" {
                format!(
                    "{}-{:02}-15",
                    arrival[..4].parse::<u64>().unwrap_or(2020).min(2025) + rng.below(2),
                    1 + rng.below(12)
                )
            } else {
                String::new()
            },
            arrival_date: arrival,
            social_insurance_months: rng.below(96).to_string(),
            bank_account: format!("6222{:015}", rng.below(1_000_000_000_000_000)),
            ..TalentInput::default()
        };
        // Generated values are checked like any other input; a rare impossible combination
        // (a purchase after today) is simply skipped.
        if let Ok(profile) = input.parse(honors, today) {
            out.push(profile);
        }
    }
    out
}

/// Seeds the registry once (when it is empty): enterprises, the first owned by the demo
/// enterprise account, then talents employed by them.
pub async fn seed_registry(
    store: &Store,
    settings: &crate::WebSettings,
    enterprise_owner: Option<i64>,
    today: jiff::civil::Date,
) -> Result<usize, AppError> {
    if store.count_talents().await? > 0 {
        return Ok(0);
    }
    let employers = enterprises(&settings.industries, &settings.districts);
    if store.count_enterprises().await? == 0 {
        for (i, enterprise) in employers.iter().enumerate() {
            let owner = if i == 0 { enterprise_owner } else { None };
            match store
                .create_verified_enterprise(owner, enterprise, &Actor::System)
                .await
            {
                // Another server seeding at the same moment.
                Ok(_) | Err(yingcai_store::StoreError::Conflict { .. }) => {}
                Err(other) => return Err(other.into()),
            }
        }
    }
    let rows: Vec<ImportRow> = talents(300, &settings.honors, &employers, today)
        .into_iter()
        .enumerate()
        .map(|(i, p)| (i + 1, Some(i as i64 + 1), p))
        .collect();
    match store
        .import_talents(&rows, "demo data", &Actor::System, &|_| {})
        .await
    {
        Ok(summary) => Ok(summary.imported),
        // Another server seeded at the same moment.
        Err(yingcai_store::ImportConflict::Registered { .. }) => Ok(0),
        Err(yingcai_store::ImportConflict::Store(error)) => Err(error.into()),
    }
}

/// The demo talent's own record, submitted and waiting for an officer.
pub async fn seed_pending_submission(store: &Store, talent: &Actor) -> Result<(), AppError> {
    let Actor::Account { account_id, .. } = talent else {
        return Ok(());
    };
    if store.open_talent_submission(*account_id).await?.is_some()
        || store.talent_of_owner(*account_id).await?.is_some()
    {
        return Ok(());
    }
    let input = TalentInput {
        name: "王博士".into(),
        resident_id: "130102198806120049".into(),
        degree: "phd".into(),
        degree_institution: "清华大学".into(),
        degree_year: "2016".into(),
        employer_name: "雄安智芯科技有限公司".into(),
        employer_credit_code: "91350100M000100Y43".into(),
        arrival_date: "2025-07-01".into(),
        employed_in_city: "true".into(),
        housing: "rent".into(),
        social_insurance_months: "16".into(),
        bank_account: "6222021234567890123".into(),
        phone: "13800138000".into(),
        ..TalentInput::default()
    };
    let id = store.save_talent_draft(talent, &input, "长安区").await?;
    match store.submit(id, talent).await {
        // Already submitted (another server seeded it): nothing to do.
        Ok(()) | Err(yingcai_store::SubmissionError::WrongState { .. }) => {}
        Err(yingcai_store::SubmissionError::Store(error)) => return Err(error.into()),
    }
    Ok(())
}

/// Green cards for the first `count` demo talents who qualify, issued as the system (once:
/// nothing happens when any card exists), and entitlements for the whole demo registry.
/// Returns a card-check address with one card's token, to try `/verify`.
pub async fn seed_cards(state: &crate::AppState, count: usize) -> Result<Option<String>, AppError> {
    let set = crate::policy::policy_set(state).await?;
    yingcai_services::policy::sweep(
        state.store(),
        state.policies(),
        yingcai_services::policy::today(),
        false,
    )
    .await
    .map_err(AppError::Internal)?;
    if state.store().count_cards().await? > 0 {
        return Ok(None);
    }
    let mut sample = None;
    let mut issued = 0;
    for talent in state.store().talents_after(0, 1_000).await? {
        if issued == count {
            break;
        }
        let card = match crate::policy::issue_card(state, &set, &talent, &Actor::System).await {
            Ok(card) => Some(card),
            Err(crate::policy::IssueCardError::Store(error)) => return Err(error.into()),
            Err(_) => None,
        };
        if let Some(card) = card {
            issued += 1;
            if sample.is_none() {
                let token = crate::policy::card_token(state, &set, &card, &talent.profile.name)?;
                sample = Some(format!(
                    "{}/verify?token={}",
                    state.settings().public_url.trim_end_matches('/'),
                    crate::error::form_urlencoded_component(&token)
                ));
            }
        }
    }
    Ok(sample)
}

/// A payment run for the demo: the first `count` proposed entitlements of talents with a
/// bank account confirmed (as each talent would with one click), and this month's run
/// computed by the system, waiting for an officer's approval (once: nothing happens when
/// any run exists).
pub async fn seed_payments(store: &Store, count: i64) -> Result<(), AppError> {
    if !store.payment_runs().await?.is_empty() {
        return Ok(());
    }
    let proposed = store
        .entitlements(&yingcai_store::EntitlementFilter {
            status: Some(yingcai_domain::status::EntitlementStatus::Proposed),
            limit: count,
            ..Default::default()
        })
        .await?;
    for entitlement in proposed {
        let talent = store.talent(entitlement.talent_id).await?;
        if let Some(bank) = &talent.profile.bank_account {
            store
                .confirm_entitlement(
                    entitlement.entitlement_id,
                    talent.talent_id,
                    &bank.masked(),
                    &Actor::System,
                )
                .await?;
        }
    }
    let month = yingcai_services::policy::clock_month(yingcai_services::policy::today());
    yingcai_services::payments::compute(store, month, &Actor::System).await?;
    Ok(())
}

/// Talent apartments for the demo: four complexes across the districts, two unit types
/// each, and a round open for ballots for two weeks (once: nothing happens when any
/// complex exists).
pub async fn seed_apartments(store: &Store) -> Result<(), AppError> {
    if !store.complexes().await?.is_empty() {
        return Ok(());
    }
    let system = Actor::System;
    let complexes = [
        ("YH-01", "裕华人才公寓", "裕华区", "槐安东路 88 号"),
        ("CA-01", "长安人才家园", "长安区", "中山东路 301 号"),
        ("QX-01", "桥西青年人才公寓", "桥西区", "新石北路 12 号"),
        ("XH-01", "新华人才公寓", "新华区", "和平西路 566 号"),
    ];
    for (i, (code, name, district, address)) in complexes.iter().enumerate() {
        let complex = store
            .create_complex(
                &yingcai_store::NewComplex {
                    code: (*code).into(),
                    name: (*name).into(),
                    district: (*district).into(),
                    address: (*address).into(),
                    operator: "石家庄市人才安居有限公司".into(),
                    ..Default::default()
                },
                &system,
            )
            .await?;
        for (kind, area, bedrooms, rent, floor) in [
            ("一室一厅", 4_500, 1, 90_000, 1),
            ("两室一厅", 7_550, 2, 150_000, 2),
        ] {
            let units = (1..=(6 + i as i64 * 2))
                .map(|n| yingcai_store::NewUnit {
                    number: format!("{floor}{n:02}"),
                    ..Default::default()
                })
                .collect();
            let added = store
                .add_unit_type(
                    complex,
                    &yingcai_store::NewUnitType {
                        name: kind.into(),
                        area_centi_m2: area,
                        bedrooms,
                        rent_fen: rent,
                        units,
                        ..Default::default()
                    },
                    &system,
                )
                .await;
            if let Err(conflict) = added {
                return Err(AppError::Internal(conflict.into()));
            }
        }
    }
    let unit_types: Vec<i64> = store
        .all_unit_types()
        .await?
        .iter()
        .map(|(_, t)| t.unit_type_id)
        .collect();
    store
        .open_round(
            &yingcai_store::NewRound {
                name: "2026 年冬季人才公寓配租",
                deadline_at: yingcai_store::now_ms() + 14 * 24 * 3_600_000,
                seed: &yingcai_services::housing::draw_seed(),
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
            &system,
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_talents_are_valid_varied_and_repeatable() {
        let honors: Vec<String> = crate::WebSettings::default().honors;
        let today = jiff::civil::Date::new(2026, 11, 29).unwrap();
        let settings = crate::WebSettings::default();
        let employers = super::enterprises(&settings.industries, &settings.districts);
        assert!(
            employers.len() >= 30,
            "dozens of enterprises: {}",
            employers.len()
        );
        let industries: std::collections::BTreeSet<_> =
            employers.iter().map(|e| e.industry.clone()).collect();
        assert_eq!(industries.len(), 5, "across every industry");
        let first = super::talents(300, &honors, &employers, today);
        assert!(first.len() > 280, "only {} valid", first.len());
        assert_eq!(first, super::talents(300, &honors, &employers, today));
        let degrees: std::collections::BTreeSet<_> = first.iter().map(|p| p.degree).collect();
        let housing: std::collections::BTreeSet<_> =
            first.iter().map(|p| p.housing.code()).collect();
        assert_eq!((degrees.len(), housing.len()), (4, 4));
        assert!(first.iter().any(|p| p.honors.is_some()));
        let ids: std::collections::BTreeSet<_> = first
            .iter()
            .map(|p| p.resident_id.expose().to_owned())
            .collect();
        assert_eq!(ids.len(), first.len(), "identity numbers unique");
    }
}
