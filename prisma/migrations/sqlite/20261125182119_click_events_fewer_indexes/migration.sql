-- DropIndex
DROP INDEX "metric_events_assignment_id_visitor_hash_ts_idx";

-- DropIndex
DROP INDEX "metric_events_ts_partner_id_idx";
