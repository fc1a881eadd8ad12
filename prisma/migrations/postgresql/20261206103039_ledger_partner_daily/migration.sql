-- CreateTable
CREATE TABLE "ledger_partner_daily" (
    "day" TIMESTAMP(3) NOT NULL,
    "partner_id" INTEGER NOT NULL,
    "assignment_id" INTEGER NOT NULL,
    "network_id" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "entries" INTEGER NOT NULL DEFAULT 0,
    "amount_cents" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "ledger_partner_daily_pkey" PRIMARY KEY ("day","partner_id","assignment_id","network_id","type","status")
);

-- CreateTable
CREATE TABLE "ledger_partner_deltas" (
    "id" SERIAL NOT NULL,
    "day" TIMESTAMP(3) NOT NULL,
    "partner_id" INTEGER NOT NULL,
    "assignment_id" INTEGER NOT NULL,
    "network_id" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "entries" INTEGER NOT NULL,
    "amount_cents" BIGINT NOT NULL,

    CONSTRAINT "ledger_partner_deltas_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ledger_partner_daily_type_status_partner_id_day_amount_cent_idx" ON "ledger_partner_daily"("type", "status", "partner_id", "day", "amount_cents");

-- Hand-written (Prisma does not model triggers): as for ledger_daily (migration
-- ledger_daily_rollup), every statement that changes wallet_entries appends its
-- net change per (day, partner, assignment, network, type, status) to
-- ledger_partner_deltas in its own transaction, so concurrent postback batches
-- never wait on a shared row. src/ledger/ledger-daily.ts folds them into
-- ledger_partner_daily and readers add both. A conversion moved to another status,
-- amount, partner or assignment leaves its old cell and enters its new one. A
-- missing partner, assignment or network is 0. Semicolons in the bodies are \073
-- (the migration runner splits scripts at every semicolon).
CREATE FUNCTION "ledger_partner_deltas_after_insert"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ledger_partner_deltas" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents")
  SELECT date_trunc(''day'', "created_at"), coalesce("partner_id", 0), coalesce("assignment_id", 0), coalesce("network_id", 0), "type", "status", COUNT(*), SUM("amount_cents")
  FROM "new_rows" GROUP BY 1, 2, 3, 4, 5, 6\073
  RETURN NULL\073
END'
;

CREATE FUNCTION "ledger_partner_deltas_after_update"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ledger_partner_deltas" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents")
  SELECT "day", "partner_id", "assignment_id", "network_id", "type", "status", SUM("entries"), SUM("amount_cents") FROM (
    SELECT date_trunc(''day'', "created_at") AS "day", coalesce("partner_id", 0) AS "partner_id", coalesce("assignment_id", 0) AS "assignment_id",
      coalesce("network_id", 0) AS "network_id", "type", "status", 1 AS "entries", "amount_cents"::bigint AS "amount_cents" FROM "new_rows"
    UNION ALL
    SELECT date_trunc(''day'', "created_at"), coalesce("partner_id", 0), coalesce("assignment_id", 0), coalesce("network_id", 0),
      "type", "status", -1, -"amount_cents"::bigint FROM "old_rows"
  ) AS "changes"
  GROUP BY "day", "partner_id", "assignment_id", "network_id", "type", "status"
  HAVING SUM("entries") <> 0 OR SUM("amount_cents") <> 0\073
  RETURN NULL\073
END'
;

CREATE FUNCTION "ledger_partner_deltas_after_delete"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ledger_partner_deltas" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents")
  SELECT date_trunc(''day'', "created_at"), coalesce("partner_id", 0), coalesce("assignment_id", 0), coalesce("network_id", 0), "type", "status", -COUNT(*), -SUM("amount_cents")
  FROM "old_rows" GROUP BY 1, 2, 3, 4, 5, 6\073
  RETURN NULL\073
END'
;

-- TRUNCATE fires no DELETE trigger: an emptied ledger empties its totals.
CREATE FUNCTION "ledger_partner_daily_after_truncate"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  DELETE FROM "ledger_partner_deltas"\073
  DELETE FROM "ledger_partner_daily"\073
  RETURN NULL\073
END'
;

CREATE TRIGGER "wallet_entries_ledger_partner_insert" AFTER INSERT ON "wallet_entries"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "ledger_partner_deltas_after_insert"();
CREATE TRIGGER "wallet_entries_ledger_partner_update" AFTER UPDATE ON "wallet_entries"
  REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "ledger_partner_deltas_after_update"();
CREATE TRIGGER "wallet_entries_ledger_partner_delete" AFTER DELETE ON "wallet_entries"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "ledger_partner_deltas_after_delete"();
CREATE TRIGGER "wallet_entries_ledger_partner_truncate" AFTER TRUNCATE ON "wallet_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_partner_daily_after_truncate"();

-- The entries already there.
INSERT INTO "ledger_partner_daily" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents")
SELECT date_trunc('day', "created_at"), coalesce("partner_id", 0), coalesce("assignment_id", 0), coalesce("network_id", 0), "type", "status", COUNT(*), SUM("amount_cents")
FROM "wallet_entries" GROUP BY 1, 2, 3, 4, 5, 6;
