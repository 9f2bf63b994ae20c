//! Green cards: issue, revoke, read.

use super::*;

impl Store {
    /// Issues a card; a talent with a card in force gets `Conflict`.
    pub async fn issue_card(
        &self,
        card: &NewCard<'_>,
        actor: &Actor,
    ) -> Result<CardRecord, StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let active: Option<i64> = sqlx::query_scalar(
            "select card_id from card where talent_id = $1 and status = 'active'",
        )
        .bind(card.talent_id)
        .fetch_optional(&mut *tx)
        .await?;
        if active.is_some() {
            return Err(StoreError::Conflict {
                constraint: "card_active_idx".into(),
            });
        }
        // The number carries the serial, which is the row id: insert, then number it.
        let pending = format!("pending-{}-{now}", card.talent_id);
        let card_id: i64 = sqlx::query_scalar(
            "insert into card (number, talent_id, tier, valid_from, valid_until, status, policy_version_id, issued_by, issued_at)
             values ($1, $2, $3, $4, $5, 'active', $6, $7, $8) returning card_id",
        )
        .bind(&pending)
        .bind(card.talent_id)
        .bind(card.tier)
        .bind(card.valid_from)
        .bind(card.valid_until)
        .bind(card.policy_version_id)
        .bind(actor_id(actor))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let number = (card.number)(card_id);
        sqlx::query("update card set number = $1 where card_id = $2")
            .bind(&number)
            .bind(card_id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "card.issue",
                entity: "card",
                entity_id: card_id.to_string(),
                before: None,
                after: Some(json!({"number": number, "talent_id": card.talent_id, "tier": card.tier, "valid_until": card.valid_until})),
            },
        )
        .await?;
        notify(
            &mut tx,
            card.talent_id,
            "card-issued",
            card_id,
            json!({"number": number, "tier": card.tier}),
        )
        .await?;
        tx.commit().await?;
        self.card(card_id).await
    }

    /// Revokes a card in force, with the reason shown on /verify.
    pub async fn revoke_card(
        &self,
        card_id: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let card = sqlx::query("select * from card where card_id = $1 and status = 'active'")
            .bind(card_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let card = card_from_row(&card)?;
        sqlx::query("update card set status = 'revoked', revoked_reason = $1, revoked_at = $2, revoked_by = $3 where card_id = $4")
            .bind(reason)
            .bind(now)
            .bind(actor_id(actor))
            .bind(card_id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "card.revoke",
                entity: "card",
                entity_id: card_id.to_string(),
                before: Some(json!({"status": CardStatus::Active})),
                after: Some(json!({"status": CardStatus::Revoked, "reason": reason})),
            },
        )
        .await?;
        notify(
            &mut tx,
            card.talent_id,
            "card-revoked",
            card_id,
            json!({"number": card.number, "reason": reason}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn card(&self, card_id: i64) -> Result<CardRecord, StoreError> {
        let row = sqlx::query("select * from card where card_id = $1")
            .bind(card_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        card_from_row(&row)
    }

    pub async fn card_by_number(&self, number: &str) -> Result<Option<CardRecord>, StoreError> {
        let row = sqlx::query("select * from card where number = $1")
            .bind(number)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(card_from_row).transpose()
    }

    /// A talent's cards, newest first.
    pub async fn cards_of_talent(&self, talent_id: i64) -> Result<Vec<CardRecord>, StoreError> {
        let rows = sqlx::query("select * from card where talent_id = $1 order by card_id desc")
            .bind(talent_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(card_from_row).collect()
    }

    pub async fn count_cards(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("select count(*) from card")
            .fetch_one(self.pool())
            .await?)
    }

    /// Numbers of revoked cards, for the list published next to the public key.
    pub async fn revoked_card_numbers(&self) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("select number from card where status = 'revoked' order by number")
                .fetch_all(self.pool())
                .await?,
        )
    }
}
