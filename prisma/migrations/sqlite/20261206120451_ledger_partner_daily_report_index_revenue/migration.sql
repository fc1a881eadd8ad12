-- DropIndex
DROP INDEX "ledger_partner_daily_type_day_partner_id_status_entries_amount_cents_idx";

-- CreateIndex
CREATE INDEX "ledger_partner_daily_type_day_partner_id_status_entries_amount_cents_revenue_cents_idx" ON "ledger_partner_daily"("type", "day", "partner_id", "status", "entries", "amount_cents", "revenue_cents");
