-- DropIndex
DROP INDEX "click_rollups_kind_day_idx";

-- DropIndex
DROP INDEX "wallet_entries_type_status_created_at_idx";

-- CreateTable
CREATE TABLE "ledger_daily" (
    "day" DATETIME NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "entries" INTEGER NOT NULL DEFAULT 0,
    "amount_cents" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("day", "type", "status")
);

-- CreateTable
CREATE TABLE "ledger_deltas" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "day" DATETIME NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "entries" INTEGER NOT NULL,
    "amount_cents" BIGINT NOT NULL
);

-- CreateIndex
CREATE INDEX "click_rollups_kind_day_partner_id_count_idx" ON "click_rollups"("kind", "day", "partner_id", "count");

-- CreateIndex
CREATE INDEX "wallet_entries_type_status_created_at_amount_cents_idx" ON "wallet_entries"("type", "status", "created_at", "amount_cents");

-- Hand-written (Prisma does not model triggers): ledger_daily follows wallet_entries
-- in the transaction of every change, whoever writes (ORM, raw SQL, CLI). SQLite has
-- one writer, so the triggers add to the daily totals directly. Days are UTC
-- midnights in epoch milliseconds, like every DateTime of this database.
CREATE TRIGGER "wallet_entries_ledger_daily_insert" AFTER INSERT ON "wallet_entries"
BEGIN
  INSERT INTO "ledger_daily" ("day", "type", "status", "entries", "amount_cents")
  VALUES ((NEW."created_at" / 86400000) * 86400000, NEW."type", NEW."status", 1, NEW."amount_cents")
  ON CONFLICT ("day", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents";
END;

CREATE TRIGGER "wallet_entries_ledger_daily_update" AFTER UPDATE OF "type", "status", "amount_cents", "created_at" ON "wallet_entries"
WHEN OLD."type" IS NOT NEW."type" OR OLD."status" IS NOT NEW."status" OR OLD."amount_cents" IS NOT NEW."amount_cents"
  OR (OLD."created_at" / 86400000) IS NOT (NEW."created_at" / 86400000)
BEGIN
  INSERT INTO "ledger_daily" ("day", "type", "status", "entries", "amount_cents")
  VALUES ((OLD."created_at" / 86400000) * 86400000, OLD."type", OLD."status", -1, -OLD."amount_cents")
  ON CONFLICT ("day", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents";
  INSERT INTO "ledger_daily" ("day", "type", "status", "entries", "amount_cents")
  VALUES ((NEW."created_at" / 86400000) * 86400000, NEW."type", NEW."status", 1, NEW."amount_cents")
  ON CONFLICT ("day", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents";
END;

CREATE TRIGGER "wallet_entries_ledger_daily_delete" AFTER DELETE ON "wallet_entries"
BEGIN
  INSERT INTO "ledger_daily" ("day", "type", "status", "entries", "amount_cents")
  VALUES ((OLD."created_at" / 86400000) * 86400000, OLD."type", OLD."status", -1, -OLD."amount_cents")
  ON CONFLICT ("day", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents";
END;

-- The entries already there.
INSERT INTO "ledger_daily" ("day", "type", "status", "entries", "amount_cents")
SELECT ("created_at" / 86400000) * 86400000, "type", "status", COUNT(*), SUM("amount_cents") FROM "wallet_entries" GROUP BY 1, 2, 3;
