//! Loading a pack file: parse (serde/TOML), check, compile conditions, order benefits.

use crate::compile::{Compiled, Scope, compile_condition};
use crate::cond::{Atom, EnumVar, IntVar, State};
use crate::person::{DEFAULT_HONORS, Degree, Facts, Housing};
use crate::spec::{self, PackFile, RefSpec, Text};
use crate::time::{Date, Month};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

/// What went wrong in a pack, for tests and tools that react to the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PackErrorKind {
    /// Not valid TOML.
    Syntax,
    /// A field the format does not have (a typo, usually).
    UnknownField,
    /// A required field is missing.
    MissingField,
    /// A value of the wrong type (e.g. a string for an amount, a float for fen).
    Type,
    /// A condition names a variable that does not exist.
    UnknownVariable,
    /// A condition is not boolean.
    NotBoolean,
    /// A condition fails to parse or type-check otherwise.
    Condition,
    /// Two dated values of one parameter overlap.
    Overlap,
    /// An id (or a dated value's start) is declared twice.
    Duplicate,
    /// Benefits depend on each other in a cycle.
    Cycle,
    /// A reference to a benefit, parameter, document or variable that does not exist.
    UnknownReference,
    /// A value out of its allowed range or format (dates, units, negative amounts…).
    Value,
}

/// A pack was refused on load. The message names the file, the line and the field.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PackError {
    /// Something in one file is wrong.
    #[error("{file}:{line}: {field}: {message}")]
    Invalid {
        /// The pack file's name as given to the loader.
        file: String,
        /// 1-based line.
        line: usize,
        /// Dotted path of the field, e.g. `benefits[rent_allowance].window.months`.
        field: String,
        /// Classification.
        kind: PackErrorKind,
        /// What is wrong.
        message: String,
    },
    /// The set of version files of one pack is inconsistent.
    #[error("pack versions: {0}")]
    Versions(String),
}

impl PackError {
    /// The kind, for `Invalid` errors.
    pub fn kind(&self) -> Option<PackErrorKind> {
        match self {
            PackError::Invalid { kind, .. } => Some(*kind),
            PackError::Versions(_) => None,
        }
    }
}

/// A legal reference, resolved against the pack's `[documents]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LegalRef {
    /// Document id in the pack.
    pub document_id: String,
    /// Document title.
    pub document: Text,
    /// Article / clause / paragraph in the document.
    pub article: String,
    /// Where to read it, if known.
    pub url: Option<String>,
    /// Why there is no URL or how reliable it is.
    pub url_note: Option<String>,
}

/// A green-channel service attached to a card tier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Service {
    /// Stable id.
    pub id: String,
    /// Chinese label.
    pub zh: String,
    /// English label.
    pub en: String,
}

/// Monthly (paid for every month it holds) or one-time (paid in one month).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BenefitKind {
    /// Paid for each month in which it holds.
    Monthly,
    /// Paid once, in the month named by `paid_in`.
    OneTime,
}

/// Pack identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PackInfo {
    /// Pack id, e.g. `shijiazhuang-green-card`.
    pub id: String,
    /// Version string.
    pub version: String,
    /// Date this version takes effect.
    pub effective: Date,
    /// Name.
    pub label: Text,
    /// The file it was loaded from.
    pub file: String,
    /// Notes on the version (provenance, caveats).
    pub notes: Option<Text>,
}

#[derive(Clone, Debug)]
pub(crate) struct Criterion {
    pub id: String,
    pub label: Text,
    pub source: String,
    pub compiled: Compiled,
}

#[derive(Clone, Debug)]
pub(crate) struct Card {
    pub tier: String,
    pub label: Text,
    pub reference: LegalRef,
    pub criteria: Vec<Criterion>,
    pub services: Vec<Service>,
}

#[derive(Clone, Debug)]
pub(crate) struct Window {
    pub start: IntVar,
    pub start_name: String,
    pub months: i64,
}

#[derive(Clone, Debug)]
pub(crate) struct Benefit {
    pub id: String,
    pub kind: BenefitKind,
    pub label: Text,
    pub reference: LegalRef,
    pub conditions: Vec<Criterion>,
    pub window: Option<Window>,
    pub paid_in: Option<(IntVar, String)>,
    pub param: usize,
    /// Exclusions that can refuse this benefit, in declaration order.
    pub exclusions: Vec<usize>,
}

#[derive(Clone, Debug)]
pub(crate) struct Exclusion {
    pub id: String,
    pub label: Text,
    pub reference: LegalRef,
    pub excludes: Vec<usize>,
    pub when: Option<Criterion>,
    pub by: Vec<usize>,
}

