-- CreateEnum
CREATE TYPE "ai_prompt_kind" AS ENUM ('summary', 'action_items', 'ask_mind', 'interview_summary');

-- CreateEnum
CREATE TYPE "ai_feature" AS ENUM ('summaries', 'ask_mind', 'interview_summaries');

-- CreateTable
CREATE TABLE "workspace_ai_settings" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "base_url" TEXT,
    "model" TEXT,
    "embedding_model" TEXT,
    "api_key_encrypted" TEXT,
    "api_key_hint" TEXT,
    "monthly_token_cap" BIGINT,
    "updated_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "workspace_ai_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_prompt_versions" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "kind" "ai_prompt_kind" NOT NULL,
    "version" INTEGER NOT NULL,
    "text" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ai_prompt_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_usage_counters" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "month" DATE NOT NULL,
    "feature" "ai_feature" NOT NULL,
    "tokens_in" BIGINT NOT NULL DEFAULT 0,
    "tokens_out" BIGINT NOT NULL DEFAULT 0,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ai_usage_counters_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "workspace_ai_settings_workspace_id_key" ON "workspace_ai_settings"("workspace_id");

-- CreateIndex
CREATE INDEX "workspace_ai_settings_updated_by_id_idx" ON "workspace_ai_settings"("updated_by_id");

-- CreateIndex
CREATE INDEX "ai_prompt_versions_created_by_id_idx" ON "ai_prompt_versions"("created_by_id");

-- CreateIndex
CREATE UNIQUE INDEX "ai_prompt_versions_workspace_id_kind_version_key" ON "ai_prompt_versions"("workspace_id", "kind", "version");

-- CreateIndex
CREATE UNIQUE INDEX "ai_usage_counters_workspace_id_month_feature_key" ON "ai_usage_counters"("workspace_id", "month", "feature");

-- AddForeignKey
ALTER TABLE "workspace_ai_settings" ADD CONSTRAINT "workspace_ai_settings_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workspace_ai_settings" ADD CONSTRAINT "workspace_ai_settings_updated_by_id_fkey" FOREIGN KEY ("updated_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_prompt_versions" ADD CONSTRAINT "ai_prompt_versions_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_prompt_versions" ADD CONSTRAINT "ai_prompt_versions_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_usage_counters" ADD CONSTRAINT "ai_usage_counters_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
