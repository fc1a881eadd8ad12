-- Hand-written (Prisma does not model triggers): click_rollups follows metric_events
-- in the statement that inserts the events, whoever inserts them, so a batch of
-- clicks is one INSERT with no transaction around it. Days are UTC midnights in
-- epoch milliseconds, like every DateTime of this database. (PostgreSQL counts a
-- batch into its days in the INSERT statement itself: src/db/click-store.ts.)
CREATE TRIGGER "metric_events_click_rollup" AFTER INSERT ON "metric_events"
BEGIN
  INSERT INTO "click_rollups" ("day", "partner_id", "kind", "count")
  VALUES ((NEW."ts" / 86400000) * 86400000, COALESCE(NEW."partner_id", 0), NEW."kind", 1)
  ON CONFLICT ("day", "partner_id", "kind") DO UPDATE SET "count" = "count" + 1;
END;
