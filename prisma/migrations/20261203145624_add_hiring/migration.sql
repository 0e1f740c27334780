-- Hiring gets its procedures (issue 16). No procedure wrote these tables before, so the columns
-- made required here have no rows to fill; interview_transcripts goes: an interview's transcript is
-- its meeting's (see the Interview model).
-- AlterEnum
ALTER TYPE "participant_role" ADD VALUE 'candidate';

-- DropForeignKey
ALTER TABLE "interview_scorecards" DROP CONSTRAINT "interview_scorecards_reviewer_id_fkey";

-- DropForeignKey
ALTER TABLE "interview_transcripts" DROP CONSTRAINT "interview_transcripts_interview_id_fkey";

-- DropForeignKey
ALTER TABLE "interview_transcripts" DROP CONSTRAINT "interview_transcripts_transcript_id_fkey";

-- DropForeignKey
ALTER TABLE "interview_transcripts" DROP CONSTRAINT "interview_transcripts_workspace_id_fkey";

-- DropForeignKey
ALTER TABLE "interviews" DROP CONSTRAINT "interviews_candidate_id_fkey";

-- DropForeignKey
ALTER TABLE "interviews" DROP CONSTRAINT "interviews_interviewer_id_fkey";

-- DropIndex
DROP INDEX "interview_scorecards_interview_id_reviewer_id_key";

-- DropIndex
DROP INDEX "interview_scorecards_reviewer_id_idx";

-- DropIndex
DROP INDEX "interview_summaries_interview_id_created_at_idx";

-- DropIndex
DROP INDEX "interviews_interviewer_id_idx";

-- DropIndex
DROP INDEX "scorecard_categories_workspace_id_position_idx";

-- AlterTable
ALTER TABLE "candidates" DROP COLUMN "resume_url",
ADD COLUMN     "links" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "position_title" TEXT,
ADD COLUMN     "source" TEXT,
ADD COLUMN     "stage" TEXT;

-- AlterTable
ALTER TABLE "interview_scorecards" DROP COLUMN "reviewer_id",
ADD COLUMN     "member_id" UUID,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "interview_summaries" ADD COLUMN     "is_current" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "requested_by_id" UUID,
ADD COLUMN     "transcript_id" UUID,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "interviews" DROP COLUMN "interviewer_id",
DROP COLUMN "title",
ADD COLUMN     "cancel_reason" TEXT,
ADD COLUMN     "cancelled_at" TIMESTAMPTZ(3),
ADD COLUMN     "candidate_erased_at" TIMESTAMPTZ(3),
ADD COLUMN     "duration_minutes" INTEGER NOT NULL DEFAULT 60,
ADD COLUMN     "template_id" UUID,
ALTER COLUMN "candidate_id" DROP NOT NULL,
ALTER COLUMN "position_title" SET NOT NULL,
ALTER COLUMN "stage" SET NOT NULL,
ALTER COLUMN "scheduled_at" SET NOT NULL;

-- AlterTable
ALTER TABLE "meetings" ADD COLUMN     "is_interview" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "scorecard_categories" ADD COLUMN     "template_id" UUID NOT NULL;

-- AlterTable
ALTER TABLE "scorecard_scores" ALTER COLUMN "score" DROP NOT NULL;

-- AlterTable
ALTER TABLE "workspace_members" ADD COLUMN     "granted_permissions" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "workspaces" ADD COLUMN     "interview_stages" TEXT[] DEFAULT ARRAY['screen', 'technical', 'onsite', 'final']::TEXT[];

-- DropTable
DROP TABLE "interview_transcripts";

