//! Application rounds: opening, ballots, the allocation and what it reads.

use super::*;
use crate::registry::TalentRow;

impl Store {
    pub async fn open_round(&self, round: &NewRound<'_>, actor: &Actor) -> Result<i64, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let round_id: i64 = sqlx::query_scalar(
            "insert into housing_round (name, status, deadline_at, seed, requirements, priority_rules, offer_rules, lease_rules, opened_by, opened_at)
             values ($1, 'open', $2, $3, $4, $5, $6, $7, $8, $9) returning round_id",
        )
        .bind(round.name)
        .bind(round.deadline_at)
        .bind(round.seed)
        .bind(round.requirements.join(","))
        .bind(round.priority_rules)
        .bind(round.offer_rules)
        .bind(round.lease_rules)
        .bind(actor_id(actor))
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        for unit_type in round.unit_types {
            sqlx::query("insert into round_unit_type (round_id, unit_type_id) values ($1, $2)")
                .bind(round_id)
                .bind(unit_type)
                .execute(&mut *tx)
                .await?;
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "round.open",
                entity: "housing_round",
                entity_id: round_id.to_string(),
                before: None,
                after: Some(json!({"name": round.name, "deadline_at": round.deadline_at, "seed": round.seed, "unit_types": round.unit_types, "requirements": round.requirements})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(round_id)
    }

    /// Every round, newest first.
    pub async fn rounds(&self) -> Result<Vec<RoundRecord>, StoreError> {
        let rows = sqlx::query("select * from housing_round order by round_id desc")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(round_from_row).collect()
    }

    pub async fn round(&self, round_id: i64) -> Result<RoundRecord, StoreError> {
        let row = sqlx::query("select * from housing_round where round_id = $1")
            .bind(round_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        round_from_row(&row)
    }

    /// The aggregate figures stored when the round was allocated.
    pub async fn round_figures_json(&self, round_id: i64) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("select figures_json from housing_round where round_id = $1")
                .bind(round_id)
                .fetch_optional(self.pool())
                .await?
                .flatten(),
        )
    }

