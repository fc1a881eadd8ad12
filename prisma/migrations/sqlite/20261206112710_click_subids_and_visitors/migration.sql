-- AlterTable
ALTER TABLE "metric_events" ADD COLUMN "s1" TEXT;
ALTER TABLE "metric_events" ADD COLUMN "s2" TEXT;
ALTER TABLE "metric_events" ADD COLUMN "s3" TEXT;
ALTER TABLE "metric_events" ADD COLUMN "s4" TEXT;
ALTER TABLE "metric_events" ADD COLUMN "s5" TEXT;

-- CreateTable
CREATE TABLE "click_visitors" (
    "assignment_id" INTEGER NOT NULL,
    "visitor_hash" TEXT NOT NULL,
    "last_ts" DATETIME NOT NULL,
    "opened_by" TEXT,

    PRIMARY KEY ("assignment_id", "visitor_hash")
);

-- CreateIndex
CREATE INDEX "click_visitors_last_ts_idx" ON "click_visitors"("last_ts");

-- Hand-written: every click on a tracked link records its visitor's last click,
-- in the inserting statement itself (a trigger, as Prisma does not model them).
-- The click batch (db/hot/click-store.ts) decides is_unique from this table
-- before the row goes in; PostgreSQL's batch statement writes it in a CTE.
CREATE TRIGGER "metric_events_click_visitor" AFTER INSERT ON "metric_events"
WHEN NEW."kind" = 'click' AND NEW."assignment_id" IS NOT NULL AND NEW."visitor_hash" IS NOT NULL
BEGIN
  INSERT INTO "click_visitors" ("assignment_id", "visitor_hash", "last_ts")
  VALUES (NEW."assignment_id", NEW."visitor_hash", NEW."ts")
  ON CONFLICT ("assignment_id", "visitor_hash") DO UPDATE SET "last_ts" = MAX("last_ts", excluded."last_ts");
END;
