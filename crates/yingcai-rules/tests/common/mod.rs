#![allow(dead_code)]
//! Shared helpers: the default pack, a tiny deterministic population generator, and an
//! independent re-statement of the talents.md rules with tunable amounts.

use yingcai_rules::CompiledPack;
use yingcai_rules::person::{Degree, Housing, Person};
use yingcai_rules::time::{Date, Month};

pub const DEFAULT_PACK: &str = include_str!("../../packs/shijiazhuang-green-card/pack.toml");
pub const REFORM_PACK: &str = include_str!("../../packs/examples/reform-rent-72-months/pack.toml");

pub fn default_pack() -> CompiledPack {
    CompiledPack::load("pack.toml", DEFAULT_PACK).expect("default pack loads")
}

pub fn month(s: &str) -> Month {
    s.parse().unwrap()
}

/// A small xorshift generator: deterministic, no dependency.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub fn date_from_index(days: u64) -> Date {
    // months from 2015-01, day 1..=28: enough variety, always valid
    let m = Month::from_index(2015 * 12 + (days / 28) as i64).unwrap();
    Date::new(m.year(), m.month(), (days % 28) as i8 + 1).unwrap()
}

pub fn random_person(r: &mut Rng, id: u64) -> Person {
    let arrival = 4 * 12 * 28 + r.below(8 * 12 * 28); // 2019..2027
    let housing = Housing::ALL[r.below(4) as usize];
    let purchase =
        (r.below(3) == 0).then(|| date_from_index(arrival.saturating_sub(730) + r.below(1500)));
    Person {
        id,
        birth_date: Date::new(
            1960 + r.below(44) as i16,
            1 + r.below(12) as i8,
            1 + r.below(28) as i8,
        )
        .unwrap(),
        degree: Degree::ALL[r.below(4) as usize],
        honors: if r.below(10) == 0 {
            1 + r.below(3) as u8
        } else {
            0
        },
        arrival_date: date_from_index(arrival),
        employed_in_city: r.below(10) != 0,
        housing,
        home_purchase_date: purchase,
        social_insurance_months: r.below(121) as u16,
    }
}

pub fn to_csv(pack: &CompiledPack, persons: &[Person]) -> String {
    let mut s = String::from(yingcai_rules::HEADER);
    s.push('\n');
    for p in persons {
        let honors = match p.honors {
            0 => "",
            i => pack.honors()[i as usize - 1].as_str(),
        };
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            p.id,
            p.birth_date,
            p.degree.as_str(),
            honors,
            p.arrival_date,
            p.employed_in_city,
            p.housing.as_str(),
            p.home_purchase_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            p.social_insurance_months
        ));
    }
    s
}

/// talents.md, restated directly (not through any pack): yuan amounts per degree
/// (none, bachelor, master, phd) and the housing values that qualify for rent.
pub struct Rules {
    pub rent: [i64; 4],
    pub buy: [i64; 4],
    pub rent_housing: Vec<Housing>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            rent: [0, 1000, 1500, 3000],
            buy: [0, 50000, 100000, 300000],
            rent_housing: vec![Housing::None, Housing::Rent],
        }
    }
}

impl Rules {
    pub fn card(&self, p: &Person) -> Option<&'static str> {
        if p.honors != 0 && p.employed_in_city {
            Some("A")
        } else if p.degree != Degree::None && p.employed_in_city {
            Some("B")
        } else {
            None
        }
    }
    /// (rent fen, purchase fen) in month m (purchases from 2019 on: 300,000 for a PhD).
    pub fn amounts(&self, p: &Person, m: Month) -> (i64, i64) {
        if self.card(p).is_none() {
            return (0, 0);
        }
        let a = p.arrival_month().index();
        let pm = p.purchase_month().map(|x| x.index());
        let k = m.index() - a;
        let rent = if self.rent_housing.contains(&p.housing)
            && (0..60).contains(&k)
            && pm.is_none_or(|x| x > m.index())
        {
            self.rent[p.degree as usize] * 100
        } else {
            0
        };
        let buy = match pm {
            Some(x) if x == m.index() && (0..60).contains(&(x - a)) => {
                self.buy[p.degree as usize] * 100
            }
            _ => 0,
        };
        (rent, buy)
    }
}

pub fn population(seed: u64, n: usize) -> Vec<Person> {
    let mut r = Rng(seed);
    (1..=n as u64).map(|id| random_person(&mut r, id)).collect()
}
