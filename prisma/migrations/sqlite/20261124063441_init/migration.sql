-- CreateTable
CREATE TABLE "partners" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "networks" (
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
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "offers" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "network_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "offers_network_id_fkey" FOREIGN KEY ("network_id") REFERENCES "networks" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "assignments" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "partner_id" INTEGER NOT NULL,
    "offer_id" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "code" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "assignments_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partners" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "assignments_offer_id_fkey" FOREIGN KEY ("offer_id") REFERENCES "offers" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "metric_events" (
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
    "is_unique" BOOLEAN NOT NULL DEFAULT true,
    CONSTRAINT "metric_events_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partners" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "metric_events_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignments" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "metric_events_offer_id_fkey" FOREIGN KEY ("offer_id") REFERENCES "offers" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "click_rollups" (
    "day" DATETIME NOT NULL,
    "partner_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("day", "partner_id", "kind")
);

-- CreateTable
CREATE TABLE "wallet_entries" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "partner_id" INTEGER,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "original_amount" TEXT,
    "original_currency" TEXT,
    "fx_rate" TEXT,
    "network_id" INTEGER,
    "txn_id" TEXT,
    "click_id" TEXT,
    "assignment_id" INTEGER,
    "payout_id" INTEGER,
    "flag" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "wallet_entries_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partners" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "wallet_entries_network_id_fkey" FOREIGN KEY ("network_id") REFERENCES "networks" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "wallet_entries_payout_id_fkey" FOREIGN KEY ("payout_id") REFERENCES "payouts" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "wallet_entry_history" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "entry_id" INTEGER NOT NULL,
    "from_status" TEXT,
    "to_status" TEXT NOT NULL,
    "network_word" TEXT,
    "amount_cents" INTEGER,
    "postback_log_id" INTEGER,
    "changed_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "wallet_entry_history_entry_id_fkey" FOREIGN KEY ("entry_id") REFERENCES "wallet_entries" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "payouts" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "partner_id" INTEGER NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'requested',
    "reference" TEXT,
    "reason" TEXT,
    "requested_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "approved_at" DATETIME,
    "paid_at" DATETIME,
    "rejected_at" DATETIME,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "payouts_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partners" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "partner_flags" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "partner_id" INTEGER NOT NULL,
    "flag" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "set_by" TEXT NOT NULL DEFAULT 'ops',
    "set_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cleared_by" TEXT,
    "cleared_at" DATETIME,
    "clear_reason" TEXT,
    CONSTRAINT "partner_flags_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partners" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "postback_logs" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "method" TEXT NOT NULL,
    "raw_query" TEXT NOT NULL,
    "raw_body" TEXT,
    "source_ip" TEXT,
    "network_slug" TEXT,
    "outcome" TEXT NOT NULL DEFAULT 'received',
    "reason" TEXT,
    "entry_id" INTEGER,
    "received_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" DATETIME,
    "replayed_at" DATETIME
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "detail" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "networks_slug_key" ON "networks"("slug");

-- CreateIndex
CREATE INDEX "offers_network_id_idx" ON "offers"("network_id");

-- CreateIndex
CREATE UNIQUE INDEX "assignments_code_key" ON "assignments"("code");

-- CreateIndex
CREATE INDEX "assignments_status_idx" ON "assignments"("status");

-- CreateIndex
CREATE INDEX "assignments_partner_id_idx" ON "assignments"("partner_id");

-- CreateIndex
CREATE INDEX "assignments_offer_id_idx" ON "assignments"("offer_id");

-- CreateIndex
CREATE UNIQUE INDEX "metric_events_click_id_key" ON "metric_events"("click_id");

-- CreateIndex
CREATE INDEX "metric_events_kind_ts_idx" ON "metric_events"("kind", "ts");

-- CreateIndex
CREATE INDEX "metric_events_ts_partner_id_idx" ON "metric_events"("ts", "partner_id");

-- CreateIndex
CREATE INDEX "metric_events_partner_id_ts_idx" ON "metric_events"("partner_id", "ts");

-- CreateIndex
CREATE INDEX "metric_events_assignment_id_visitor_hash_ts_idx" ON "metric_events"("assignment_id", "visitor_hash", "ts");

-- CreateIndex
CREATE INDEX "click_rollups_kind_day_idx" ON "click_rollups"("kind", "day");

-- CreateIndex
CREATE UNIQUE INDEX "wallet_entries_payout_id_key" ON "wallet_entries"("payout_id");

-- CreateIndex
CREATE INDEX "wallet_entries_type_status_created_at_idx" ON "wallet_entries"("type", "status", "created_at");

-- CreateIndex
CREATE INDEX "wallet_entries_partner_id_type_status_idx" ON "wallet_entries"("partner_id", "type", "status");

-- CreateIndex
CREATE INDEX "wallet_entries_type_created_at_idx" ON "wallet_entries"("type", "created_at");

-- CreateIndex
CREATE INDEX "wallet_entries_flag_idx" ON "wallet_entries"("flag");

-- CreateIndex
CREATE UNIQUE INDEX "wallet_entries_network_id_txn_id_key" ON "wallet_entries"("network_id", "txn_id");

-- CreateIndex
CREATE INDEX "wallet_entry_history_entry_id_idx" ON "wallet_entry_history"("entry_id");

-- CreateIndex
CREATE INDEX "payouts_status_idx" ON "payouts"("status");

-- CreateIndex
CREATE INDEX "payouts_partner_id_status_idx" ON "payouts"("partner_id", "status");

-- CreateIndex
CREATE INDEX "payouts_requested_at_idx" ON "payouts"("requested_at");

-- CreateIndex
CREATE INDEX "partner_flags_flag_cleared_at_idx" ON "partner_flags"("flag", "cleared_at");

-- CreateIndex
CREATE INDEX "partner_flags_partner_id_flag_idx" ON "partner_flags"("partner_id", "flag");

-- CreateIndex
CREATE INDEX "postback_logs_outcome_received_at_idx" ON "postback_logs"("outcome", "received_at");

-- CreateIndex
CREATE INDEX "postback_logs_received_at_idx" ON "postback_logs"("received_at");

-- CreateIndex
CREATE INDEX "audit_log_subject_idx" ON "audit_log"("subject");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");
