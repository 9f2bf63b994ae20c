//! Spending reports of the lines written.

use super::*;

impl Store {
    /// Spending of the lines written by the run of `month`, by one dimension: (key, talents,
    /// fen). Dimensions: `benefit`, `degree`, `tier` (the card in force now), `district` (the
    /// employer's).
    pub async fn spending_by(
        &self,
        month: Month,
        dimension: SpendingDimension,
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        let key = match dimension {
            SpendingDimension::Benefit => "l.benefit",
            SpendingDimension::Degree => "t.degree",
            SpendingDimension::Tier => "coalesce(c.tier, 'none')",
            SpendingDimension::District => "coalesce(e.district, '')",
        };
        Ok(sqlx::query_as(&format!(
            "select {key} as k, count(distinct l.talent_id) as talents, cast(sum(l.amount_fen) as bigint) as total
             from payment_line l join talent t on t.talent_id = l.talent_id
             left join card c on c.talent_id = l.talent_id and c.status = 'active'
             left join enterprise e on e.enterprise_id = t.employer_enterprise_id
             where l.run_month = $1 group by {key} order by {key}"
        ))
        .bind(month.to_string())
        .fetch_all(self.pool())
        .await?)
    }

    /// Total spending of each run month, oldest first: (month, fen).
    pub async fn spending_by_month(&self) -> Result<Vec<(Month, i64)>, StoreError> {
        // The month comes with the lowest line of its group, to name a bad one's row.
        sqlx::query_as::<_, (String, i64, i64)>(
            "select run_month, min(payment_line_id) as id, cast(sum(amount_fen) as bigint) as total from payment_line group by run_month order by run_month",
        )
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|(run_month, id, total)| {
            Ok((
                columns::Stored::new("payment_line", id).parse("run_month", &run_month)?,
                total,
            ))
        })
        .collect()
    }
}
