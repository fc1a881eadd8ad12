-- DropIndex
DROP INDEX "wallet_entries_partner_id_type_status_idx";

-- CreateIndex
CREATE INDEX "wallet_entries_partner_id_type_status_created_at_amount_cents_idx" ON "wallet_entries"("partner_id", "type", "status", "created_at", "amount_cents");
