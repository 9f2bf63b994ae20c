//! Complexes, unit types and units: the forms, the all-or-nothing import, maintenance.

use super::*;

/// Adds `types` (and their units) to complex `complex_id` inside `tx`, reporting clashes
/// with what is registered. A unit type of the same name is reused when its area,
/// bedrooms and rent agree.
async fn add_unit_types(
    tx: &mut Tx,
    complex_id: i64,
    types: &[NewUnitType],
    summary: &mut InventoryImportSummary,
    problems: &mut Vec<(usize, &'static str, &'static str)>,
) -> Result<(), StoreError> {
    let now = now_ms();
    for unit_type in types {
        let existing = sqlx::query("select * from unit_type where complex_id = $1 and name = $2")
            .bind(complex_id)
            .bind(&unit_type.name)
            .fetch_optional(&mut **tx)
            .await?;
        let unit_type_id = match existing {
            Some(row) => {
                let found = unit_type_from_row(&row)?;
                if (found.area_centi_m2, found.bedrooms, found.rent_fen)
                    != (
                        unit_type.area_centi_m2,
                        unit_type.bedrooms,
                        unit_type.rent_fen,
                    )
                {
                    problems.push((unit_type.row, "unit_type", "unit-type-inconsistent"));
                    continue;
                }
                found.unit_type_id
            }
            None => {
                summary.unit_types_created += 1;
                sqlx::query_scalar(
                    "insert into unit_type (complex_id, name, area_centi_m2, bedrooms, rent_fen)
                     values ($1, $2, $3, $4, $5) returning unit_type_id",
                )
                .bind(complex_id)
                .bind(&unit_type.name)
                .bind(unit_type.area_centi_m2)
                .bind(unit_type.bedrooms)
                .bind(unit_type.rent_fen)
                .fetch_one(&mut **tx)
                .await?
            }
        };
        for unit in &unit_type.units {
            let taken: Option<i64> = sqlx::query_scalar(
                "select unit_id from unit where complex_id = $1 and number = $2",
            )
            .bind(complex_id)
            .bind(&unit.number)
            .fetch_optional(&mut **tx)
            .await?;
            if taken.is_some() {
                problems.push((unit.row, "unit_number", "unit-number-taken"));
                continue;
            }
            sqlx::query(
                "insert into unit (complex_id, unit_type_id, number, status, updated_at) values ($1, $2, $3, $4, $5)",
            )
            .bind(complex_id)
            .bind(unit_type_id)
            .bind(&unit.number)
            .bind(if unit.maintenance {
                    UnitStatus::Maintenance
                } else {
                    UnitStatus::Free
                }
                .as_str())
            .bind(now)
            .execute(&mut **tx)
            .await?;
            summary.units_created += 1;
        }
    }
    Ok(())
}

