-- CreateTable
CREATE TABLE "click_link_rollups" (
    "day" DATETIME NOT NULL,
    "assignment_id" INTEGER NOT NULL,
    "partner_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "unique_count" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("day", "assignment_id", "partner_id", "kind")
);

-- Hand-written: the rollup counts the events already there, then follows every
-- insert in the inserting statement itself, like metric_events_click_rollup (a
-- trigger, as Prisma does not model them). Days are UTC midnights in epoch ms.
INSERT INTO "click_link_rollups" ("day", "assignment_id", "partner_id", "kind", "count", "unique_count")
SELECT ("ts" / 86400000) * 86400000, COALESCE("assignment_id", 0), COALESCE("partner_id", 0), "kind", COUNT(*), SUM(CASE WHEN "is_unique" THEN 1 ELSE 0 END)
FROM "metric_events" GROUP BY 1, 2, 3, 4;

CREATE TRIGGER "metric_events_click_link_rollup" AFTER INSERT ON "metric_events"
BEGIN
  INSERT INTO "click_link_rollups" ("day", "assignment_id", "partner_id", "kind", "count", "unique_count")
  VALUES ((NEW."ts" / 86400000) * 86400000, COALESCE(NEW."assignment_id", 0), COALESCE(NEW."partner_id", 0), NEW."kind", 1, CASE WHEN NEW."is_unique" THEN 1 ELSE 0 END)
  ON CONFLICT ("day", "assignment_id", "partner_id", "kind") DO UPDATE SET "count" = "count" + 1, "unique_count" = "unique_count" + excluded."unique_count";
END;
