//! Comparing two compiled packs (a reform against its baseline), rule by rule.

use crate::pack::CompiledPack;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use yingcai_domain::Fen;

/// One difference between two packs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PackChange {
    /// Where, e.g. `parameters[rent_allowance].values[2017-01-01]`.
    pub path: String,
    /// Value in the first pack (`None`: added by the second).
    pub before: Option<String>,
    /// Value in the second pack (`None`: removed by the second).
    pub after: Option<String>,
}

/// All differences, sorted by path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PackDiff {
    /// The changes.
    pub changes: Vec<PackChange>,
}

impl fmt::Display for PackDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.changes {
            match (&c.before, &c.after) {
                (Some(b), Some(a)) => writeln!(f, "~ {}: {b} -> {a}", c.path)?,
                (None, Some(a)) => writeln!(f, "+ {}: {a}", c.path)?,
                (Some(b), None) => writeln!(f, "- {}: {b}", c.path)?,
                (None, None) => {}
            }
        }
        Ok(())
    }
}

/// Differences from `a` to `b`: every rule, condition text, window, exclusion, dated
/// amount and reference is compared by its id (dated values by their start date).
pub fn compare_packs(a: &CompiledPack, b: &CompiledPack) -> PackDiff {
    let (fa, fb) = (flatten(a), flatten(b));
    let mut changes = Vec::new();
    for k in fa.keys().chain(fb.keys().filter(|k| !fa.contains_key(*k))) {
        let (x, y) = (fa.get(k), fb.get(k));
        if x != y {
            changes.push(PackChange {
                path: k.clone(),
                before: x.cloned(),
                after: y.cloned(),
            });
        }
    }
    changes.sort_by(|x, y| x.path.cmp(&y.path));
    PackDiff { changes }
}

fn flatten(p: &CompiledPack) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let mut put = |k: String, v: String| {
        m.insert(k, v);
    };
    let text = |t: &crate::Text| format!("{} / {}", t.zh, t.en);
    let r = |r: &crate::LegalRef| format!("{} {}", r.document_id, r.article);
    put("pack.id".into(), p.info.id.clone());
    put("pack.version".into(), p.info.version.clone());
    put("pack.effective".into(), p.info.effective.to_string());
    put("pack.label".into(), text(&p.info.label));
    put("vocabulary.honors".into(), p.honors.join(", "));
    for (id, (d, date, issuer)) in &p.documents {
        put(format!("documents[{id}].title"), text(&d.document));
        put(
            format!("documents[{id}].url"),
            d.url.clone().unwrap_or_default(),
        );
        put(
            format!("documents[{id}].date"),
            date.clone().unwrap_or_default(),
        );
        put(
            format!("documents[{id}].issuer"),
            issuer.as_ref().map(text).unwrap_or_default(),
        );
    }
    for (i, c) in p.cards.iter().enumerate() {
        let k = format!("cards[{}]", c.tier);
        put(format!("{k}.order"), (i + 1).to_string());
        put(format!("{k}.label"), text(&c.label));
        put(format!("{k}.reference"), r(&c.reference));
        for q in &c.criteria {
            put(format!("{k}.criteria[{}]", q.id), q.source.clone());
        }
        let services: Vec<&str> = c.services.iter().map(|s| s.id.as_str()).collect();
        put(format!("{k}.services"), services.join(", "));
    }
    for b in &p.benefits {
        let k = format!("benefits[{}]", b.id);
        put(format!("{k}.kind"), format!("{:?}", b.kind));
        put(format!("{k}.label"), text(&b.label));
        put(format!("{k}.reference"), r(&b.reference));
        put(format!("{k}.amount"), p.params[b.param].id.clone());
        if let Some(w) = &b.window {
            put(
                format!("{k}.window"),
                format!("{} + {} months", w.start_name, w.months),
            );
        }
        if let Some((_, v)) = &b.paid_in {
            put(format!("{k}.paid_in"), v.clone());
        }
        for q in &b.conditions {
            put(format!("{k}.conditions[{}]", q.id), q.source.clone());
        }
    }
    for e in &p.exclusions {
        let k = format!("exclusions[{}]", e.id);
        let names = |v: &[usize]| {
            v.iter()
                .map(|&i| p.benefits[i].id.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        put(format!("{k}.excludes"), names(&e.excludes));
        put(format!("{k}.by"), names(&e.by));
        put(
            format!("{k}.when"),
            e.when
                .as_ref()
                .map(|w| w.source.clone())
                .unwrap_or_default(),
        );
        put(format!("{k}.reference"), r(&e.reference));
    }
    for q in &p.params {
        let k = format!("parameters[{}]", q.id);
        put(format!("{k}.by"), q.by_name.clone().unwrap_or_default());
        put(format!("{k}.reference"), r(&q.reference));
        for v in &q.values {
            let amounts: Vec<String> = q
                .keys
                .iter()
                .zip(&v.amounts)
                .map(|(key, a)| {
                    if key.is_empty() {
                        Fen(*a).yuan_grouped()
                    } else {
                        format!("{key}={}", Fen(*a).yuan_grouped())
                    }
                })
                .collect();
            let until = v.until.map_or("open".to_string(), |u| format!("until {u}"));
            put(
                format!("{k}.values[{}]", v.from),
                format!("{until}; {}", amounts.join(", ")),
            );
        }
    }
    m
}
