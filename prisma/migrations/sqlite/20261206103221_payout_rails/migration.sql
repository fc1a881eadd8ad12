-- AlterTable
ALTER TABLE "partners" ADD COLUMN "payout_bic" TEXT;
ALTER TABLE "partners" ADD COLUMN "payout_email" TEXT;
ALTER TABLE "partners" ADD COLUMN "payout_holder" TEXT;
ALTER TABLE "partners" ADD COLUMN "payout_iban" TEXT;
ALTER TABLE "partners" ADD COLUMN "payout_method" TEXT;

-- CreateTable
CREATE TABLE "payout_batches" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rail" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "paid_reference" TEXT,
    "paid_by" TEXT,
    "paid_at" DATETIME
);

-- CreateTable
CREATE TABLE "payout_batch_items" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "batch_id" INTEGER NOT NULL,
    "payout_id" INTEGER NOT NULL,
    "end_to_end_id" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "skip_reason" TEXT,
    CONSTRAINT "payout_batch_items_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "payout_batches" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "payout_batch_items_payout_id_fkey" FOREIGN KEY ("payout_id") REFERENCES "payouts" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "payout_batches_reference_key" ON "payout_batches"("reference");

-- CreateIndex
CREATE INDEX "payout_batches_created_at_idx" ON "payout_batches"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "payout_batch_items_payout_id_key" ON "payout_batch_items"("payout_id");

-- CreateIndex
CREATE INDEX "payout_batch_items_batch_id_idx" ON "payout_batch_items"("batch_id");
