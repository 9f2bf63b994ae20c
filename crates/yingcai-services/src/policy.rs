//! The policy packs in force, as the platform sees them: published versions loaded from the
//! database and compiled once per server, and benefits without application (免申即享) —
//! the engine finds who is entitled from verified records and proposes it to them.
//!
//! Every server compiles the same published texts, so servers agree without talking to each
//! other; a cheap fingerprint query tells a server that another one published a version.

use std::sync::{Arc, RwLock};

use jiff::civil::Date;
use yingcai_domain::{Degree, Housing, Month, TalentProfile};
use yingcai_rules::CompiledPack;
use yingcai_rules::person::{Degree as RDegree, Housing as RHousing, Person};
use yingcai_store::{
    Actor, ComputedEntitlement, EntitlementChanges, PolicyDraft, PolicyVersionRecord,
    ScheduleSegment, Store, StoreError, TalentRecord,
};

/// A published version and its compiled pack.
#[derive(Debug)]
pub struct LoadedVersion {
    pub record: PolicyVersionRecord,
    pub pack: CompiledPack,
}

/// Every published version, oldest first.
#[derive(Debug)]
pub struct PolicySet {
    fingerprint: (i64, i64),
    versions: Vec<LoadedVersion>,
}

impl PolicySet {
    /// The version in force on `date`: the latest published whose effective date has come
    /// (publication order breaks ties). Before the first effective date, the first version.
    pub fn in_force(&self, date: Date) -> &LoadedVersion {
        let day = date.to_string();
        self.versions
            .iter()
            .filter(|v| v.record.effective_date <= day)
            .max_by(|a, b| {
                (&a.record.effective_date, a.record.policy_version_id)
                    .cmp(&(&b.record.effective_date, b.record.policy_version_id))
            })
            .unwrap_or(&self.versions[0])
    }

    pub fn by_id(&self, id: i64) -> Option<&LoadedVersion> {
        self.versions
            .iter()
            .find(|v| v.record.policy_version_id == id)
    }

    pub fn versions(&self) -> &[LoadedVersion] {
        &self.versions
    }
}

/// The built-in pack as a publishable draft (what a fresh site starts with).
pub fn builtin_draft() -> anyhow::Result<PolicyDraft> {
    let (file, source) = yingcai_rules::BUILTIN_PACK;
    let pack = CompiledPack::load(file, source)?;
    Ok(draft_of(&pack, file, source))
}

/// What a compiled text says of itself, ready to store.
pub fn draft_of(pack: &CompiledPack, file: &str, source: &str) -> PolicyDraft {
    let info = pack.info();
    PolicyDraft {
        pack_id: info.id.clone(),
        version: info.version.clone(),
        effective_date: info.effective.to_string(),
        file_name: file.to_owned(),
        source: source.to_owned(),
    }
}

/// A server's view of the published policies, reloaded when another server publishes.
#[derive(Debug, Default)]
pub struct Policies {
    cache: RwLock<Option<Arc<PolicySet>>>,
}

impl Policies {
    pub fn new() -> Policies {
        Policies::default()
    }

