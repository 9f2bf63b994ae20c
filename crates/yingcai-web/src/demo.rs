//! Demo data for `serve --demo`: a few hundred realistic, deterministic talent records (so
//! every page has something to show) and one record waiting in the officers' queue.

use yingcai_domain::{TalentInput, TalentProfile};
use yingcai_store::{Actor, ImportRow, Store};

use crate::AppError;

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
    "秀英", "华", "慧", "建国", "晓东",
];
const EMPLOYERS: [(&str, &str); 3] = [
    ("雄安智芯科技有限公司", "91350100M000100Y43"),
    ("河北华北制药研究院", "91110000802100433B"),
    ("石家庄新材料产业园发展有限公司", "91350100M000100Y43"),
];

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
pub fn talents(count: usize, honors: &[String], today: jiff::civil::Date) -> Vec<TalentProfile> {
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
        let (employer, code) = EMPLOYERS[rng.below(3) as usize];
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
            employer_name: employer.into(),
            employer_credit_code: code.into(),
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

/// Seeds the registry once (when it is empty).
pub async fn seed_registry(
    store: &Store,
    honors: &[String],
    today: jiff::civil::Date,
) -> Result<usize, AppError> {
    if store.count_talents().await? > 0 {
        return Ok(0);
    }
    let rows: Vec<ImportRow> = talents(300, honors, today)
        .into_iter()
        .enumerate()
        .map(|(i, p)| (i + 1, Some(i as i64 + 1), p))
        .collect();
    match store
        .import_talents(&rows, "demo data", &Actor::System, &|_| {})
        .await?
    {
        Ok(summary) => Ok(summary.imported),
        // Another server seeded at the same moment.
        Err(_) => Ok(0),
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
    let _ = store.submit(id, talent).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_talents_are_valid_varied_and_repeatable() {
        let honors: Vec<String> = crate::WebSettings::default().honors;
        let today = jiff::civil::Date::new(2026, 11, 29).unwrap();
        let first = super::talents(300, &honors, today);
        assert!(first.len() > 280, "only {} valid", first.len());
        assert_eq!(first, super::talents(300, &honors, today));
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