    /// A round's published files: `(instance JSON, result CSV, ranking CSV)`; `NotFound`
    /// before allocation.
    pub async fn round_files(&self, round_id: i64) -> Result<(String, String, String), StoreError> {
        let (instance, result, ranking) =
            sqlx::query_as::<_, (Option<String>, Option<String>, Option<String>)>(
                "select instance_json, result_csv, ranking_csv from housing_round where round_id = $1 and status = 'allocated'",
            )
            .bind(round_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        // An allocated round always has its files: one missing is named, never empty.
        let cell = Stored::new("housing_round", round_id);
        Ok((
            instance.ok_or_else(|| cell.corrupt("instance_json"))?,
            result.ok_or_else(|| cell.corrupt("result_csv"))?,
            ranking.ok_or_else(|| cell.corrupt("ranking_csv"))?,
        ))
    }

    /// The complexes of a round, by code, with their unit types in the round and their
    /// free units of those types.
    pub async fn round_complexes(&self, round_id: i64) -> Result<Vec<RoundComplex>, StoreError> {
        let rows = sqlx::query_as::<_, RoundUnitTypeRow>(
            "select t.*, c.code, c.name as complex_name, c.district, c.address, c.operator,
                    (select count(*) from unit u where u.unit_type_id = t.unit_type_id and u.status = 'free') as free_units
               from round_unit_type r join unit_type t on t.unit_type_id = r.unit_type_id
               join complex c on c.complex_id = t.complex_id
              where r.round_id = $1 order by c.code, t.name",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<RoundComplex> = Vec::new();
        for row in rows {
            let (unit_type, free) = (row.unit_type, row.free_units);
            match out.last_mut() {
                Some(last) if last.complex.complex_id == unit_type.complex_id => {
                    last.free_units += free;
                    last.unit_types.push(unit_type);
                }
                _ => out.push(RoundComplex {
                    complex: row.complex.into(),
                    unit_types: vec![unit_type],
                    free_units: free,
                }),
            }
        }
        Ok(out)
    }

    /// Saves (or replaces) a talent's ballot, only while the round accepts ballots
    /// (`NotFound` otherwise: the deadline is checked inside the transaction).
    pub async fn save_application(
        &self,
        round_id: i64,
        talent_id: i64,
        pseudonym: &str,
        ranking: &[String],
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let open: Option<i64> = sqlx::query_scalar(
            "select round_id from housing_round where round_id = $1 and status = 'open' and deadline_at > $2",
        )
        .bind(round_id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_none() {
            return Err(StoreError::NotFound);
        }
        let list = ranking.join(",");
        let before: Option<String> = sqlx::query_scalar(
            "select ranking from application where round_id = $1 and talent_id = $2",
        )
        .bind(round_id)
        .bind(talent_id)
        .fetch_optional(&mut *tx)
        .await?;
        let application_id: i64 = if before.is_some() {
            sqlx::query_scalar(
                "update application set ranking = $1, updated_at = $2 where round_id = $3 and talent_id = $4 returning application_id",
            )
            .bind(&list)
            .bind(now)
            .bind(round_id)
            .bind(talent_id)
            .fetch_one(&mut *tx)
            .await?
        } else {
            sqlx::query_scalar(
                "insert into application (round_id, talent_id, pseudonym, ranking, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $5) returning application_id",
            )
            .bind(round_id)
            .bind(talent_id)
            .bind(pseudonym)
            .bind(&list)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
        };
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "application.save",
                entity: "application",
                entity_id: application_id.to_string(),
                before: before.map(|b| json!({"ranking": b})),
                after: Some(json!({"round_id": round_id, "ranking": list})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(application_id)
    }

    /// Withdraws a ballot while the round accepts ballots.
    pub async fn withdraw_application(
        &self,
        round_id: i64,
        talent_id: i64,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let deleted = sqlx::query(
            "delete from application where round_id = $1 and talent_id = $2
               and exists (select 1 from housing_round r where r.round_id = $1 and r.status = 'open' and r.deadline_at > $3)",
        )
        .bind(round_id)
        .bind(talent_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "application.withdraw",
                entity: "application",
                entity_id: format!("{round_id}:{talent_id}"),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn application(
        &self,
        round_id: i64,
        talent_id: i64,
    ) -> Result<Option<ApplicationRecord>, StoreError> {
        let row = sqlx::query("select * from application where round_id = $1 and talent_id = $2")
            .bind(round_id)
            .bind(talent_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(application_from_row).transpose()
    }

    /// A round's ballots in the order they were first cast.
    pub async fn applications(&self, round_id: i64) -> Result<Vec<ApplicationRecord>, StoreError> {
        let rows = sqlx::query(
            "select * from application where round_id = $1 order by created_at, application_id",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(application_from_row).collect()
    }

    /// Stores a round's allocation and makes its offers, once: a round no longer open
    /// (allocated by a concurrent call) is a `Conflict` and nothing is written.
    pub async fn allocate_round(
        &self,
        round_id: i64,
        allocation: &RoundAllocation,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let claimed = sqlx::query(
            "update housing_round set status = 'allocated', allocated_at = $1, allocated_by = $2,
                    instance_json = $3, result_csv = $4, ranking_csv = $5, figures_json = $6
              where round_id = $7 and status = 'open'",
        )
        .bind(now)
        .bind(actor_id(actor))
        .bind(&allocation.instance_json)
        .bind(&allocation.result_csv)
        .bind(&allocation.ranking_csv)
        .bind(&allocation.figures_json)
        .bind(round_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Err(StoreError::Conflict {
                constraint: "housing_round.status".into(),
            });
        }
        for (application_id, complex_id, outcome) in &allocation.outcomes {
            sqlx::query(
                "update application set assigned_complex_id = $1, outcome_json = $2 where application_id = $3 and round_id = $4",
            )
            .bind(complex_id)
            .bind(outcome)
            .bind(application_id)
            .bind(round_id)
            .execute(&mut *tx)
            .await?;
        }
        for (application_id, talent_id, unit_id) in &allocation.offers {
            insert_offer(
                &mut tx,
                round_id,
                *application_id,
                *talent_id,
                *unit_id,
                "allocation",
                allocation.respond_by,
            )
            .await?;
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "round.allocate",
                entity: "housing_round",
                entity_id: round_id.to_string(),
                before: Some(json!({"status": RoundStatus::Open})),
                after: Some(json!({"status": RoundStatus::Allocated, "applicants": allocation.outcomes.len(), "offers": allocation.offers.len()})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Free units of a round's unit types in one complex, by unit type name then number:
    /// the order in which units are handed out.
    pub async fn free_units_in_round(
        &self,
        round_id: i64,
        complex_id: i64,
    ) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "select u.unit_id from unit u join unit_type t on t.unit_type_id = u.unit_type_id
               join round_unit_type r on r.unit_type_id = u.unit_type_id and r.round_id = $1
              where u.complex_id = $2 and u.status = 'free' order by t.name, u.number",
        )
        .bind(round_id)
        .bind(complex_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// A talent's pseudonym in a round: `a` + 12 hex characters of a keyed hash of
    /// round and talent. Without the site's key nobody can link it to the talent, nor
    /// the same talent across rounds; the platform recomputes it to show the talent
    /// their own row of the published files.
    pub fn round_pseudonym(&self, round_id: i64, talent_id: i64) -> String {
        let index = self
            .cipher()
            .blind_index("housing.pseudonym", &format!("{round_id}:{talent_id}"));
        format!("a{}", &index[..12])
    }

    /// The facts about a round's applicants that eligibility reads, as of `day`
    /// (`YYYY-MM-DD`).
    pub async fn round_applicant_facts(
        &self,
        round_id: i64,
        day: &str,
    ) -> Result<RoundApplicantFacts, StoreError> {
        let mut facts = RoundApplicantFacts::default();
        let rows = sqlx::query_as::<_, TalentRow>(
            "select t.* from talent t join application a on a.talent_id = t.talent_id where a.round_id = $1",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        for row in rows {
            let talent = row.open(self.cipher())?;
            facts.talents.insert(talent.talent_id, talent);
        }
        facts.card_tiers = sqlx::query_as::<_, (i64, String)>(
            "select c.talent_id, c.tier from card c join application a on a.talent_id = c.talent_id
              where a.round_id = $1 and c.status = 'active' and c.valid_from <= $2 and c.valid_until >= $2",
        )
        .bind(round_id)
        .bind(day)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .collect();
        facts.housed = sqlx::query_scalar(
            "select l.talent_id from lease l join application a on a.talent_id = l.talent_id
              where a.round_id = $1 and l.status in ('active', 'ending')",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .collect();
        facts.refusals = self.round_refusals(round_id).await?;
        Ok(facts)
    }

    /// When each of a round's applicants declined an offer or let one lapse, in any
    /// round (Unix ms, oldest first).
    pub async fn round_refusals(
        &self,
        round_id: i64,
    ) -> Result<std::collections::HashMap<i64, Vec<i64>>, StoreError> {
        let mut refusals: std::collections::HashMap<i64, Vec<i64>> = Default::default();
        for (talent_id, responded_at) in sqlx::query_as::<_, (i64, i64)>(
            "select o.talent_id, o.responded_at from offer o join application a on a.talent_id = o.talent_id
              where a.round_id = $1 and o.status in ('declined', 'expired') and o.responded_at is not null
              order by o.responded_at",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?
        {
            refusals.entry(talent_id).or_default().push(responded_at);
        }
        Ok(refusals)
    }
}