#[derive(Clone, Debug)]
pub(crate) struct ParamValue {
    pub from: Date,
    pub until: Option<Date>,
    /// In force for the months `from_month..=last_month` (open-ended without `until`).
    pub from_month: Month,
    pub last_month: Option<Month>,
    /// Fen, indexed by the key's ordinal (a single entry for scalar parameters).
    pub amounts: Vec<i64>,
    pub reference: Option<LegalRef>,
}

#[derive(Clone, Debug)]
pub(crate) struct Parameter {
    pub id: String,
    pub label: Text,
    pub reference: LegalRef,
    pub by: Option<EnumVar>,
    pub by_name: Option<String>,
    pub keys: Vec<String>,
    pub values: Vec<ParamValue>,
}

impl Parameter {
    #[inline]
    pub fn value_at(&self, m: i64) -> Option<&ParamValue> {
        self.values.iter().find(|v| {
            i64::from(v.from_month.index()) <= m
                && v.last_month.is_none_or(|l| m <= i64::from(l.index()))
        })
    }
}

/// A pack version checked and compiled for evaluation. Cheap to share (`&`) across threads.
#[derive(Clone, Debug)]
pub struct CompiledPack {
    pub(crate) info: PackInfo,
    pub(crate) honors: Vec<String>,
    pub(crate) cards: Vec<Card>,
    pub(crate) benefits: Vec<Benefit>,
    /// Evaluation order: a benefit after those it depends on.
    pub(crate) order: Vec<usize>,
    pub(crate) exclusions: Vec<Exclusion>,
    pub(crate) params: Vec<Parameter>,
    pub(crate) atoms: Vec<Atom>,
    /// Months at which some parameter value starts or stops (same for everyone).
    pub(crate) change_months: Vec<i64>,
    /// Document id → (reference without article, date, issuer), for diffs.
    pub(crate) documents: BTreeMap<String, (LegalRef, Option<String>, Option<Text>)>,
}

impl CompiledPack {
    /// Loads and compiles one pack version. `file` is only used in error messages.
    pub fn load(file: &str, source: &str) -> Result<CompiledPack, PackError> {
        Loader::new(file, source).load()
    }

    /// Pack identity (id, version, effective date).
    pub fn info(&self) -> &PackInfo {
        &self.info
    }
    /// The honours vocabulary; a person's `honors` index `i > 0` means `honors()[i - 1]`.
    pub fn honors(&self) -> &[String] {
        &self.honors
    }
    /// Card tier ids in tier order (first match wins).
    pub fn tiers(&self) -> impl Iterator<Item = &str> {
        self.cards.iter().map(|c| c.tier.as_str())
    }
    /// Benefit ids in declaration order (the order of amounts in a [`crate::Decision`]).
    pub fn benefit_ids(&self) -> impl Iterator<Item = &str> {
        self.benefits.iter().map(|b| b.id.as_str())
    }
    /// The green-channel services of a tier (none for an unknown tier).
    pub fn tier_services(&self, tier: &str) -> Vec<Service> {
        self.cards
            .iter()
            .find(|c| c.tier == tier)
            .map(|c| c.services.clone())
            .unwrap_or_default()
    }
    /// The name of a tier, e.g. "Talent green card, category A".
    pub fn tier_label(&self, tier: &str) -> Option<&Text> {
        self.cards.iter().find(|c| c.tier == tier).map(|c| &c.label)
    }
    /// The name of a benefit, e.g. "Rent allowance".
    pub fn benefit_label(&self, id: &str) -> Option<&Text> {
        self.benefits.iter().find(|b| b.id == id).map(|b| &b.label)
    }
    /// Kind of each benefit, in declaration order.
    pub fn benefit_kinds(&self) -> impl Iterator<Item = BenefitKind> + '_ {
        self.benefits.iter().map(|b| b.kind)
    }

    /// The tier index (1-based; 0 = no card) for this person in month `m`.
    #[inline]
    pub(crate) fn card_of(&self, f: &Facts, m: i64) -> u8 {
        let st = State {
            facts: f,
            month: m,
            card: 0,
            amounts: &[],
        };
        for (i, c) in self.cards.iter().enumerate() {
            if c.criteria.iter().all(|k| k.compiled.cond.eval(&st)) {
                return i as u8 + 1;
            }
        }
        0
    }

    /// Evaluates the card and every benefit (fen) into `amounts` (one per benefit, in
    /// declaration order). The hot path: no allocation, no hashing.
    #[inline]
    pub(crate) fn eval_into(&self, f: &Facts, m: i64, amounts: &mut [i64]) -> u8 {
        let card = self.card_of(f, m);
        for &b in &self.order {
            let v = self.benefit_amount(b, f, m, card, amounts);
            amounts[b] = v;
        }
        card
    }

    #[inline]
    fn benefit_amount(&self, b: usize, f: &Facts, m: i64, card: u8, amounts: &[i64]) -> i64 {
        let ben = &self.benefits[b];
        if let Some(w) = &ben.window {
            match w.start.get(f) {
                Some(s) if m >= s && m < s + w.months => {}
                _ => return 0,
            }
        }
        if let Some((v, _)) = ben.paid_in
            && v.get(f) != Some(m)
        {
            return 0;
        }
        let st = State {
            facts: f,
            month: m,
            card,
            amounts,
        };
        if !ben.conditions.iter().all(|c| c.compiled.cond.eval(&st)) {
            return 0;
        }
        if ben
            .exclusions
            .iter()
            .any(|&e| self.exclusion_applies(e, &st))
        {
            return 0;
        }
        let p = &self.params[ben.param];
        match p.value_at(m) {
            Some(v) => v.amounts[key_index(p.by, f, card)],
            None => 0,
        }
    }

    #[inline]
    pub(crate) fn exclusion_applies(&self, e: usize, st: &State<'_>) -> bool {
        let ex = &self.exclusions[e];
        let when = ex.when.as_ref().is_none_or(|c| c.compiled.cond.eval(st));
        let by = ex.by.is_empty() || ex.by.iter().any(|&b| st.amounts[b] != 0);
        when && by
    }
}

