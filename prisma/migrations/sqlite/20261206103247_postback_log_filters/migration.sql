-- CreateIndex
CREATE INDEX "postback_logs_network_slug_received_at_id_idx" ON "postback_logs"("network_slug", "received_at", "id");

-- CreateIndex
CREATE INDEX "postback_logs_source_ip_received_at_id_idx" ON "postback_logs"("source_ip", "received_at", "id");

-- CreateIndex
CREATE INDEX "postback_logs_reason_received_at_id_idx" ON "postback_logs"("reason", "received_at", "id");
