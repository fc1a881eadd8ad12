-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_metric_events" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "ts" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "partner_id" INTEGER,
    "assignment_id" INTEGER,
    "offer_id" INTEGER,
    "click_id" TEXT NOT NULL,
    "visitor_hash" TEXT,
    "user_agent" TEXT,
    "referer" TEXT,
    "is_unique" BOOLEAN NOT NULL DEFAULT true
);
INSERT INTO "new_metric_events" ("assignment_id", "click_id", "id", "is_unique", "kind", "offer_id", "partner_id", "referer", "ts", "user_agent", "visitor_hash") SELECT "assignment_id", "click_id", "id", "is_unique", "kind", "offer_id", "partner_id", "referer", "ts", "user_agent", "visitor_hash" FROM "metric_events";
DROP TABLE "metric_events";
ALTER TABLE "new_metric_events" RENAME TO "metric_events";
CREATE UNIQUE INDEX "metric_events_click_id_key" ON "metric_events"("click_id");
CREATE INDEX "metric_events_kind_ts_idx" ON "metric_events"("kind", "ts");
CREATE INDEX "metric_events_partner_id_ts_idx" ON "metric_events"("partner_id", "ts");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Hand-written: dropping the old table dropped its trigger (20261125190000_click_rollup_trigger);
-- the same trigger again, so the rollup keeps following the events.
CREATE TRIGGER "metric_events_click_rollup" AFTER INSERT ON "metric_events"
BEGIN
  INSERT INTO "click_rollups" ("day", "partner_id", "kind", "count")
  VALUES ((NEW."ts" / 86400000) * 86400000, COALESCE(NEW."partner_id", 0), NEW."kind", 1)
  ON CONFLICT ("day", "partner_id", "kind") DO UPDATE SET "count" = "count" + 1;
END;
