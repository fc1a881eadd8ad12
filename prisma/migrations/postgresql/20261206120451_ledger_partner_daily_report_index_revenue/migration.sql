-- DropIndex
DROP INDEX "ledger_partner_daily_type_day_partner_id_status_entries_amo_idx";

-- CreateIndex
CREATE INDEX "ledger_partner_daily_type_day_partner_id_status_entries_amo_idx" ON "ledger_partner_daily"("type", "day", "partner_id", "status", "entries", "amount_cents", "revenue_cents");