    /// The published set, compiled. The first call on a fresh database publishes the
    /// built-in pack.
    pub async fn current(&self, store: &Store) -> anyhow::Result<Arc<PolicySet>> {
        let fingerprint = store.published_policy_fingerprint().await?;
        if let Some(set) = self.cached().filter(|s| s.fingerprint == fingerprint) {
            return Ok(set);
        }
        if fingerprint.0 == 0 {
            store.ensure_policy_published(&builtin_draft()?).await?;
        }
        let records = store.published_policy_versions().await?;
        let fingerprint = (
            records.len() as i64,
            records
                .iter()
                .map(|r| r.policy_version_id)
                .max()
                .unwrap_or(0),
        );
        let versions = records
            .into_iter()
            .map(|record| {
                let pack = CompiledPack::load(&record.file_name, &record.source).map_err(|e| {
                    anyhow::anyhow!(
                        "published policy version {} no longer compiles: {e}",
                        record.policy_version_id
                    )
                })?;
                Ok(LoadedVersion { record, pack })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        anyhow::ensure!(!versions.is_empty(), "no published policy version");
        let set = Arc::new(PolicySet {
            fingerprint,
            versions,
        });
        if let Ok(mut cache) = self.cache.write() {
            *cache = Some(set.clone());
        }
        Ok(set)
    }

    fn cached(&self) -> Option<Arc<PolicySet>> {
        self.cache.read().ok().and_then(|c| c.clone())
    }
}

/// Today in China (UTC+8, no daylight saving): policies and cards go by the local date.
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
}

/// The month containing `d`, a date read from the clock. The calendar ends with 2200: a
/// clock past it reads as the calendar's last month.
pub fn clock_month(d: Date) -> Month {
    Month::try_from(d).unwrap_or(Month::MAX)
}

/// A checked degree in the engine's terms.
pub fn rules_degree(d: Degree) -> RDegree {
    match d {
        Degree::None => RDegree::None,
        Degree::Bachelor => RDegree::Bachelor,
        Degree::Master => RDegree::Master,
        Degree::Phd => RDegree::Phd,
    }
}

/// A checked housing status in the engine's terms.
pub fn rules_housing(h: Housing) -> RHousing {
    match h {
        Housing::None => RHousing::None,
        Housing::Rent => RHousing::Rent,
        Housing::TalentApartment => RHousing::TalentApartment,
        Housing::Owns => RHousing::Owns,
    }
}

/// The engine's view of a verified record. Honours outside the pack's vocabulary count
/// as none: a pack decides which honours it recognises.
pub fn person_of(talent_id: i64, p: &TalentProfile, pack: &CompiledPack) -> Person {
    let honors = p
        .honors
        .as_deref()
        .and_then(|h| pack.honors().iter().position(|x| x == h))
        .map_or(0, |i| (i + 1) as u8);
    Person {
        id: talent_id.max(1) as u64,
        birth_date: p.birth_date(),
        degree: rules_degree(p.degree),
        honors,
        arrival_date: p.arrival_date,
        employed_in_city: p.employed_in_city,
        housing: rules_housing(p.housing),
        home_purchase_date: p.home_purchase_date,
        social_insurance_months: p.social_insurance_months,
    }
}

/// How far ahead entitlements are scheduled: ten years covers every window a pack of
/// this kind declares, and a later pack version recomputes anyway.
const HORIZON_MONTHS: i32 = 120;

/// The first month a version governs: months are decided by the version in force on
/// their first day, so a version effective mid-month starts with the next month.
fn first_month(v: &LoadedVersion) -> Option<Month> {
    v.record
        .effective_date
        .parse::<yingcai_domain::Date>()
        .ok()?
        .first_full_month()
}

/// What the talent is entitled to, from the arrival month (arrears included) to the
/// horizon, each month under the version in force in it. Only benefits with at least one
/// payable month are returned.
pub fn entitlements_of(
    set: &PolicySet,
    talent_id: i64,
    profile: &TalentProfile,
    today: Date,
) -> Vec<ComputedEntitlement> {
    let now = clock_month(today);
    let end = now.plus(HORIZON_MONTHS).unwrap_or(Month::MAX);
    let arrival = profile.arrival_date.year_month();
    let start = arrival.min(now);
    // Which version governs which months: by effective date, later publication winning a tie.
    let mut spans: Vec<(Month, &LoadedVersion)> = Vec::new();
    let mut ordered: Vec<&LoadedVersion> = set.versions.iter().collect();
    ordered.sort_by(|a, b| {
        (&a.record.effective_date, a.record.policy_version_id)
            .cmp(&(&b.record.effective_date, b.record.policy_version_id))
    });
    for v in ordered {
        let from = first_month(v).unwrap_or(start).max(start);
        spans.retain(|(m, _)| *m < from);
        spans.push((from, v));
    }
    if let Some(first) = spans.first_mut() {
        first.0 = start;
    }
    let mut found: Vec<ComputedEntitlement> = Vec::new();
    for (i, (from, version)) in spans.iter().enumerate() {
        let to = spans
            .get(i + 1)
            // A later span starts after `from`, so its previous month exists.
            .map_or(end, |(next, _)| next.prev().unwrap_or(Month::MIN))
            .min(end);
        if to < *from {
            continue;
        }
        let person = person_of(talent_id, profile, &version.pack);
        for s in yingcai_rules::schedule(&version.pack, &person, *from, to) {
            let entry = match found.iter_mut().position(|e| e.benefit == s.benefit) {
                Some(k) => &mut found[k],
                None => {
                    found.push(ComputedEntitlement {
                        benefit: s.benefit.clone(),
                        schedule: Vec::new(),
                    });
                    let k = found.len() - 1;
                    &mut found[k]
                }
            };
            for seg in &s.segments {
                match entry.schedule.last_mut() {
                    // Runs that continue across a version boundary with the same amount are one run.
                    Some(last)
                        if last.amount_fen == seg.amount_fen
                            && last.to.next() == Some(seg.from) =>
                    {
                        last.to = seg.to
                    }
                    _ => entry.schedule.push(ScheduleSegment {
                        from: seg.from,
                        to: seg.to,
                        amount_fen: seg.amount_fen,
                    }),
                }
            }
        }
    }
    found.retain(|e| !e.schedule.is_empty());
    found
}

/// Recomputes one talent's entitlements. The stored version is the one in force today;
/// each month of the schedule was evaluated under the version in force in that month.
pub async fn recompute_talent(
    store: &Store,
    set: &PolicySet,
    talent: &TalentRecord,
    today: Date,
    actor: &Actor,
) -> Result<EntitlementChanges, StoreError> {
    let version = set.in_force(today);
    let found = entitlements_of(set, talent.talent_id, &talent.profile, today);
    store
        .apply_entitlements(
            talent.talent_id,
            &found,
            version.record.policy_version_id,
            actor,
        )
        .await
}

/// What a sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// The version in force.
    pub policy_version_id: i64,
    /// Talents looked at (0 when nothing needed recomputing).
    pub talents: usize,
    pub changes: EntitlementChanges,
}

