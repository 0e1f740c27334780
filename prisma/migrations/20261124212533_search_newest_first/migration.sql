-- DropIndex
DROP INDEX "transcript_segments_workspace_id_idx";

-- CreateIndex
CREATE INDEX "transcript_segments_workspace_id_created_at_id_idx" ON "transcript_segments"("workspace_id", "created_at", "id");
