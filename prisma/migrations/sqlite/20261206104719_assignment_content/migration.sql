-- AlterTable
ALTER TABLE "assignments" ADD COLUMN "content" TEXT;
