//! The TOML shape of a pack file (serde). Every struct refuses unknown fields, and the
//! fields later checks must point at are `Spanned` so errors can name the line.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::Spanned;

/// A label in Simplified Chinese and English.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    pub(crate) fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PackFile {
    pub pack: PackMeta,
    #[serde(default)]
    pub vocabulary: Option<Vocabulary>,
    #[serde(default)]
    pub documents: BTreeMap<String, DocumentSpec>,
    #[serde(default)]
    pub cards: Vec<CardSpec>,
    #[serde(default)]
    pub benefits: Vec<BenefitSpec>,
    #[serde(default)]
    pub parameters: Vec<ParamSpec>,
    #[serde(default)]
    pub exclusions: Vec<ExclusionSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PackMeta {
    pub id: Spanned<String>,
    pub version: Spanned<String>,
    pub effective: Spanned<String>,
    pub label: Text,
    #[serde(default)]
    pub notes: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Vocabulary {
    pub honors: Spanned<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DocumentSpec {
    pub title: Text,
    #[serde(default)]
    pub issuer: Option<Text>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// Why there is no URL, or how reliable it is.
    #[serde(default)]
    pub url_note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RefSpec {
    pub document: Spanned<String>,
    pub article: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CondSpec {
    pub id: Spanned<String>,
    pub label: Text,
    pub when: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceSpec {
    pub id: String,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CardSpec {
    pub tier: Spanned<String>,
    pub label: Text,
    pub reference: RefSpec,
    pub criteria: Vec<CondSpec>,
    #[serde(default)]
    pub services: Vec<ServiceSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum KindSpec {
    Monthly,
    OneTime,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WindowSpec {
    pub start: Spanned<String>,
    pub months: Spanned<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BenefitSpec {
    pub id: Spanned<String>,
    pub kind: Spanned<KindSpec>,
    pub label: Text,
    pub reference: RefSpec,
    pub amount: Spanned<String>,
    #[serde(default)]
    pub window: Option<WindowSpec>,
    #[serde(default)]
    pub paid_in: Option<Spanned<String>>,
    #[serde(default)]
    pub conditions: Vec<CondSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ParamSpec {
    pub id: Spanned<String>,
    pub label: Text,
    pub reference: RefSpec,
    #[serde(default)]
    pub by: Option<Spanned<String>>,
    pub unit: Spanned<String>,
    pub values: Vec<ValueSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ValueSpec {
    pub from: Spanned<String>,
    #[serde(default)]
    pub until: Option<Spanned<String>>,
    #[serde(default)]
    pub reference: Option<RefSpec>,
    #[serde(default)]
    pub amounts: Option<Spanned<BTreeMap<String, Spanned<i64>>>>,
    #[serde(default)]
    pub amount: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExclusionSpec {
    pub id: Spanned<String>,
    pub label: Text,
    pub reference: RefSpec,
    pub excludes: Vec<Spanned<String>>,
    #[serde(default)]
    pub when: Option<Spanned<String>>,
    #[serde(default)]
    pub by: Vec<Spanned<String>>,
}
