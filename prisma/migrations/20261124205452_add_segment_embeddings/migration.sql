-- CreateTable
CREATE TABLE "segment_embeddings" (
    "id" UUID NOT NULL,
    "segment_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "embedding" REAL[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "segment_embeddings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "segment_embeddings_segment_id_key" ON "segment_embeddings"("segment_id");

-- CreateIndex
CREATE INDEX "segment_embeddings_workspace_id_model_idx" ON "segment_embeddings"("workspace_id", "model");

-- CreateIndex
CREATE INDEX "segment_embeddings_meeting_id_idx" ON "segment_embeddings"("meeting_id");

-- AddForeignKey
ALTER TABLE "segment_embeddings" ADD CONSTRAINT "segment_embeddings_segment_id_fkey" FOREIGN KEY ("segment_id") REFERENCES "transcript_segments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segment_embeddings" ADD CONSTRAINT "segment_embeddings_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
