-- Hand-written: the rollup triggers go first (the rollup tables are redefined below;
-- a trigger naming a dropped table fails the rename). Recreated at the end.
DROP TRIGGER "wallet_entries_ledger_daily_insert";
DROP TRIGGER "wallet_entries_ledger_daily_update";
DROP TRIGGER "wallet_entries_ledger_daily_delete";
DROP TRIGGER "wallet_entries_ledger_partner_daily_insert";
DROP TRIGGER "wallet_entries_ledger_partner_daily_update";
DROP TRIGGER "wallet_entries_ledger_partner_daily_delete";

-- AlterTable
ALTER TABLE "wallet_entries" ADD COLUMN "accrual_key" TEXT;
ALTER TABLE "wallet_entries" ADD COLUMN "revenue_cents" INTEGER;
ALTER TABLE "wallet_entries" ADD COLUMN "terms_mode" TEXT;
ALTER TABLE "wallet_entries" ADD COLUMN "terms_value" INTEGER;

-- CreateTable
CREATE TABLE "commission_terms" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "offer_id" INTEGER NOT NULL,
    "partner_id" INTEGER,
    "mode" TEXT NOT NULL,
    "value" INTEGER NOT NULL,
    "effective_from" DATETIME NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ledger_daily" (
    "day" DATETIME NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "entries" INTEGER NOT NULL DEFAULT 0,
    "amount_cents" BIGINT NOT NULL DEFAULT 0,
    "revenue_cents" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("day", "type", "status")
);
INSERT INTO "new_ledger_daily" ("amount_cents", "day", "entries", "status", "type") SELECT "amount_cents", "day", "entries", "status", "type" FROM "ledger_daily";
DROP TABLE "ledger_daily";
ALTER TABLE "new_ledger_daily" RENAME TO "ledger_daily";
CREATE TABLE "new_ledger_deltas" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "day" DATETIME NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "entries" INTEGER NOT NULL,
    "amount_cents" BIGINT NOT NULL,
    "revenue_cents" BIGINT NOT NULL DEFAULT 0
);
INSERT INTO "new_ledger_deltas" ("amount_cents", "day", "entries", "id", "status", "type") SELECT "amount_cents", "day", "entries", "id", "status", "type" FROM "ledger_deltas";
DROP TABLE "ledger_deltas";
ALTER TABLE "new_ledger_deltas" RENAME TO "ledger_deltas";
CREATE TABLE "new_ledger_partner_daily" (
    "day" DATETIME NOT NULL,
    "partner_id" INTEGER NOT NULL,
    "assignment_id" INTEGER NOT NULL,
    "network_id" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "entries" INTEGER NOT NULL DEFAULT 0,
    "amount_cents" BIGINT NOT NULL DEFAULT 0,
    "revenue_cents" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("day", "partner_id", "assignment_id", "network_id", "type", "status")
);
INSERT INTO "new_ledger_partner_daily" ("amount_cents", "assignment_id", "day", "entries", "network_id", "partner_id", "status", "type") SELECT "amount_cents", "assignment_id", "day", "entries", "network_id", "partner_id", "status", "type" FROM "ledger_partner_daily";
DROP TABLE "ledger_partner_daily";
ALTER TABLE "new_ledger_partner_daily" RENAME TO "ledger_partner_daily";
CREATE INDEX "ledger_partner_daily_type_status_partner_id_day_amount_cents_idx" ON "ledger_partner_daily"("type", "status", "partner_id", "day", "amount_cents");
CREATE TABLE "new_ledger_partner_deltas" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "day" DATETIME NOT NULL,
    "partner_id" INTEGER NOT NULL,
    "assignment_id" INTEGER NOT NULL,
    "network_id" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "entries" INTEGER NOT NULL,
    "amount_cents" BIGINT NOT NULL,
    "revenue_cents" BIGINT NOT NULL DEFAULT 0
);
INSERT INTO "new_ledger_partner_deltas" ("amount_cents", "assignment_id", "day", "entries", "id", "network_id", "partner_id", "status", "type") SELECT "amount_cents", "assignment_id", "day", "entries", "id", "network_id", "partner_id", "status", "type" FROM "ledger_partner_deltas";
DROP TABLE "ledger_partner_deltas";
ALTER TABLE "new_ledger_partner_deltas" RENAME TO "ledger_partner_deltas";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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

-- Hand-written: the rollup triggers of "ledger_daily_rollup" and "ledger_partner_daily"
-- now also add each entry's revenue (null revenue: the amount, revshare 100 %).

