-- AlterTable
ALTER TABLE "ledger_daily" ADD COLUMN     "revenue_cents" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ledger_deltas" ADD COLUMN     "revenue_cents" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ledger_partner_daily" ADD COLUMN     "revenue_cents" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ledger_partner_deltas" ADD COLUMN     "revenue_cents" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "wallet_entries" ADD COLUMN     "accrual_key" TEXT,
ADD COLUMN     "revenue_cents" INTEGER,
ADD COLUMN     "terms_mode" TEXT,
ADD COLUMN     "terms_value" INTEGER;

-- CreateTable
CREATE TABLE "commission_terms" (
    "id" SERIAL NOT NULL,
    "offer_id" INTEGER NOT NULL,
    "partner_id" INTEGER,
    "mode" TEXT NOT NULL,
    "value" INTEGER NOT NULL,
    "effective_from" TIMESTAMP(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "commission_terms_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "commission_terms_offer_id_partner_id_effective_from_idx" ON "commission_terms"("offer_id", "partner_id", "effective_from");

-- CreateIndex
CREATE UNIQUE INDEX "wallet_entries_accrual_key_key" ON "wallet_entries"("accrual_key");

-- Hand-written: entries booked so far were at 100 % revshare, revenue = earnings.
UPDATE "wallet_entries" SET "revenue_cents" = "amount_cents" WHERE "type" = 'conversion';
UPDATE "ledger_daily" SET "revenue_cents" = "amount_cents";
UPDATE "ledger_deltas" SET "revenue_cents" = "amount_cents";
UPDATE "ledger_partner_daily" SET "revenue_cents" = "amount_cents";
UPDATE "ledger_partner_deltas" SET "revenue_cents" = "amount_cents";

-- Hand-written: the delta functions of "ledger_daily_rollup" and "ledger_partner_daily"
-- now also carry each entry's revenue (null revenue: the amount, revshare 100 %).
CREATE OR REPLACE FUNCTION "ledger_deltas_after_insert"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ledger_deltas" ("day", "type", "status", "entries", "amount_cents", "revenue_cents")
  SELECT date_trunc(''day'', "created_at"), "type", "status", COUNT(*), SUM("amount_cents"), SUM(coalesce("revenue_cents", "amount_cents")) FROM "new_rows" GROUP BY 1, 2, 3\073
  RETURN NULL\073
END'
;

CREATE OR REPLACE FUNCTION "ledger_deltas_after_update"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ledger_deltas" ("day", "type", "status", "entries", "amount_cents", "revenue_cents")
  SELECT "day", "type", "status", SUM("entries"), SUM("amount_cents"), SUM("revenue_cents") FROM (
    SELECT date_trunc(''day'', "created_at") AS "day", "type", "status", 1 AS "entries", "amount_cents"::bigint AS "amount_cents",
      coalesce("revenue_cents", "amount_cents")::bigint AS "revenue_cents" FROM "new_rows"
    UNION ALL
    SELECT date_trunc(''day'', "created_at"), "type", "status", -1, -"amount_cents"::bigint, -coalesce("revenue_cents", "amount_cents")::bigint FROM "old_rows"
  ) AS "changes"
  GROUP BY "day", "type", "status"
  HAVING SUM("entries") <> 0 OR SUM("amount_cents") <> 0 OR SUM("revenue_cents") <> 0\073
  RETURN NULL\073
END'
;

CREATE OR REPLACE FUNCTION "ledger_deltas_after_delete"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ledger_deltas" ("day", "type", "status", "entries", "amount_cents", "revenue_cents")
  SELECT date_trunc(''day'', "created_at"), "type", "status", -COUNT(*), -SUM("amount_cents"), -SUM(coalesce("revenue_cents", "amount_cents")) FROM "old_rows" GROUP BY 1, 2, 3\073
  RETURN NULL\073
END'
;

CREATE OR REPLACE FUNCTION "ledger_partner_deltas_after_insert"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ledger_partner_deltas" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents", "revenue_cents")
  SELECT date_trunc(''day'', "created_at"), coalesce("partner_id", 0), coalesce("assignment_id", 0), coalesce("network_id", 0), "type", "status", COUNT(*), SUM("amount_cents"),
    SUM(coalesce("revenue_cents", "amount_cents"))
  FROM "new_rows" GROUP BY 1, 2, 3, 4, 5, 6\073
  RETURN NULL\073
END'
;

CREATE OR REPLACE FUNCTION "ledger_partner_deltas_after_update"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ledger_partner_deltas" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents", "revenue_cents")
  SELECT "day", "partner_id", "assignment_id", "network_id", "type", "status", SUM("entries"), SUM("amount_cents"), SUM("revenue_cents") FROM (
    SELECT date_trunc(''day'', "created_at") AS "day", coalesce("partner_id", 0) AS "partner_id", coalesce("assignment_id", 0) AS "assignment_id",
      coalesce("network_id", 0) AS "network_id", "type", "status", 1 AS "entries", "amount_cents"::bigint AS "amount_cents",
      coalesce("revenue_cents", "amount_cents")::bigint AS "revenue_cents" FROM "new_rows"
    UNION ALL
    SELECT date_trunc(''day'', "created_at"), coalesce("partner_id", 0), coalesce("assignment_id", 0), coalesce("network_id", 0),
      "type", "status", -1, -"amount_cents"::bigint, -coalesce("revenue_cents", "amount_cents")::bigint FROM "old_rows"
  ) AS "changes"
  GROUP BY "day", "partner_id", "assignment_id", "network_id", "type", "status"
  HAVING SUM("entries") <> 0 OR SUM("amount_cents") <> 0 OR SUM("revenue_cents") <> 0\073
  RETURN NULL\073
END'
;

CREATE OR REPLACE FUNCTION "ledger_partner_deltas_after_delete"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ledger_partner_deltas" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents", "revenue_cents")
  SELECT date_trunc(''day'', "created_at"), coalesce("partner_id", 0), coalesce("assignment_id", 0), coalesce("network_id", 0), "type", "status", -COUNT(*), -SUM("amount_cents"),
    -SUM(coalesce("revenue_cents", "amount_cents"))
  FROM "old_rows" GROUP BY 1, 2, 3, 4, 5, 6\073
  RETURN NULL\073
END'
;
