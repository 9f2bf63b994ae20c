//! Offers: from the allocation or a waiting list, accepted (a lease), declined or lapsed.

use super::*;

/// Closes a pending offer as `declined` or `expired` and frees its unit.
async fn close_offer(
    tx: &mut Tx,
    offer_id: i64,
    talent_id: Option<i64>,
    status: OfferStatus,
) -> Result<ClosedOffer, StoreError> {
    let now = now_ms();
    let (offer_id, round_id, talent_id, unit_id) = sqlx::query_as::<_, (i64, i64, i64, i64)>(
        "update offer set status = $1, responded_at = $2
          where offer_id = $3 and status = 'pending' and ($4 = 0 or talent_id = $4)
          returning offer_id, round_id, talent_id, unit_id",
    )
    .bind(status.as_str())
    .bind(now)
    .bind(offer_id)
    .bind(talent_id.unwrap_or(0))
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    sqlx::query("update unit set status = 'free', updated_at = $1 where unit_id = $2")
        .bind(now)
        .bind(unit_id)
        .execute(&mut **tx)
        .await?;
    let complex_id: i64 = sqlx::query_scalar("select complex_id from unit where unit_id = $1")
        .bind(unit_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(ClosedOffer {
        offer_id,
        round_id,
        talent_id,
        unit_id,
        complex_id,
    })
}

impl Store {
    /// Offers a free unit to an applicant of a round from its waiting list. `Conflict` if
    /// the unit is no longer free or the applicant already holds a live offer.
    pub async fn offer_from_waiting_list(
        &self,
        round_id: i64,
        application_id: i64,
        talent_id: i64,
        unit_id: i64,
        respond_by: i64,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let offer_id = insert_offer(
            &mut tx,
            round_id,
            application_id,
            talent_id,
            unit_id,
            "waiting_list",
            respond_by,
        )
        .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "offer.make",
                entity: "offer",
                entity_id: offer_id.to_string(),
                before: None,
                after: Some(json!({"round_id": round_id, "talent_id": talent_id, "unit_id": unit_id, "source": "waiting_list"})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(offer_id)
    }

    pub async fn offer(&self, offer_id: i64) -> Result<OfferRecord, StoreError> {
        let row = sqlx::query(&format!("{OFFER_VIEW} where o.offer_id = $1"))
            .bind(offer_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        offer_from_row(&row)
    }

    /// A talent's offers, newest first.
    pub async fn offers_of_talent(&self, talent_id: i64) -> Result<Vec<OfferRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "{OFFER_VIEW} where o.talent_id = $1 order by o.offer_id desc"
        ))
        .bind(talent_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(offer_from_row).collect()
    }

    /// A round's offers in the order they were made.
    pub async fn offers_of_round(&self, round_id: i64) -> Result<Vec<OfferRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "{OFFER_VIEW} where o.round_id = $1 order by o.offer_id"
        ))
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(offer_from_row).collect()
    }

    /// Talents of a round who hold a live offer (pending or accepted) or declined or let
    /// lapse an offer in it: not on its waiting list again.
    pub async fn round_offer_holders(&self, round_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("select distinct talent_id from offer where round_id = $1")
                .bind(round_id)
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// Days on which a talent declined an offer or let one lapse, oldest first (Unix ms).
    pub async fn refusals_of(&self, talent_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "select responded_at from offer where talent_id = $1 and status in ('declined', 'expired')
               and responded_at is not null order by responded_at",
        )
        .bind(talent_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Accepts a pending offer before its deadline: the unit is let, a lease begins, and
    /// the talent's housing becomes a talent apartment. `NotFound` if the offer is not the
    /// talent's, not pending, or past its deadline.
    pub async fn accept_offer(
        &self,
        offer_id: i64,
        talent_id: i64,
        lease: &NewLease<'_>,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let unit_id: i64 = sqlx::query_scalar(
            "update offer set status = 'accepted', responded_at = $1
              where offer_id = $2 and talent_id = $3 and status = 'pending' and respond_by >= $1 returning unit_id",
        )
        .bind(now)
        .bind(offer_id)
        .bind(talent_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        sqlx::query("update unit set status = 'let', updated_at = $1 where unit_id = $2")
            .bind(now)
            .bind(unit_id)
            .execute(&mut *tx)
            .await?;
        let lease_id: i64 = sqlx::query_scalar(
            "insert into lease (offer_id, talent_id, unit_id, start_date, end_date, rent_fen, status)
             values ($1, $2, $3, $4, $5, $6, 'active') returning lease_id",
        )
        .bind(offer_id)
        .bind(talent_id)
        .bind(unit_id)
        .bind(lease.start_date)
        .bind(lease.end_date)
        .bind(lease.rent_fen)
        .fetch_one(&mut *tx)
        .await?;
        for from in ["none", "rent"] {
            set_talent_housing(&mut tx, talent_id, from, "talent_apartment", actor).await?;
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "offer.accept",
                entity: "offer",
                entity_id: offer_id.to_string(),
                before: Some(json!({"status": OfferStatus::Pending})),
                after: Some(json!({"status": OfferStatus::Accepted, "lease_id": lease_id, "start": lease.start_date, "end": lease.end_date, "rent_fen": lease.rent_fen})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(lease_id)
    }

    /// Declines a pending offer (the talent's own): the unit is free again.
    pub async fn decline_offer(
        &self,
        offer_id: i64,
        talent_id: i64,
        actor: &Actor,
    ) -> Result<ClosedOffer, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let closed = close_offer(&mut tx, offer_id, Some(talent_id), OfferStatus::Declined).await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "offer.decline",
                entity: "offer",
                entity_id: offer_id.to_string(),
                before: Some(json!({"status": OfferStatus::Pending})),
                after: Some(json!({"status": OfferStatus::Declined})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(closed)
    }

    /// Lets pending offers past their deadline lapse, each in its own transaction (an
    /// offer answered meanwhile is skipped). Safe to run again at any time.
    pub async fn expire_offers(&self, now: i64) -> Result<Vec<ClosedOffer>, StoreError> {
        let due: Vec<i64> = sqlx::query_scalar(
            "select offer_id from offer where status = 'pending' and respond_by < $1 order by offer_id",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        let mut closed = Vec::new();
        for offer_id in due {
            let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
            match close_offer(&mut tx, offer_id, None, OfferStatus::Expired).await {
                Ok(offer) => {
                    audit::append(
                        &mut tx,
                        &Actor::System,
                        Change {
                            action: "offer.expire",
                            entity: "offer",
                            entity_id: offer_id.to_string(),
                            before: Some(json!({"status": OfferStatus::Pending})),
                            after: Some(json!({"status": OfferStatus::Expired})),
                        },
                    )
                    .await?;
                    tx.commit().await?;
                    closed.push(offer);
                }
                Err(StoreError::NotFound) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(closed)
    }
}
