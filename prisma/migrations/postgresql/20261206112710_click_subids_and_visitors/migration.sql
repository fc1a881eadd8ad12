-- AlterTable
ALTER TABLE "metric_events" ADD COLUMN     "s1" TEXT,
ADD COLUMN     "s2" TEXT,
ADD COLUMN     "s3" TEXT,
ADD COLUMN     "s4" TEXT,
ADD COLUMN     "s5" TEXT;

-- CreateTable
CREATE TABLE "click_visitors" (
    "assignment_id" INTEGER NOT NULL,
    "visitor_hash" TEXT NOT NULL,
    "last_ts" TIMESTAMP(3) NOT NULL,
    "opened_by" TEXT,

    CONSTRAINT "click_visitors_pkey" PRIMARY KEY ("assignment_id","visitor_hash")
);

-- CreateIndex
CREATE INDEX "click_visitors_last_ts_idx" ON "click_visitors"("last_ts");
