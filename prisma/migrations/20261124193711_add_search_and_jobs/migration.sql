-- CreateEnum
CREATE TYPE "job_status" AS ENUM ('pending', 'running', 'done', 'failed');

-- AlterTable (hand-edited: a STORED generated column, which Prisma's schema cannot express; it
-- is declared there as Unsupported("tsvector") so the diff stays clean)
ALTER TABLE "meetings" ADD COLUMN     "search_vector" tsvector
  GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce("title", '')), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce("description", '')), 'B')
  ) STORED;

-- AlterTable (hand-edited, as above)
ALTER TABLE "transcript_segments" ADD COLUMN     "search_vector" tsvector
  GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, "text"), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce("speaker_label", '')), 'B')
  ) STORED;

-- CreateTable
CREATE TABLE "jobs" (
    "id" UUID NOT NULL,
    "queue" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "status" "job_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL DEFAULT 5,
    "run_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "completed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "jobs_status_run_at_idx" ON "jobs"("status", "run_at");

-- CreateIndex
CREATE INDEX "jobs_queue_status_run_at_idx" ON "jobs"("queue", "status", "run_at");

-- CreateIndex
CREATE INDEX "meetings_search_vector_idx" ON "meetings" USING GIN ("search_vector");

-- CreateIndex
CREATE INDEX "transcript_segments_search_vector_idx" ON "transcript_segments" USING GIN ("search_vector");
