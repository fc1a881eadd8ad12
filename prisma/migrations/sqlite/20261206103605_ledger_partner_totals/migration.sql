-- CreateTable
CREATE TABLE "ledger_partner_totals" (
    "partner_id" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "entries" INTEGER NOT NULL DEFAULT 0,
    "amount_cents" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("partner_id", "type", "status")
);

-- Hand-written (Prisma does not model triggers): ledger_partner_totals follows
-- wallet_entries in the transaction of every change, whoever writes, as
-- ledger_partner_daily does. A missing partner is 0.
CREATE TRIGGER "wallet_entries_ledger_partner_totals_insert" AFTER INSERT ON "wallet_entries"
BEGIN
  INSERT INTO "ledger_partner_totals" ("partner_id", "type", "status", "entries", "amount_cents")
  VALUES (coalesce(NEW."partner_id", 0), NEW."type", NEW."status", 1, NEW."amount_cents")
  ON CONFLICT ("partner_id", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents";
END;

CREATE TRIGGER "wallet_entries_ledger_partner_totals_update" AFTER UPDATE OF "type", "status", "amount_cents", "partner_id" ON "wallet_entries"
WHEN OLD."type" IS NOT NEW."type" OR OLD."status" IS NOT NEW."status" OR OLD."amount_cents" IS NOT NEW."amount_cents"
  OR OLD."partner_id" IS NOT NEW."partner_id"
BEGIN
  INSERT INTO "ledger_partner_totals" ("partner_id", "type", "status", "entries", "amount_cents")
  VALUES (coalesce(OLD."partner_id", 0), OLD."type", OLD."status", -1, -OLD."amount_cents")
  ON CONFLICT ("partner_id", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents";
  INSERT INTO "ledger_partner_totals" ("partner_id", "type", "status", "entries", "amount_cents")
  VALUES (coalesce(NEW."partner_id", 0), NEW."type", NEW."status", 1, NEW."amount_cents")
  ON CONFLICT ("partner_id", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents";
END;

CREATE TRIGGER "wallet_entries_ledger_partner_totals_delete" AFTER DELETE ON "wallet_entries"
BEGIN
  INSERT INTO "ledger_partner_totals" ("partner_id", "type", "status", "entries", "amount_cents")
  VALUES (coalesce(OLD."partner_id", 0), OLD."type", OLD."status", -1, -OLD."amount_cents")
  ON CONFLICT ("partner_id", "type", "status") DO UPDATE SET "entries" = "entries" + excluded."entries", "amount_cents" = "amount_cents" + excluded."amount_cents";
END;

-- The entries already there.
INSERT INTO "ledger_partner_totals" ("partner_id", "type", "status", "entries", "amount_cents")
SELECT "partner_id", "type", "status", SUM("entries"), SUM("amount_cents") FROM "ledger_partner_daily" GROUP BY 1, 2, 3;