#[inline]
pub(crate) fn key_index(by: Option<EnumVar>, f: &Facts, card: u8) -> usize {
    match by {
        None => 0,
        Some(EnumVar::Degree) => f.degree as usize,
        Some(EnumVar::Housing) => f.housing as usize,
        Some(EnumVar::Honors) => f.honors as usize,
        Some(EnumVar::Card) => card as usize,
    }
}

struct Loader<'a> {
    file: &'a str,
    src: &'a str,
    line_starts: Vec<usize>,
}

type R<T> = Result<T, PackError>;

const MONTH_VARS: &[(&str, IntVar)] = &[
    ("arrival_month", IntVar::ArrivalMonth),
    ("purchase_month", IntVar::PurchaseMonth),
    ("birth_month", IntVar::BirthMonth),
];

impl<'a> Loader<'a> {
    fn new(file: &'a str, src: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        Loader {
            file,
            src,
            line_starts,
        }
    }

    fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset).max(1)
    }

    fn err(
        &self,
        span: Range<usize>,
        field: impl Into<String>,
        kind: PackErrorKind,
        msg: impl Into<String>,
    ) -> PackError {
        PackError::Invalid {
            file: self.file.to_string(),
            line: self.line(span.start),
            field: field.into(),
            kind,
            message: msg.into(),
        }
    }

    /// For serde errors the field is not known structurally: recover it from the text
    /// (the key on the error's line, under the nearest `[table]` header).
    fn field_at(&self, offset: usize) -> String {
        let line = self.line(offset);
        let text = |l: usize| {
            let s = self.line_starts[l - 1];
            let e = self.line_starts.get(l).copied().unwrap_or(self.src.len());
            self.src[s..e].trim()
        };
        let here = text(line);
        let key = if here.starts_with('[') {
            String::new()
        } else {
            here.split('=').next().unwrap_or("").trim().to_string()
        };
        let mut table = String::new();
        for l in (1..=line).rev() {
            let t = text(l);
            if t.starts_with('[') {
                table = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
                break;
            }
        }
        match (table.is_empty(), key.is_empty()) {
            (true, _) => key,
            (false, true) => table,
            (false, false) => format!("{table}.{key}"),
        }
    }

    fn load(self) -> R<CompiledPack> {
        let spec: PackFile = toml::from_str(self.src).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().to_string();
            let kind = if msg.starts_with("unknown field") || msg.starts_with("unknown variant") {
                if msg.starts_with("unknown variant") {
                    PackErrorKind::Value
                } else {
                    PackErrorKind::UnknownField
                }
            } else if msg.starts_with("missing field") {
                PackErrorKind::MissingField
            } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
                PackErrorKind::Type
            } else {
                PackErrorKind::Syntax
            };
            self.err(span.clone(), self.field_at(span.start), kind, msg)
        })?;

        let effective = self.date(&spec.pack.effective, "pack.effective")?;
        let info = PackInfo {
            id: spec.pack.id.get_ref().clone(),
            version: spec.pack.version.get_ref().clone(),
            effective,
            label: spec.pack.label.clone(),
            file: self.file.to_string(),
            notes: spec.pack.notes.clone(),
        };
        if info.id.is_empty() {
            return Err(self.err(
                spec.pack.id.span(),
                "pack.id",
                PackErrorKind::Value,
                "empty pack id",
            ));
        }

        let honors: Vec<String> = match &spec.vocabulary {
            Some(v) => {
                let h = v.honors.get_ref().clone();
                let mut seen = Vec::new();
                for x in &h {
                    if x.is_empty() || seen.contains(&x) {
                        return Err(self.err(
                            v.honors.span(),
                            "vocabulary.honors",
                            PackErrorKind::Duplicate,
                            format!("honours must be non-empty and distinct (`{x}`)"),
                        ));
                    }
                    seen.push(x);
                }
                if h.len() > 60 {
                    return Err(self.err(
                        v.honors.span(),
                        "vocabulary.honors",
                        PackErrorKind::Value,
                        "at most 60 honours",
                    ));
                }
                h
            }
            None => DEFAULT_HONORS.iter().map(|s| s.to_string()).collect(),
        };

        let mut documents = BTreeMap::new();
        for (id, d) in &spec.documents {
            documents.insert(
                id.clone(),
                LegalRef {
                    document_id: id.clone(),
                    document: d.title.clone(),
                    article: String::new(),
                    url: d.url.clone().filter(|u| !u.is_empty()),
                    url_note: d.url_note.clone(),
                },
            );
        }
        let doc_info: BTreeMap<String, (LegalRef, Option<String>, Option<Text>)> = spec
            .documents
            .iter()
            .map(|(id, d)| {
                (
                    id.clone(),
                    (documents[id].clone(), d.date.clone(), d.issuer.clone()),
                )
            })
            .collect();
        let reference = |r: &RefSpec, field: &str| -> R<LegalRef> {
            let doc = documents.get(r.document.get_ref()).ok_or_else(|| {
                self.err(
                    r.document.span(),
                    format!("{field}.document"),
                    PackErrorKind::UnknownReference,
                    format!(
                        "unknown document `{}` (declared: {})",
                        r.document.get_ref(),
                        documents.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                )
            })?;
            Ok(LegalRef {
                article: r.article.clone(),
                ..doc.clone()
            })
        };

        // ---- ids (checked before conditions, which refer to them)
        let tiers: Vec<String> = spec
            .cards
            .iter()
            .map(|c| c.tier.get_ref().clone())
            .collect();
        self.distinct(spec.cards.iter().map(|c| &c.tier), "cards", "tier")?;
        for c in &spec.cards {
            if c.tier.get_ref().is_empty() {
                return Err(self.err(
                    c.tier.span(),
                    "cards.tier",
                    PackErrorKind::Value,
                    "empty tier id",
                ));
            }
        }
        if tiers.len() > 60 {
            return Err(self.err(0..0, "cards", PackErrorKind::Value, "at most 60 tiers"));
        }
        let benefit_ids: Vec<String> = spec
            .benefits
            .iter()
            .map(|b| b.id.get_ref().clone())
            .collect();
        self.distinct(spec.benefits.iter().map(|b| &b.id), "benefits", "id")?;
        self.distinct(spec.parameters.iter().map(|p| &p.id), "parameters", "id")?;
        self.distinct(spec.exclusions.iter().map(|e| &e.id), "exclusions", "id")?;

        // ---- parameters
        let mut params = Vec::new();
        for p in &spec.parameters {
            params.push(self.parameter(p, &honors, &tiers, &reference)?);
        }

        // ---- cards
        let card_scope = Scope {
            honors: &honors,
            tiers: &tiers,
            benefits: None,
        };
        let mut cards = Vec::new();
        for c in &spec.cards {
            let path = format!("cards[{}]", c.tier.get_ref());
            let criteria = self.criteria(&c.criteria, &card_scope, &format!("{path}.criteria"))?;
            cards.push(Card {
                tier: c.tier.get_ref().clone(),
                label: c.label.clone(),
                reference: reference(&c.reference, &format!("{path}.reference"))?,
                criteria,
                services: c
                    .services
                    .iter()
                    .map(|s| Service {
                        id: s.id.clone(),
                        zh: s.zh.clone(),
                        en: s.en.clone(),
                    })
                    .collect(),
            });
        }

        // ---- benefits
        let ben_scope = Scope {
            honors: &honors,
            tiers: &tiers,
            benefits: Some(&benefit_ids),
        };
        let mut benefits = Vec::new();
        for b in &spec.benefits {
            let path = format!("benefits[{}]", b.id.get_ref());
            let param = params
                .iter()
                .position(|p: &Parameter| p.id == *b.amount.get_ref())
                .ok_or_else(|| {
                    self.err(
                        b.amount.span(),
                        format!("{path}.amount"),
                        PackErrorKind::UnknownReference,
                        format!("unknown parameter `{}`", b.amount.get_ref()),
                    )
                })?;
            let month_var = |s: &Spanned<String>, field: &str| -> R<IntVar> {
                MONTH_VARS
                    .iter()
                    .find(|(n, _)| n == s.get_ref())
                    .map(|(_, v)| *v)
                    .ok_or_else(|| {
                        self.err(
                            s.span(),
                            format!("{path}.{field}"),
                            PackErrorKind::UnknownVariable,
                            format!(
                                "`{}` is not a month variable (one of: arrival_month, purchase_month, birth_month)",
                                s.get_ref()
                            ),
                        )
                    })
            };
            let window = match &b.window {
                Some(w) => {
                    if *w.months.get_ref() <= 0 || *w.months.get_ref() > 1200 {
                        return Err(self.err(
                            w.months.span(),
                            format!("{path}.window.months"),
                            PackErrorKind::Value,
                            "window months must be in 1..=1200",
                        ));
                    }
                    Some(Window {
                        start: month_var(&w.start, "window.start")?,
                        start_name: w.start.get_ref().clone(),
                        months: *w.months.get_ref(),
                    })
                }
                None => None,
            };
            let kind = match b.kind.get_ref() {
                spec::KindSpec::Monthly => BenefitKind::Monthly,
                spec::KindSpec::OneTime => BenefitKind::OneTime,
            };
            let paid_in = match (&b.paid_in, kind) {
                (Some(p), BenefitKind::OneTime) => {
                    Some((month_var(p, "paid_in")?, p.get_ref().clone()))
                }
                (None, BenefitKind::OneTime) => {
                    return Err(self.err(
                        b.kind.span(),
                        format!("{path}.paid_in"),
                        PackErrorKind::MissingField,
                        "a one_time benefit needs `paid_in` (the month it is paid in)",
                    ));
                }
                (Some(p), BenefitKind::Monthly) => {
                    return Err(self.err(
                        p.span(),
                        format!("{path}.paid_in"),
                        PackErrorKind::Value,
                        "only one_time benefits have `paid_in`",
                    ));
                }
                (None, BenefitKind::Monthly) => None,
            };
            benefits.push(Benefit {
                id: b.id.get_ref().clone(),
                kind,
                label: b.label.clone(),
                reference: reference(&b.reference, &format!("{path}.reference"))?,
                conditions: self.criteria(
                    &b.conditions,
                    &ben_scope,
                    &format!("{path}.conditions"),
                )?,
                window,
                paid_in,
                param,
                exclusions: Vec::new(),
            });
        }

        // ---- exclusions
        let mut exclusions = Vec::new();
        for (ei, e) in spec.exclusions.iter().enumerate() {
            let path = format!("exclusions[{}]", e.id.get_ref());
            let find = |s: &Spanned<String>, field: &str| -> R<usize> {
                benefit_ids
                    .iter()
                    .position(|b| b == s.get_ref())
                    .ok_or_else(|| {
                        self.err(
                            s.span(),
                            format!("{path}.{field}"),
                            PackErrorKind::UnknownReference,
                            format!(
                                "unknown benefit `{}` (declared: {})",
                                s.get_ref(),
                                benefit_ids.join(", ")
                            ),
                        )
                    })
            };
            let excludes = e
                .excludes
                .iter()
                .map(|s| find(s, "excludes"))
                .collect::<R<Vec<_>>>()?;
            let by = e.by.iter().map(|s| find(s, "by")).collect::<R<Vec<_>>>()?;
            if excludes.is_empty() {
                return Err(self.err(
                    e.id.span(),
                    format!("{path}.excludes"),
                    PackErrorKind::MissingField,
                    "an exclusion must exclude at least one benefit",
                ));
            }
            if e.when.is_none() && by.is_empty() {
                return Err(self.err(
                    e.id.span(),
                    format!("{path}.when"),
                    PackErrorKind::MissingField,
                    "an exclusion needs `when` (a condition), `by` (benefits), or both",
                ));
            }
            let when = match &e.when {
                Some(w) => Some(self.criterion(
                    e.id.get_ref(),
                    &e.label,
                    w,
                    &ben_scope,
                    &format!("{path}.when"),
                )?),
                None => None,
            };
            for &b in &excludes {
                benefits[b].exclusions.push(ei);
            }
            exclusions.push(Exclusion {
                id: e.id.get_ref().clone(),
                label: e.label.clone(),
                reference: reference(&e.reference, &format!("{path}.reference"))?,
                excludes,
                when,
                by,
            });
        }

        // ---- dependency order (cycle check)
        let deps: Vec<Vec<usize>> = benefits
            .iter()
            .map(|b| {
                let mut d: Vec<usize> = b
                    .conditions
                    .iter()
                    .flat_map(|c| c.compiled.benefit_deps.iter().copied())
                    .collect();
                for &e in &b.exclusions {
                    let ex = &exclusions[e];
                    d.extend(ex.by.iter().copied());
                    if let Some(w) = &ex.when {
                        d.extend(w.compiled.benefit_deps.iter().copied());
                    }
                }
                d
            })
            .collect();
        let order = topo_order(&deps).map_err(|cycle| {
            let names: Vec<&str> = cycle.iter().map(|&i| benefit_ids[i].as_str()).collect();
            let first = &spec.benefits[cycle[0]];
            self.err(
                first.id.span(),
                format!("benefits[{}]", names[0]),
                PackErrorKind::Cycle,
                format!(
                    "benefits depend on each other in a cycle: {}",
                    names.join(" -> ")
                ),
            )
        })?;

        // ---- month-dependent atoms and parameter change months (for forecasts)
        let mut atoms = Vec::new();
        for c in &cards {
            for k in &c.criteria {
                k.compiled.cond.collect_atoms(&mut atoms);
            }
        }
        for b in &benefits {
            for k in &b.conditions {
                k.compiled.cond.collect_atoms(&mut atoms);
            }
            if let Some(w) = &b.window {
                atoms.push(Atom::Window {
                    start: w.start,
                    len: w.months,
                });
            }
            if let Some((v, _)) = b.paid_in {
                atoms.push(Atom::PaidIn(v));
            }
        }
        for e in &exclusions {
            if let Some(w) = &e.when {
                w.compiled.cond.collect_atoms(&mut atoms);
            }
        }
        let mut uniq: Vec<Atom> = Vec::new();
        for a in atoms {
            if !uniq.contains(&a) {
                uniq.push(a);
            }
        }
        let mut change_months: Vec<i64> = params
            .iter()
            .flat_map(|p| {
                p.values.iter().flat_map(|v| {
                    // A value starts to hold at its first month and stops after its last.
                    std::iter::once(i64::from(v.from_month.index()))
                        .chain(v.last_month.map(|l| i64::from(l.index()) + 1))
                })
            })
            .collect();
        change_months.sort_unstable();
        change_months.dedup();

        Ok(CompiledPack {
            info,
            honors,
            cards,
            benefits,
            order,
            exclusions,
            params,
            atoms: uniq,
            change_months,
            documents: doc_info,
        })
    }

    fn date(&self, s: &Spanned<String>, field: &str) -> R<Date> {
        s.get_ref()
            .parse::<Date>()
            .map_err(|e| self.err(s.span(), field, PackErrorKind::Value, e.to_string()))
    }

    fn distinct<'s>(
        &self,
        ids: impl Iterator<Item = &'s Spanned<String>>,
        table: &str,
        key: &str,
    ) -> R<()> {
        let mut seen: Vec<&str> = Vec::new();
        for id in ids {
            if seen.contains(&id.get_ref().as_str()) {
                return Err(self.err(
                    id.span(),
                    format!("{table}[{}].{key}", id.get_ref()),
                    PackErrorKind::Duplicate,
                    format!("`{}` is declared twice in {table}", id.get_ref()),
                ));
            }
            seen.push(id.get_ref());
        }
        Ok(())
    }

    fn criterion(
        &self,
        id: &str,
        label: &Text,
        when: &Spanned<String>,
        scope: &Scope<'_>,
        field: &str,
    ) -> R<Criterion> {
        let compiled = compile_condition(when.get_ref(), scope).map_err(|msg| {
            let kind = if msg.contains("unknown variable") {
                PackErrorKind::UnknownVariable
            } else if msg.contains("is not boolean") {
                PackErrorKind::NotBoolean
            } else if msg.contains("unknown benefit") {
                PackErrorKind::UnknownReference
            } else {
                PackErrorKind::Condition
            };
            self.err(when.span(), field, kind, msg)
        })?;
        Ok(Criterion {
            id: id.to_string(),
            label: label.clone(),
            source: when.get_ref().clone(),
            compiled,
        })
    }

    fn criteria(
        &self,
        list: &[spec::CondSpec],
        scope: &Scope<'_>,
        path: &str,
    ) -> R<Vec<Criterion>> {
        self.distinct(list.iter().map(|c| &c.id), path, "id")?;
        list.iter()
            .map(|c| {
                self.criterion(
                    c.id.get_ref(),
                    &c.label,
                    &c.when,
                    scope,
                    &format!("{path}[{}].when", c.id.get_ref()),
                )
            })
            .collect()
    }

    fn parameter(
        &self,
        p: &spec::ParamSpec,
        honors: &[String],
        tiers: &[String],
        reference: &dyn Fn(&RefSpec, &str) -> R<LegalRef>,
    ) -> R<Parameter> {
        let path = format!("parameters[{}]", p.id.get_ref());
        let scale = match p.unit.get_ref().as_str() {
            "yuan" => 100,
            "fen" => 1,
            other => {
                return Err(self.err(
                    p.unit.span(),
                    format!("{path}.unit"),
                    PackErrorKind::Value,
                    format!("unit `{other}` is not `yuan` or `fen`"),
                ));
            }
        };
        // Key domain: (enum, its values, whether value 0 may be omitted (= 0 fen)).
        let (by, keys, zero_default): (Option<EnumVar>, Vec<String>, bool) =
            match p.by.as_ref().map(|b| b.get_ref().as_str()) {
                None => (None, vec![String::new()], false),
                Some("degree") => (
                    Some(EnumVar::Degree),
                    Degree::NAMES.iter().map(|s| s.to_string()).collect(),
                    false,
                ),
                Some("housing") => (
                    Some(EnumVar::Housing),
                    Housing::NAMES.iter().map(|s| s.to_string()).collect(),
                    false,
                ),
                Some("honors") => (
                    Some(EnumVar::Honors),
                    std::iter::once(String::new())
                        .chain(honors.iter().cloned())
                        .collect(),
                    true,
                ),
                Some("card") => (
                    Some(EnumVar::Card),
                    std::iter::once(String::new())
                        .chain(tiers.iter().cloned())
                        .collect(),
                    true,
                ),
                Some(other) => {
                    let sp = p.by.as_ref().map(|b| b.span()).unwrap_or(0..0);
                    return Err(self.err(
                    sp,
                    format!("{path}.by"),
                    PackErrorKind::UnknownVariable,
                    format!(
                        "cannot key amounts by `{other}` (one of: degree, housing, honors, card)"
                    ),
                ));
                }
            };
        if p.values.is_empty() {
            return Err(self.err(
                p.id.span(),
                format!("{path}.values"),
                PackErrorKind::MissingField,
                "a parameter needs at least one dated value",
            ));
        }
        let mut values: Vec<(ParamValue, Range<usize>)> = Vec::new();
        for (i, v) in p.values.iter().enumerate() {
            let vpath = format!("{path}.values[{i}]");
            let from = self.date(&v.from, &format!("{vpath}.from"))?;
            let until = match &v.until {
                Some(u) => {
                    let d = self.date(u, &format!("{vpath}.until"))?;
                    if d < from {
                        return Err(self.err(
                            u.span(),
                            format!("{vpath}.until"),
                            PackErrorKind::Value,
                            format!("until {d} is before from {from}"),
                        ));
                    }
                    Some(d)
                }
                None => None,
            };
            let mut amounts = vec![0i64; keys.len()];
            match (by, &v.amounts, &v.amount) {
                (None, None, Some(a)) => {
                    amounts[0] = self.money(a, scale, &format!("{vpath}.amount"))?
                }
                (Some(_), Some(table), None) => {
                    for (k, a) in table.get_ref() {
                        let Some(i) = keys.iter().position(|x| x == k) else {
                            return Err(self.err(
                                a.span(),
                                format!("{vpath}.amounts.{k}"),
                                PackErrorKind::UnknownReference,
                                format!(
                                    "`{k}` is not a value of `{}` (one of: {})",
                                    p.by.as_ref().map_or("", |b| b.get_ref().as_str()),
                                    keys.iter()
                                        .filter(|k| !k.is_empty())
                                        .cloned()
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            ));
                        };
                        amounts[i] = self.money(a, scale, &format!("{vpath}.amounts.{k}"))?;
                    }
                    for (i, k) in keys.iter().enumerate() {
                        let defaults_to_zero = zero_default && i == 0;
                        if !table.get_ref().contains_key(k) && !defaults_to_zero {
                            return Err(self.err(
                                table.span(),
                                format!("{vpath}.amounts"),
                                PackErrorKind::MissingField,
                                format!("no amount for `{k}`"),
                            ));
                        }
                    }
                }
                (None, _, _) => {
                    return Err(self.err(
                        v.from.span(),
                        vpath,
                        PackErrorKind::MissingField,
                        "a parameter without `by` needs exactly `amount = N`",
                    ));
                }
                (Some(_), _, _) => {
                    return Err(self.err(
                        v.from.span(),
                        vpath,
                        PackErrorKind::MissingField,
                        "a parameter with `by` needs exactly an `amounts = { ... }` table",
                    ));
                }
            }
            let Some(from_month) = from.first_full_month() else {
                return Err(self.err(
                    v.from.span(),
                    format!("{vpath}.from"),
                    PackErrorKind::Value,
                    format!("{from} leaves no whole month before the end of 2200"),
                ));
            };
            let last_month = until.map(Date::year_month);
            values.push((
                ParamValue {
                    from,
                    until,
                    from_month,
                    last_month,
                    amounts,
                    reference: match &v.reference {
                        Some(r) => Some(reference(r, &format!("{vpath}.reference"))?),
                        None => None,
                    },
                },
                v.from.span(),
            ));
        }
        values.sort_by_key(|(v, _)| v.from);
        for w in values.windows(2) {
            let (a, b) = (&w[0].0, &w[1].0);
            let field = format!("{path}.values.from");
            if a.from == b.from {
                return Err(self.err(
                    w[1].1.clone(),
                    field,
                    PackErrorKind::Duplicate,
                    format!("two values take effect on {}", b.from),
                ));
            }
            match a.until {
                None => {
                    return Err(self.err(w[1].1.clone(), field, PackErrorKind::Overlap, format!("value from {} overlaps the open-ended value from {} (give that one an `until` before {})", b.from, a.from, b.from)));
                }
                Some(u) if u >= b.from => {
                    return Err(self.err(
                        w[1].1.clone(),
                        field,
                        PackErrorKind::Overlap,
                        format!(
                            "value from {} overlaps the value from {} until {}",
                            b.from, a.from, u
                        ),
                    ));
                }
                _ => {}
            }
            // Day-level ranges may not overlap and still share a month; the month is
            // evaluated with the value in force on its 1st, so only one can apply.
        }
        Ok(Parameter {
            id: p.id.get_ref().clone(),
            label: p.label.clone(),
            reference: reference(&p.reference, &format!("{path}.reference"))?,
            by,
            by_name: p.by.as_ref().map(|b| b.get_ref().clone()),
            keys,
            values: values.into_iter().map(|(v, _)| v).collect(),
        })
    }

    fn money(&self, a: &Spanned<i64>, scale: i64, field: &str) -> R<i64> {
        let v = *a.get_ref();
        if v < 0 {
            return Err(self.err(
                a.span(),
                field,
                PackErrorKind::Value,
                format!("amount {v} is negative"),
            ));
        }
        v.checked_mul(scale)
            .filter(|f| *f <= 1_000_000_000_000)
            .ok_or_else(|| {
                self.err(
                    a.span(),
                    field,
                    PackErrorKind::Value,
                    format!("amount {v} is too large"),
                )
            })
    }
}

