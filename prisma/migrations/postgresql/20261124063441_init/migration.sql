-- CreateTable
CREATE TABLE "partners" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "partners_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "networks" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "subid_param" TEXT NOT NULL DEFAULT 'subid',
    "subid_separator" TEXT NOT NULL DEFAULT ':',
    "postback_token" TEXT,
    "allowed_ips" TEXT NOT NULL DEFAULT '',
    "status_words" TEXT NOT NULL DEFAULT '{}',
    "default_currency" TEXT NOT NULL DEFAULT 'EUR',
    "preset" TEXT NOT NULL DEFAULT 'generic',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "networks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "offers" (
    "id" SERIAL NOT NULL,
    "network_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "offers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assignments" (
    "id" SERIAL NOT NULL,
    "partner_id" INTEGER NOT NULL,
    "offer_id" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "code" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "assignments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "metric_events" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "ts" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "partner_id" INTEGER,
    "assignment_id" INTEGER,
    "offer_id" INTEGER,
    "click_id" TEXT NOT NULL,
    "visitor_hash" TEXT,
    "user_agent" TEXT,
    "referer" TEXT,
    "is_unique" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "metric_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "click_rollups" (
    "day" TIMESTAMP(3) NOT NULL,
    "partner_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "click_rollups_pkey" PRIMARY KEY ("day","partner_id","kind")
);

-- CreateTable
CREATE TABLE "wallet_entries" (
    "id" SERIAL NOT NULL,
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
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "wallet_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "wallet_entry_history" (
    "id" SERIAL NOT NULL,
    "entry_id" INTEGER NOT NULL,
    "from_status" TEXT,
    "to_status" TEXT NOT NULL,
    "network_word" TEXT,
    "amount_cents" INTEGER,
    "postback_log_id" INTEGER,
    "changed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wallet_entry_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payouts" (
    "id" SERIAL NOT NULL,
    "partner_id" INTEGER NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'requested',
    "reference" TEXT,
    "reason" TEXT,
    "requested_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "approved_at" TIMESTAMP(3),
    "paid_at" TIMESTAMP(3),
    "rejected_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "payouts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "partner_flags" (
    "id" SERIAL NOT NULL,
    "partner_id" INTEGER NOT NULL,
    "flag" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "set_by" TEXT NOT NULL DEFAULT 'ops',
    "set_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cleared_by" TEXT,
    "cleared_at" TIMESTAMP(3),
    "clear_reason" TEXT,

    CONSTRAINT "partner_flags_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "postback_logs" (
    "id" SERIAL NOT NULL,
    "method" TEXT NOT NULL,
    "raw_query" TEXT NOT NULL,
    "raw_body" TEXT,
    "source_ip" TEXT,
    "network_slug" TEXT,
    "outcome" TEXT NOT NULL DEFAULT 'received',
    "reason" TEXT,
    "entry_id" INTEGER,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMP(3),
    "replayed_at" TIMESTAMP(3),

    CONSTRAINT "postback_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" SERIAL NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "detail" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "offers" ADD CONSTRAINT "offers_network_id_fkey" FOREIGN KEY ("network_id") REFERENCES "networks"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partners"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_offer_id_fkey" FOREIGN KEY ("offer_id") REFERENCES "offers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_events" ADD CONSTRAINT "metric_events_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partners"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_events" ADD CONSTRAINT "metric_events_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_events" ADD CONSTRAINT "metric_events_offer_id_fkey" FOREIGN KEY ("offer_id") REFERENCES "offers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wallet_entries" ADD CONSTRAINT "wallet_entries_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partners"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wallet_entries" ADD CONSTRAINT "wallet_entries_network_id_fkey" FOREIGN KEY ("network_id") REFERENCES "networks"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wallet_entries" ADD CONSTRAINT "wallet_entries_payout_id_fkey" FOREIGN KEY ("payout_id") REFERENCES "payouts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wallet_entry_history" ADD CONSTRAINT "wallet_entry_history_entry_id_fkey" FOREIGN KEY ("entry_id") REFERENCES "wallet_entries"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partners"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "partner_flags" ADD CONSTRAINT "partner_flags_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partners"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
