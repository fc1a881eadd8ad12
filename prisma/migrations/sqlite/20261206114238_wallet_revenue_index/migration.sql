-- DropIndex
DROP INDEX "wallet_entries_type_status_created_at_amount_cents_idx";

-- CreateIndex
CREATE INDEX "wallet_entries_type_status_created_at_amount_cents_revenue_cents_idx" ON "wallet_entries"("type", "status", "created_at", "amount_cents", "revenue_cents");