/// Topological order of benefits (dependencies first); `Err(cycle)` lists one cycle.
fn topo_order(deps: &[Vec<usize>]) -> Result<Vec<usize>, Vec<usize>> {
    // 0 = new, 1 = on stack, 2 = done
    let mut state = vec![0u8; deps.len()];
    let mut order = Vec::with_capacity(deps.len());
    let mut stack: Vec<usize> = Vec::new();
    fn visit(
        n: usize,
        deps: &[Vec<usize>],
        state: &mut [u8],
        stack: &mut Vec<usize>,
        order: &mut Vec<usize>,
    ) -> Result<(), Vec<usize>> {
        match state[n] {
            2 => return Ok(()),
            1 => {
                let from = stack.iter().position(|&x| x == n).unwrap_or(0);
                let mut cycle = stack[from..].to_vec();
                cycle.push(n);
                return Err(cycle);
            }
            _ => {}
        }
        state[n] = 1;
        stack.push(n);
        for &d in &deps[n] {
            visit(d, deps, state, stack, order)?;
        }
        stack.pop();
        state[n] = 2;
        order.push(n);
        Ok(())
    }
    for n in 0..deps.len() {
        visit(n, deps, &mut state, &mut stack, &mut order)?;
    }
    Ok(order)
}

/// All versions of one pack (one file per version), ordered by effective date.
#[derive(Clone, Debug)]
pub struct PackVersions {
    versions: Vec<CompiledPack>,
}