async fn insert_complex(tx: &mut Tx, complex: &NewComplex) -> Result<i64, StoreError> {
    let now = now_ms();
    Ok(sqlx::query_scalar(
        "insert into complex (code, name, district, address, operator, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $6) returning complex_id",
    )
    .bind(&complex.code)
    .bind(&complex.name)
    .bind(&complex.district)
    .bind(&complex.address)
    .bind(&complex.operator)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

impl Store {
    /// Every complex with its unit counts, by code.
    pub async fn complexes(&self) -> Result<Vec<ComplexSummary>, StoreError> {
        Ok(sqlx::query_as::<_, ComplexSummary>(
            "select c.*,
                    (select count(*) from unit_type t where t.complex_id = c.complex_id) as unit_types,
                    (select count(*) from unit u where u.complex_id = c.complex_id and u.status = 'free') as free,
                    (select count(*) from unit u where u.complex_id = c.complex_id and u.status = 'offered') as offered,
                    (select count(*) from unit u where u.complex_id = c.complex_id and u.status = 'let') as let_,
                    (select count(*) from unit u where u.complex_id = c.complex_id and u.status = 'maintenance') as maintenance
               from complex c order by c.code",
        )
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn complex(&self, complex_id: i64) -> Result<ComplexRecord, StoreError> {
        let row = sqlx::query("select * from complex where complex_id = $1")
            .bind(complex_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        complex_from_row(&row)
    }

    pub async fn unit_types_of(&self, complex_id: i64) -> Result<Vec<UnitTypeRecord>, StoreError> {
        let rows = sqlx::query("select * from unit_type where complex_id = $1 order by name")
            .bind(complex_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(unit_type_from_row).collect()
    }

    /// Every unit type of every complex, by complex code and name: the choices when
    /// opening a round.
    pub async fn all_unit_types(&self) -> Result<Vec<(ComplexRecord, UnitTypeRecord)>, StoreError> {
        Ok(sqlx::query_as::<_, UnitTypeOfComplexRow>(
            "select t.*, c.code, c.name as complex_name, c.district, c.address, c.operator
               from unit_type t join complex c on c.complex_id = t.complex_id order by c.code, t.name",
        )
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|row| (row.complex.into(), row.unit_type))
        .collect())
    }

    pub async fn units_of(&self, complex_id: i64) -> Result<Vec<UnitRecord>, StoreError> {
        sqlx::query_as::<_, UnitRow>(
            "select unit_id, complex_id, unit_type_id, number, status from unit where complex_id = $1 order by number",
        )
        .bind(complex_id)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(UnitRecord::try_from)
        .collect()
    }

    /// Creates a complex; a code already registered is a `Conflict`.
    pub async fn create_complex(
        &self,
        complex: &NewComplex,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let id = insert_complex(&mut tx, complex).await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "complex.create",
                entity: "complex",
                entity_id: id.to_string(),
                before: None,
                after: Some(
                    json!({"code": complex.code, "name": complex.name, "district": complex.district}),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds a unit type and its units to a complex, all or nothing.
    pub async fn add_unit_type(
        &self,
        complex_id: i64,
        unit_type: &NewUnitType,
        actor: &Actor,
    ) -> Result<InventoryImportSummary, InventoryConflict> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        self.complex(complex_id).await?;
        let mut summary = InventoryImportSummary::default();
        let mut problems = Vec::new();
        add_unit_types(
            &mut tx,
            complex_id,
            std::slice::from_ref(unit_type),
            &mut summary,
            &mut problems,
        )
        .await?;
        if !problems.is_empty() {
            return Err(InventoryConflict::Clash { problems });
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "unit_type.add",
                entity: "complex",
                entity_id: complex_id.to_string(),
                before: None,
                after: Some(json!({"unit_type": unit_type.name, "units": summary.units_created, "rent_fen": unit_type.rent_fen})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Imports complexes, unit types and units, all or nothing. A complex code already
    /// registered receives the new units if its name, district, address and operator
    /// agree; a unit number already registered in its complex is refused.
    pub async fn import_inventory(
        &self,
        complexes: &[(NewComplex, Vec<NewUnitType>)],
        file_name: &str,
        actor: &Actor,
    ) -> Result<InventoryImportSummary, InventoryConflict> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let mut summary = InventoryImportSummary::default();
        let mut problems = Vec::new();
        for (complex, types) in complexes {
            let existing = sqlx::query("select * from complex where code = $1")
                .bind(&complex.code)
                .fetch_optional(&mut *tx)
                .await?;
            let complex_id = match existing {
                Some(row) => {
                    let found = complex_from_row(&row)?;
                    let checks: [(&str, &'static str, &str); 4] = [
                        (&found.name, "complex_name", &complex.name),
                        (&found.district, "district", &complex.district),
                        (&found.address, "address", &complex.address),
                        (&found.operator, "operator", &complex.operator),
                    ];
                    if let Some((_, column, _)) = checks.iter().find(|(a, _, b)| a != b) {
                        problems.push((complex.row, *column, "complex-inconsistent"));
                        continue;
                    }
                    found.complex_id
                }
                None => {
                    summary.complexes_created += 1;
                    insert_complex(&mut tx, complex).await?
                }
            };
            add_unit_types(&mut tx, complex_id, types, &mut summary, &mut problems).await?;
        }
        if !problems.is_empty() {
            problems.sort();
            return Err(InventoryConflict::Clash { problems });
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "inventory.import",
                entity: "inventory",
                entity_id: file_name.chars().take(100).collect(),
                before: None,
                after: Some(json!({
                    "complexes_created": summary.complexes_created,
                    "unit_types_created": summary.unit_types_created,
                    "units_created": summary.units_created,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Whether unit `unit_id` exists.
    pub async fn unit_exists(&self, unit_id: i64) -> Result<bool, StoreError> {
        let count: i64 = sqlx::query_scalar("select count(*) from unit where unit_id = $1")
            .bind(unit_id)
            .fetch_one(self.pool())
            .await?;
        Ok(count > 0)
    }

    /// Takes a free unit out of service or puts it back; a unit on offer or let cannot
    /// change (`NotFound`).
    pub async fn set_unit_maintenance(
        &self,
        unit_id: i64,
        maintenance: bool,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let (from, to) = if maintenance {
            (UnitStatus::Free, UnitStatus::Maintenance)
        } else {
            (UnitStatus::Maintenance, UnitStatus::Free)
        };
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let changed = sqlx::query(
            "update unit set status = $1, updated_at = $2 where unit_id = $3 and status = $4",
        )
        .bind(to.as_str())
        .bind(now_ms())
        .bind(unit_id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "unit.status",
                entity: "unit",
                entity_id: unit_id.to_string(),
                before: Some(json!({"status": from})),
                after: Some(json!({"status": to})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
