-- AlterTable
ALTER TABLE "networks" ADD COLUMN     "decimal_separator" TEXT,
ADD COLUMN     "dedupe_by" TEXT NOT NULL DEFAULT 'txn',
ADD COLUMN     "field_map" TEXT NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "wallet_entry_history" ADD COLUMN     "source" TEXT;
