-- CreateIndex
CREATE INDEX "ledger_partner_totals_type_status_partner_id_amount_cents_idx" ON "ledger_partner_totals"("type", "status", "partner_id", "amount_cents");