/// Recomputes every talent's entitlements when a version was published since the
/// population was last computed (its months are in the schedules, even before it takes
/// effect), when a new version came into force, or when records arrived by import. Idempotent: an unchanged entitlement is not written, and the state is only
/// advanced after the whole population was done, so a killed sweep simply runs again.
pub async fn sweep(
    store: &Store,
    policies: &Policies,
    today: Date,
    force: bool,
) -> anyhow::Result<SweepReport> {
    let set = policies.current(store).await?;
    let version = set.in_force(today).record.policy_version_id;
    let mut report = SweepReport {
        policy_version_id: version,
        ..SweepReport::default()
    };
    // One number for "what the population was computed under": the newest publication and
    // the version in force (which changes on an effective date without a publication).
    let stamp = set.fingerprint.1 * 1_000_000 + version;
    if !force && store.recomputed_policy_version().await? == Some(stamp) {
        return Ok(report);
    }
    let mut after = 0;
    loop {
        let batch = store.talents_after(after, 500).await?;
        let Some(last) = batch.last() else { break };
        after = last.talent_id;
        for talent in &batch {
            report.changes += recompute_talent(store, &set, talent, today, &Actor::System).await?;
            report.talents += 1;
        }
    }
    store.set_recomputed_policy_version(stamp).await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yingcai_domain::TalentInput;
    use yingcai_store::testing::TestDatabase;

    fn talent(resident_id: &str, degree: &str, housing: &str, purchase: &str) -> TalentProfile {
        TalentInput {
            name: "测试".into(),
            resident_id: resident_id.into(),
            degree: degree.into(),
            arrival_date: "2024-03-01".into(),
            employed_in_city: "true".into(),
            housing: housing.into(),
            home_purchase_date: purchase.into(),
            social_insurance_months: "12".into(),
            ..TalentInput::default()
        }
        .parse(
            &["academician".to_owned()],
            Date::new(2026, 11, 29).unwrap(),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn the_sweep_finds_entitlements_once_and_follows_a_changed_record() {
        for backend in TestDatabase::backends() {
            let (_db, store) = TestDatabase::create(backend).await.unwrap();
            let rows = vec![
                (1, None, talent("11010519491231002X", "phd", "rent", "")),
                (2, None, talent("110105199001010010", "none", "rent", "")),
                (
                    3,
                    None,
                    talent("110105199001010029", "master", "owns", "2025-06-10"),
                ),
            ];
            store
                .import_talents(&rows, "test", &Actor::System, &|_| {})
                .await
                .unwrap();
            let policies = Policies::new();
            let today = Date::new(2026, 11, 29).unwrap();
            let first = sweep(&store, &policies, today, false).await.unwrap();
            assert_eq!(first.talents, 3);
            // PhD renting: rent allowance; master who owns: the purchase allowance only (the
            // rent condition reads the housing on record, which is "owns"); no degree: nothing.
            assert_eq!(first.changes.found, 2, "{first:?}");
            // Nothing changed: nothing is done, not even looked at.
            let second = sweep(&store, &policies, today, false).await.unwrap();
            assert_eq!(second.talents, 0);
            // Forced (as after a killed run): everything looked at, nothing written.
            let forced = sweep(&store, &policies, today, true).await.unwrap();
            assert_eq!(
                (forced.talents, forced.changes),
                (3, EntitlementChanges::default())
            );
            let all = store.entitlements(&Default::default()).await.unwrap();
            let phd: Vec<_> = all.iter().filter(|e| e.talent_id == 1).collect();
            assert_eq!(phd.len(), 1);
            assert_eq!(
                (
                    phd[0].schedule[0].from.to_string(),
                    phd[0].schedule[0].to.to_string(),
                    phd[0].total_fen
                ),
                ("2024-03".to_owned(), "2029-02".to_owned(), 60 * 300_000)
            );
            let master: Vec<_> = all.iter().filter(|e| e.talent_id == 3).collect();
            assert_eq!(master.len(), 1);
            assert_eq!(master[0].benefit, "purchase_allowance");
            assert_eq!(master[0].schedule[0].from.to_string(), "2025-06");
            assert_eq!(master[0].total_fen, 10_000_000);
            assert!(
                all.iter().all(|e| e.talent_id != 2),
                "no degree, no card, nothing"
            );
            // An import marks the population for recomputation.
            store
                .import_talents(
                    &[(
                        1,
                        None,
                        talent("110105199001010037", "bachelor", "none", ""),
                    )],
                    "test",
                    &Actor::System,
                    &|_| {},
                )
                .await
                .unwrap();
            let third = sweep(&store, &policies, today, false).await.unwrap();
            assert_eq!((third.talents, third.changes.found), (4, 1));
        }
    }
}