CREATE TRIGGER "wallet_entries_ledger_daily_insert" AFTER INSERT ON "wallet_entries"
BEGIN
  INSERT INTO "ledger_daily" ("day", "type", "status", "entries", "amount_cents", "revenue_cents")
  VALUES ((NEW."created_at" / 86400000) * 86400000, NEW."type", NEW."status", 1, NEW."amount_cents", coalesce(NEW."revenue_cents", NEW."amount_cents"))
  ON CONFLICT ("day", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents", "revenue_cents" = "revenue_cents" + excluded."revenue_cents";
END;

CREATE TRIGGER "wallet_entries_ledger_daily_update" AFTER UPDATE OF "type", "status", "amount_cents", "revenue_cents", "created_at" ON "wallet_entries"
WHEN OLD."type" IS NOT NEW."type" OR OLD."status" IS NOT NEW."status" OR OLD."amount_cents" IS NOT NEW."amount_cents"
  OR OLD."revenue_cents" IS NOT NEW."revenue_cents"
  OR (OLD."created_at" / 86400000) IS NOT (NEW."created_at" / 86400000)
BEGIN
  INSERT INTO "ledger_daily" ("day", "type", "status", "entries", "amount_cents", "revenue_cents")
  VALUES ((OLD."created_at" / 86400000) * 86400000, OLD."type", OLD."status", -1, -OLD."amount_cents", -coalesce(OLD."revenue_cents", OLD."amount_cents"))
  ON CONFLICT ("day", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents", "revenue_cents" = "revenue_cents" + excluded."revenue_cents";
  INSERT INTO "ledger_daily" ("day", "type", "status", "entries", "amount_cents", "revenue_cents")
  VALUES ((NEW."created_at" / 86400000) * 86400000, NEW."type", NEW."status", 1, NEW."amount_cents", coalesce(NEW."revenue_cents", NEW."amount_cents"))
  ON CONFLICT ("day", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents", "revenue_cents" = "revenue_cents" + excluded."revenue_cents";
END;

CREATE TRIGGER "wallet_entries_ledger_daily_delete" AFTER DELETE ON "wallet_entries"
BEGIN
  INSERT INTO "ledger_daily" ("day", "type", "status", "entries", "amount_cents", "revenue_cents")
  VALUES ((OLD."created_at" / 86400000) * 86400000, OLD."type", OLD."status", -1, -OLD."amount_cents", -coalesce(OLD."revenue_cents", OLD."amount_cents"))
  ON CONFLICT ("day", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents", "revenue_cents" = "revenue_cents" + excluded."revenue_cents";
END;

CREATE TRIGGER "wallet_entries_ledger_partner_daily_insert" AFTER INSERT ON "wallet_entries"
BEGIN
  INSERT INTO "ledger_partner_daily" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents", "revenue_cents")
  VALUES ((NEW."created_at" / 86400000) * 86400000, coalesce(NEW."partner_id", 0), coalesce(NEW."assignment_id", 0), coalesce(NEW."network_id", 0), NEW."type", NEW."status", 1, NEW."amount_cents", coalesce(NEW."revenue_cents", NEW."amount_cents"))
  ON CONFLICT ("day", "partner_id", "assignment_id", "network_id", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents", "revenue_cents" = "revenue_cents" + excluded."revenue_cents";
END;

CREATE TRIGGER "wallet_entries_ledger_partner_daily_update" AFTER UPDATE OF "type", "status", "amount_cents", "revenue_cents", "created_at", "partner_id", "assignment_id", "network_id" ON "wallet_entries"
WHEN OLD."type" IS NOT NEW."type" OR OLD."status" IS NOT NEW."status" OR OLD."amount_cents" IS NOT NEW."amount_cents"
  OR OLD."revenue_cents" IS NOT NEW."revenue_cents"
  OR (OLD."created_at" / 86400000) IS NOT (NEW."created_at" / 86400000)
  OR OLD."partner_id" IS NOT NEW."partner_id" OR OLD."assignment_id" IS NOT NEW."assignment_id" OR OLD."network_id" IS NOT NEW."network_id"
BEGIN
  INSERT INTO "ledger_partner_daily" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents", "revenue_cents")
  VALUES ((OLD."created_at" / 86400000) * 86400000, coalesce(OLD."partner_id", 0), coalesce(OLD."assignment_id", 0), coalesce(OLD."network_id", 0), OLD."type", OLD."status", -1, -OLD."amount_cents", -coalesce(OLD."revenue_cents", OLD."amount_cents"))
  ON CONFLICT ("day", "partner_id", "assignment_id", "network_id", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents", "revenue_cents" = "revenue_cents" + excluded."revenue_cents";
  INSERT INTO "ledger_partner_daily" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents", "revenue_cents")
  VALUES ((NEW."created_at" / 86400000) * 86400000, coalesce(NEW."partner_id", 0), coalesce(NEW."assignment_id", 0), coalesce(NEW."network_id", 0), NEW."type", NEW."status", 1, NEW."amount_cents", coalesce(NEW."revenue_cents", NEW."amount_cents"))
  ON CONFLICT ("day", "partner_id", "assignment_id", "network_id", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents", "revenue_cents" = "revenue_cents" + excluded."revenue_cents";
END;

CREATE TRIGGER "wallet_entries_ledger_partner_daily_delete" AFTER DELETE ON "wallet_entries"
BEGIN
  INSERT INTO "ledger_partner_daily" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents", "revenue_cents")
  VALUES ((OLD."created_at" / 86400000) * 86400000, coalesce(OLD."partner_id", 0), coalesce(OLD."assignment_id", 0), coalesce(OLD."network_id", 0), OLD."type", OLD."status", -1, -OLD."amount_cents", -coalesce(OLD."revenue_cents", OLD."amount_cents"))
  ON CONFLICT ("day", "partner_id", "assignment_id", "network_id", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents", "revenue_cents" = "revenue_cents" + excluded."revenue_cents";
END;
