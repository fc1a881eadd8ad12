-- CreateTable
CREATE TABLE "click_link_rollups" (
    "day" TIMESTAMP(3) NOT NULL,
    "assignment_id" INTEGER NOT NULL,
    "partner_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "unique_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "click_link_rollups_pkey" PRIMARY KEY ("day","assignment_id","partner_id","kind")
);

-- Hand-written: the events already there, counted. From now on the click batch's
-- statement counts its rows in (src/db/hot/click-store.ts).
INSERT INTO "click_link_rollups" ("day", "assignment_id", "partner_id", "kind", "count", "unique_count")
SELECT date_trunc('day', "ts"), COALESCE("assignment_id", 0), COALESCE("partner_id", 0), "kind", COUNT(*), COUNT(*) FILTER (WHERE "is_unique")
FROM "metric_events" GROUP BY 1, 2, 3, 4;
