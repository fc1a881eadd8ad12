-- CreateTable
CREATE TABLE "ledger_partner_totals" (
    "partner_id" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "entries" INTEGER NOT NULL DEFAULT 0,
    "amount_cents" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "ledger_partner_totals_pkey" PRIMARY KEY ("partner_id","type","status")
);

-- Hand-written: on PostgreSQL no trigger writes ledger_partner_totals. The deltas
-- the triggers of ledger_partner_daily append are folded into both tables by one
-- statement (src/db/queries/ledger-partner-daily.ts), and readers add the deltas
-- not folded yet. So the totals are ledger_partner_daily summed over its days.
-- TRUNCATE fires no DELETE trigger: an emptied ledger empties these totals too.
CREATE FUNCTION "ledger_partner_totals_after_truncate"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  DELETE FROM "ledger_partner_totals"\073
  RETURN NULL\073
END'
;

CREATE TRIGGER "wallet_entries_ledger_partner_totals_truncate" AFTER TRUNCATE ON "wallet_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_partner_totals_after_truncate"();

-- The entries already folded (the deltas pending are added to both when folded).
INSERT INTO "ledger_partner_totals" ("partner_id", "type", "status", "entries", "amount_cents")
SELECT "partner_id", "type", "status", SUM("entries"), SUM("amount_cents") FROM "ledger_partner_daily" GROUP BY 1, 2, 3;
