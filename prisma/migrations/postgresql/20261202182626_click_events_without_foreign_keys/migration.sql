-- DropForeignKey
ALTER TABLE "metric_events" DROP CONSTRAINT "metric_events_assignment_id_fkey";

-- DropForeignKey
ALTER TABLE "metric_events" DROP CONSTRAINT "metric_events_offer_id_fkey";

-- DropForeignKey
ALTER TABLE "metric_events" DROP CONSTRAINT "metric_events_partner_id_fkey";
