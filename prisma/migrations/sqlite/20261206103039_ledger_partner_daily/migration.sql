-- CreateTable
CREATE TABLE "ledger_partner_daily" (
    "day" DATETIME NOT NULL,
    "partner_id" INTEGER NOT NULL,
    "assignment_id" INTEGER NOT NULL,
    "network_id" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "entries" INTEGER NOT NULL DEFAULT 0,
    "amount_cents" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("day", "partner_id", "assignment_id", "network_id", "type", "status")
);

-- CreateTable
CREATE TABLE "ledger_partner_deltas" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "day" DATETIME NOT NULL,
    "partner_id" INTEGER NOT NULL,
    "assignment_id" INTEGER NOT NULL,
    "network_id" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "entries" INTEGER NOT NULL,
    "amount_cents" BIGINT NOT NULL
);

-- CreateIndex
CREATE INDEX "ledger_partner_daily_type_status_partner_id_day_amount_cents_idx" ON "ledger_partner_daily"("type", "status", "partner_id", "day", "amount_cents");

-- Hand-written (Prisma does not model triggers): ledger_partner_daily follows
-- wallet_entries in the transaction of every change, whoever writes, as
-- ledger_daily does (migration ledger_daily_rollup). A conversion moved to another
-- status, amount, day, partner, assignment or network leaves its old cell and
-- enters its new one. A missing partner, assignment or network is 0.
CREATE TRIGGER "wallet_entries_ledger_partner_daily_insert" AFTER INSERT ON "wallet_entries"
BEGIN
  INSERT INTO "ledger_partner_daily" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents")
  VALUES ((NEW."created_at" / 86400000) * 86400000, coalesce(NEW."partner_id", 0), coalesce(NEW."assignment_id", 0), coalesce(NEW."network_id", 0), NEW."type", NEW."status", 1, NEW."amount_cents")
  ON CONFLICT ("day", "partner_id", "assignment_id", "network_id", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents";
END;

CREATE TRIGGER "wallet_entries_ledger_partner_daily_update" AFTER UPDATE OF "type", "status", "amount_cents", "created_at", "partner_id", "assignment_id", "network_id" ON "wallet_entries"
WHEN OLD."type" IS NOT NEW."type" OR OLD."status" IS NOT NEW."status" OR OLD."amount_cents" IS NOT NEW."amount_cents"
  OR (OLD."created_at" / 86400000) IS NOT (NEW."created_at" / 86400000)
  OR OLD."partner_id" IS NOT NEW."partner_id" OR OLD."assignment_id" IS NOT NEW."assignment_id" OR OLD."network_id" IS NOT NEW."network_id"
BEGIN
  INSERT INTO "ledger_partner_daily" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents")
  VALUES ((OLD."created_at" / 86400000) * 86400000, coalesce(OLD."partner_id", 0), coalesce(OLD."assignment_id", 0), coalesce(OLD."network_id", 0), OLD."type", OLD."status", -1, -OLD."amount_cents")
  ON CONFLICT ("day", "partner_id", "assignment_id", "network_id", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents";
  INSERT INTO "ledger_partner_daily" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents")
  VALUES ((NEW."created_at" / 86400000) * 86400000, coalesce(NEW."partner_id", 0), coalesce(NEW."assignment_id", 0), coalesce(NEW."network_id", 0), NEW."type", NEW."status", 1, NEW."amount_cents")
  ON CONFLICT ("day", "partner_id", "assignment_id", "network_id", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents";
END;

CREATE TRIGGER "wallet_entries_ledger_partner_daily_delete" AFTER DELETE ON "wallet_entries"
BEGIN
  INSERT INTO "ledger_partner_daily" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents")
  VALUES ((OLD."created_at" / 86400000) * 86400000, coalesce(OLD."partner_id", 0), coalesce(OLD."assignment_id", 0), coalesce(OLD."network_id", 0), OLD."type", OLD."status", -1, -OLD."amount_cents")
  ON CONFLICT ("day", "partner_id", "assignment_id", "network_id", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents";
END;

-- The entries already there.
INSERT INTO "ledger_partner_daily" ("day", "partner_id", "assignment_id", "network_id", "type", "status", "entries", "amount_cents")
SELECT ("created_at" / 86400000) * 86400000, coalesce("partner_id", 0), coalesce("assignment_id", 0), coalesce("network_id", 0), "type", "status", COUNT(*), SUM("amount_cents")
FROM "wallet_entries" GROUP BY 1, 2, 3, 4, 5, 6;
