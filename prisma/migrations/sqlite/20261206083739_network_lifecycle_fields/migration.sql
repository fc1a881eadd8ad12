-- AlterTable
ALTER TABLE "wallet_entry_history" ADD COLUMN "source" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_networks" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "subid_param" TEXT NOT NULL DEFAULT 'subid',
    "subid_separator" TEXT NOT NULL DEFAULT ':',
    "postback_token" TEXT,
    "allowed_ips" TEXT NOT NULL DEFAULT '',
    "status_words" TEXT NOT NULL DEFAULT '{}',
    "default_currency" TEXT NOT NULL DEFAULT 'EUR',
    "preset" TEXT NOT NULL DEFAULT 'generic',
    "decimal_separator" TEXT,
    "field_map" TEXT NOT NULL DEFAULT '{}',
    "dedupe_by" TEXT NOT NULL DEFAULT 'txn',
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL
);
INSERT INTO "new_networks" ("allowed_ips", "created_at", "default_currency", "id", "name", "postback_token", "preset", "slug", "status_words", "subid_param", "subid_separator", "updated_at") SELECT "allowed_ips", "created_at", "default_currency", "id", "name", "postback_token", "preset", "slug", "status_words", "subid_param", "subid_separator", "updated_at" FROM "networks";
DROP TABLE "networks";
ALTER TABLE "new_networks" RENAME TO "networks";
CREATE UNIQUE INDEX "networks_slug_key" ON "networks"("slug");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
