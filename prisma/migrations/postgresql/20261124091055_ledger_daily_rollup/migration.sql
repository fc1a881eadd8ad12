-- DropIndex
DROP INDEX "click_rollups_kind_day_idx";

-- DropIndex
DROP INDEX "wallet_entries_type_status_created_at_idx";

-- CreateTable
CREATE TABLE "ledger_daily" (
    "day" TIMESTAMP(3) NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "entries" INTEGER NOT NULL DEFAULT 0,
    "amount_cents" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "ledger_daily_pkey" PRIMARY KEY ("day","type","status")
);

-- CreateTable
CREATE TABLE "ledger_deltas" (
    "id" SERIAL NOT NULL,
    "day" TIMESTAMP(3) NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "entries" INTEGER NOT NULL,
    "amount_cents" BIGINT NOT NULL,

    CONSTRAINT "ledger_deltas_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "click_rollups_kind_day_partner_id_count_idx" ON "click_rollups"("kind", "day", "partner_id", "count");

-- CreateIndex
CREATE INDEX "wallet_entries_type_status_created_at_amount_cents_idx" ON "wallet_entries"("type", "status", "created_at", "amount_cents");

-- Hand-written (Prisma does not model triggers): every statement that changes
-- wallet_entries appends its net change per (day, type, status) to ledger_deltas,
-- in its own transaction. Appending never waits on another transaction: a shared
-- total row would serialize, even deadlock, concurrent postback batches.
-- src/ledger/ledger-daily.ts folds the deltas into ledger_daily, and readers add both.
-- The function bodies are E'' strings with \073 for each semicolon: the driver
-- adapter that applies migrations splits scripts at every semicolon, even inside
-- a dollar-quoted body.
CREATE FUNCTION "ledger_deltas_after_insert"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ledger_deltas" ("day", "type", "status", "entries", "amount_cents")
  SELECT date_trunc(''day'', "created_at"), "type", "status", COUNT(*), SUM("amount_cents") FROM "new_rows" GROUP BY 1, 2, 3\073
  RETURN NULL\073
END'
;

CREATE FUNCTION "ledger_deltas_after_update"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ledger_deltas" ("day", "type", "status", "entries", "amount_cents")
  SELECT "day", "type", "status", SUM("entries"), SUM("amount_cents") FROM (
    SELECT date_trunc(''day'', "created_at") AS "day", "type", "status", 1 AS "entries", "amount_cents"::bigint AS "amount_cents" FROM "new_rows"
    UNION ALL
    SELECT date_trunc(''day'', "created_at"), "type", "status", -1, -"amount_cents"::bigint FROM "old_rows"
  ) AS "changes"
  GROUP BY "day", "type", "status"
  HAVING SUM("entries") <> 0 OR SUM("amount_cents") <> 0\073
  RETURN NULL\073
END'
;

CREATE FUNCTION "ledger_deltas_after_delete"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ledger_deltas" ("day", "type", "status", "entries", "amount_cents")
  SELECT date_trunc(''day'', "created_at"), "type", "status", -COUNT(*), -SUM("amount_cents") FROM "old_rows" GROUP BY 1, 2, 3\073
  RETURN NULL\073
END'
;

-- TRUNCATE fires no row or statement DELETE trigger: an emptied ledger empties its totals.
CREATE FUNCTION "ledger_daily_after_truncate"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  DELETE FROM "ledger_deltas"\073
  DELETE FROM "ledger_daily"\073
  RETURN NULL\073
END'
;

CREATE TRIGGER "wallet_entries_ledger_insert" AFTER INSERT ON "wallet_entries"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "ledger_deltas_after_insert"();
CREATE TRIGGER "wallet_entries_ledger_update" AFTER UPDATE ON "wallet_entries"
  REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "ledger_deltas_after_update"();
CREATE TRIGGER "wallet_entries_ledger_delete" AFTER DELETE ON "wallet_entries"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "ledger_deltas_after_delete"();
CREATE TRIGGER "wallet_entries_ledger_truncate" AFTER TRUNCATE ON "wallet_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_daily_after_truncate"();

-- The entries already there.
INSERT INTO "ledger_daily" ("day", "type", "status", "entries", "amount_cents")
SELECT date_trunc('day', "created_at"), "type", "status", COUNT(*), SUM("amount_cents") FROM "wallet_entries" GROUP BY 1, 2, 3;
