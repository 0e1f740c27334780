-- CreateEnum
CREATE TYPE "transcript_status" AS ENUM ('importing', 'ready', 'failed');

-- AlterTable
ALTER TABLE "transcripts" ADD COLUMN     "failure_reason" TEXT,
ADD COLUMN     "import_source" TEXT,
ADD COLUMN     "imported_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "segment_count" INTEGER,
ADD COLUMN     "status" "transcript_status" NOT NULL DEFAULT 'ready';