-- CreateTable
CREATE TABLE "interview_panelists" (
    "id" UUID NOT NULL,
    "interview_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "interview_panelists_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scorecard_templates" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "created_by_id" UUID,
    "name" TEXT NOT NULL,
    "position_title" TEXT NOT NULL,
    "rating_scale" INTEGER NOT NULL,
    "archived_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "scorecard_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scorecard_versions" (
    "id" UUID NOT NULL,
    "scorecard_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "recommendation" "scorecard_recommendation",
    "notes" TEXT,
    "scores" JSONB NOT NULL DEFAULT '[]',
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "scorecard_versions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "interview_panelists_member_id_interview_id_idx" ON "interview_panelists"("member_id", "interview_id");

-- CreateIndex
CREATE INDEX "interview_panelists_workspace_id_idx" ON "interview_panelists"("workspace_id");

-- CreateIndex
CREATE UNIQUE INDEX "interview_panelists_interview_id_member_id_key" ON "interview_panelists"("interview_id", "member_id");

-- CreateIndex
CREATE INDEX "scorecard_templates_workspace_id_archived_at_idx" ON "scorecard_templates"("workspace_id", "archived_at");

-- CreateIndex
CREATE INDEX "scorecard_templates_created_by_id_idx" ON "scorecard_templates"("created_by_id");

-- CreateIndex
CREATE INDEX "scorecard_versions_workspace_id_idx" ON "scorecard_versions"("workspace_id");

-- CreateIndex
CREATE UNIQUE INDEX "scorecard_versions_scorecard_id_version_key" ON "scorecard_versions"("scorecard_id", "version");

-- CreateIndex
CREATE INDEX "candidates_workspace_id_position_title_idx" ON "candidates"("workspace_id", "position_title");

-- CreateIndex
CREATE INDEX "interview_scorecards_member_id_idx" ON "interview_scorecards"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "interview_scorecards_interview_id_member_id_key" ON "interview_scorecards"("interview_id", "member_id");

-- CreateIndex
CREATE INDEX "interview_summaries_interview_id_is_current_idx" ON "interview_summaries"("interview_id", "is_current");

-- CreateIndex
CREATE UNIQUE INDEX "interview_summaries_interview_id_version_key" ON "interview_summaries"("interview_id", "version");

-- CreateIndex
CREATE INDEX "interviews_template_id_idx" ON "interviews"("template_id");

-- CreateIndex
CREATE INDEX "scorecard_categories_template_id_position_idx" ON "scorecard_categories"("template_id", "position");

-- CreateIndex
CREATE INDEX "scorecard_categories_workspace_id_idx" ON "scorecard_categories"("workspace_id");

-- AddForeignKey
ALTER TABLE "interviews" ADD CONSTRAINT "interviews_candidate_id_fkey" FOREIGN KEY ("candidate_id") REFERENCES "candidates"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interviews" ADD CONSTRAINT "interviews_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "scorecard_templates"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interview_panelists" ADD CONSTRAINT "interview_panelists_interview_id_fkey" FOREIGN KEY ("interview_id") REFERENCES "interviews"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interview_panelists" ADD CONSTRAINT "interview_panelists_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interview_panelists" ADD CONSTRAINT "interview_panelists_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "workspace_members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_templates" ADD CONSTRAINT "scorecard_templates_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_templates" ADD CONSTRAINT "scorecard_templates_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_categories" ADD CONSTRAINT "scorecard_categories_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "scorecard_templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interview_scorecards" ADD CONSTRAINT "interview_scorecards_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "workspace_members"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_versions" ADD CONSTRAINT "scorecard_versions_scorecard_id_fkey" FOREIGN KEY ("scorecard_id") REFERENCES "interview_scorecards"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_versions" ADD CONSTRAINT "scorecard_versions_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: Prisma cannot express partial or expression indexes, nor CHECKs.
-- One live candidate per email in a workspace (emails are stored lowercased by the service).
CREATE UNIQUE INDEX "candidates_workspace_id_email_live_key" ON "candidates" ("workspace_id", "email") WHERE "deleted_at" IS NULL AND "email" IS NOT NULL;
-- One live scorecard template per position, whatever the case.
CREATE UNIQUE INDEX "scorecard_templates_workspace_id_lower_position_live_key" ON "scorecard_templates" ("workspace_id", lower("position_title")) WHERE "archived_at" IS NULL;
-- At most one current summary per interview.
CREATE UNIQUE INDEX "interview_summaries_one_current_key" ON "interview_summaries" ("interview_id") WHERE "is_current";
ALTER TABLE "scorecard_templates" ADD CONSTRAINT "scorecard_templates_rating_scale" CHECK ("rating_scale" IN (4, 5));