impl PackVersions {
    /// Loads every `(file name, contents)` as a version of the same pack. Refused if a
    /// file is wrong, the pack ids differ, or two versions share a version string or an
    /// effective date.
    pub fn load<N: AsRef<str>, S: AsRef<str>>(files: &[(N, S)]) -> Result<PackVersions, PackError> {
        let mut versions = files
            .iter()
            .map(|(n, s)| CompiledPack::load(n.as_ref(), s.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        if versions.is_empty() {
            return Err(PackError::Versions("no version files".into()));
        }
        versions.sort_by_key(|v| v.info.effective);
        for w in versions.windows(2) {
            let (a, b) = (&w[0].info, &w[1].info);
            if a.id != b.id {
                return Err(PackError::Versions(format!(
                    "{} is pack `{}` but {} is pack `{}`",
                    a.file, a.id, b.file, b.id
                )));
            }
            if a.effective == b.effective || a.version == b.version {
                return Err(PackError::Versions(format!(
                    "{} ({} effective {}) and {} ({} effective {}) are not distinct versions",
                    a.file, a.version, a.effective, b.file, b.version, b.effective
                )));
            }
        }
        Ok(PackVersions { versions })
    }
    /// The version with the latest effective date.
    pub fn latest(&self) -> &CompiledPack {
        self.versions.last().expect("at least one version")
    }
    /// The version in force on `date` (the latest effective on or before it).
    pub fn in_force_on(&self, date: Date) -> Option<&CompiledPack> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.info.effective <= date)
    }
    /// All versions, oldest first.
    pub fn versions(&self) -> &[CompiledPack] {
        &self.versions
    }
}
