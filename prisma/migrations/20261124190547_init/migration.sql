-- CreateEnum
CREATE TYPE "color_mode" AS ENUM ('light', 'dark', 'system');

-- CreateEnum
CREATE TYPE "workspace_role" AS ENUM ('owner', 'admin', 'member', 'viewer');

-- CreateEnum
CREATE TYPE "meeting_platform" AS ENUM ('zoom', 'google_meet', 'teams', 'in_person', 'other');

-- CreateEnum
CREATE TYPE "meeting_status" AS ENUM ('scheduled', 'in_progress', 'completed', 'cancelled');

-- CreateEnum
CREATE TYPE "participant_role" AS ENUM ('host', 'attendee');

-- CreateEnum
CREATE TYPE "transcript_format" AS ENUM ('plain_text', 'vtt', 'srt', 'json');

-- CreateEnum
CREATE TYPE "transcript_source" AS ENUM ('upload', 'integration', 'api', 'manual');

-- CreateEnum
CREATE TYPE "summary_status" AS ENUM ('pending', 'running', 'done', 'failed');

-- CreateEnum
CREATE TYPE "action_item_status" AS ENUM ('open', 'done');

-- CreateEnum
CREATE TYPE "interview_status" AS ENUM ('scheduled', 'completed', 'cancelled', 'no_show');

-- CreateEnum
CREATE TYPE "scorecard_recommendation" AS ENUM ('strong_no', 'no', 'yes', 'strong_yes');

-- CreateEnum
CREATE TYPE "integration_provider" AS ENUM ('zoom', 'google_meet', 'teams', 'slack', 'other');

-- CreateEnum
CREATE TYPE "integration_status" AS ENUM ('pending', 'active', 'error', 'disconnected');

-- CreateEnum
CREATE TYPE "integration_channel_purpose" AS ENUM ('summaries', 'action_items', 'notifications', 'ask_mind');

-- CreateEnum
CREATE TYPE "ask_mind_message_role" AS ENUM ('user', 'assistant');

-- CreateEnum
CREATE TYPE "ask_mind_message_status" AS ENUM ('pending', 'streaming', 'done', 'failed');

-- CreateEnum
CREATE TYPE "email_outbox_status" AS ENUM ('pending', 'sending', 'sent', 'failed');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT,
    "full_name" TEXT,
    "timezone" TEXT,
    "locale" TEXT,
    "avatar_url" TEXT,
    "email_verified_at" TIMESTAMPTZ(3),
    "is_superuser" BOOLEAN NOT NULL DEFAULT false,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "deactivated_at" TIMESTAMPTZ(3),
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_preferences" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "color_mode" "color_mode",
    "pinned_item_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "user_preferences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "active_sessions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "user_agent" TEXT,
    "ip" TEXT,
    "last_used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "absolute_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "active_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refresh_tokens" (
    "id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "rotated_at" TIMESTAMPTZ(3),
    "replaced_by_id" UUID,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "refresh_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "email_verification_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "email_verification_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "password_reset_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "password_reset_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sso_provider_links" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_user_id" TEXT NOT NULL,
    "email" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sso_provider_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workspaces" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "workspaces_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workspace_members" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "workspace_role" NOT NULL DEFAULT 'member',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "workspace_members_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workspace_invites" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "role" "workspace_role" NOT NULL DEFAULT 'member',
    "token_hash" TEXT NOT NULL,
    "invited_by_id" UUID,
    "accepted_by_id" UUID,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "declined_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "workspace_invites_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meetings" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "created_by_id" UUID,
    "integration_id" UUID,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "platform" "meeting_platform" NOT NULL DEFAULT 'other',
    "status" "meeting_status" NOT NULL DEFAULT 'scheduled',
    "scheduled_start" TIMESTAMPTZ(3),
    "scheduled_end" TIMESTAMPTZ(3),
    "actual_start" TIMESTAMPTZ(3),
    "actual_end" TIMESTAMPTZ(3),
    "external_id" TEXT,
    "external_url" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "meetings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meeting_participants" (
    "id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "member_id" UUID,
    "name" TEXT,
    "email" TEXT,
    "role" "participant_role" NOT NULL DEFAULT 'attendee',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "meeting_participants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meeting_comments" (
    "id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "author_id" UUID,
    "segment_id" UUID,
    "body" TEXT NOT NULL,
    "mentioned_user_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "edited_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "meeting_comments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transcripts" (
    "id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "created_by_id" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "is_current" BOOLEAN NOT NULL DEFAULT true,
    "format" "transcript_format" NOT NULL DEFAULT 'plain_text',
    "language" TEXT,
    "source" "transcript_source" NOT NULL DEFAULT 'upload',
    "source_metadata" JSONB NOT NULL DEFAULT '{}',
    "duration_ms" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "transcripts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transcript_segments" (
    "id" UUID NOT NULL,
    "transcript_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "speaker_label" TEXT,
    "speaker_member_id" UUID,
    "speaker_participant_id" UUID,
    "start_ms" INTEGER NOT NULL,
    "end_ms" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "original_text" TEXT,
    "edited_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "transcript_segments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meeting_summaries" (
    "id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "transcript_id" UUID,
    "requested_by_id" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "is_current" BOOLEAN NOT NULL DEFAULT false,
    "status" "summary_status" NOT NULL DEFAULT 'pending',
    "failure_reason" TEXT,
    "overview" TEXT,
    "key_points" JSONB NOT NULL DEFAULT '[]',
    "decisions" JSONB NOT NULL DEFAULT '[]',
    "topics" JSONB NOT NULL DEFAULT '[]',
    "provider" TEXT,
    "model" TEXT,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "meeting_summaries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "action_items" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "meeting_id" UUID,
    "summary_id" UUID,
    "source_segment_id" UUID,
    "text" TEXT NOT NULL,
    "assignee_id" UUID,
    "assignee_name" TEXT,
    "due_date" TIMESTAMPTZ(3),
    "status" "action_item_status" NOT NULL DEFAULT 'open',
    "completed_at" TIMESTAMPTZ(3),
    "completed_by_id" UUID,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "action_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "candidates" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "created_by_id" UUID,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "resume_url" TEXT,
    "notes" TEXT,
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "candidates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "interviews" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "candidate_id" UUID NOT NULL,
    "meeting_id" UUID,
    "interviewer_id" UUID,
    "created_by_id" UUID,
    "title" TEXT NOT NULL,
    "position_title" TEXT,
    "stage" TEXT,
    "scheduled_at" TIMESTAMPTZ(3),
    "status" "interview_status" NOT NULL DEFAULT 'scheduled',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "interviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "interview_transcripts" (
    "id" UUID NOT NULL,
    "interview_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "transcript_id" UUID,
    "content" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "interview_transcripts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "interview_summaries" (
    "id" UUID NOT NULL,
    "interview_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "status" "summary_status" NOT NULL DEFAULT 'pending',
    "failure_reason" TEXT,
    "content" JSONB NOT NULL DEFAULT '{}',
    "provider" TEXT,
    "model" TEXT,
    "completed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "interview_summaries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scorecard_categories" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "weight" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "position" INTEGER NOT NULL DEFAULT 0,
    "archived_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "scorecard_categories_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "interview_scorecards" (
    "id" UUID NOT NULL,
    "interview_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "reviewer_id" UUID,
    "recommendation" "scorecard_recommendation",
    "notes" TEXT,
    "submitted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "interview_scorecards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scorecard_scores" (
    "id" UUID NOT NULL,
    "scorecard_id" UUID NOT NULL,
    "category_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "score" INTEGER NOT NULL,
    "comment" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "scorecard_scores_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integrations" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "provider" "integration_provider" NOT NULL,
    "status" "integration_status" NOT NULL DEFAULT 'pending',
    "external_account_id" TEXT,
    "config" JSONB NOT NULL DEFAULT '{}',
    "credentials_encrypted" BYTEA,
    "connected_by_id" UUID,
    "last_synced_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "integrations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_platform_integrations" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "provider" "integration_provider" NOT NULL,
    "external_account_id" TEXT NOT NULL,
    "access_token_encrypted" BYTEA,
    "refresh_token_encrypted" BYTEA,
    "expires_at" TIMESTAMPTZ(3),
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "user_platform_integrations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration_channels" (
    "id" UUID NOT NULL,
    "integration_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "external_channel_id" TEXT NOT NULL,
    "name" TEXT,
    "purpose" "integration_channel_purpose" NOT NULL DEFAULT 'notifications',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "integration_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ask_mind_sessions" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "created_by_id" UUID,
    "title" TEXT,
    "scope" JSONB NOT NULL DEFAULT '{}',
    "shared_with_workspace" BOOLEAN NOT NULL DEFAULT false,
    "last_message_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ask_mind_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ask_mind_messages" (
    "id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "author_id" UUID,
    "role" "ask_mind_message_role" NOT NULL,
    "content" TEXT NOT NULL DEFAULT '',
    "citations" JSONB NOT NULL DEFAULT '[]',
    "status" "ask_mind_message_status" NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "prompt_tokens" INTEGER,
    "completion_tokens" INTEGER,
    "model" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ask_mind_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ask_mind_suggested_prompts" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "created_by_id" UUID,
    "text" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ask_mind_suggested_prompts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "workspace_id" UUID,
    "actor_id" UUID,
    "action" TEXT NOT NULL,
    "target_type" TEXT,
    "target_id" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "ip" TEXT,
    "user_agent" TEXT,
    "request_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_emails" (
    "id" UUID NOT NULL,
    "to_address" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text_body" TEXT NOT NULL,
    "html_body" TEXT,
    "template" TEXT,
    "status" "email_outbox_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "outbox_emails_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "users_is_active_created_at_idx" ON "users"("is_active", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "user_preferences_user_id_key" ON "user_preferences"("user_id");

-- CreateIndex
CREATE INDEX "active_sessions_user_id_revoked_at_idx" ON "active_sessions"("user_id", "revoked_at");

-- CreateIndex
CREATE INDEX "active_sessions_expires_at_idx" ON "active_sessions"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "refresh_tokens_token_hash_key" ON "refresh_tokens"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "refresh_tokens_replaced_by_id_key" ON "refresh_tokens"("replaced_by_id");

-- CreateIndex
CREATE INDEX "refresh_tokens_session_id_idx" ON "refresh_tokens"("session_id");

-- CreateIndex
CREATE INDEX "refresh_tokens_expires_at_idx" ON "refresh_tokens"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "email_verification_tokens_token_hash_key" ON "email_verification_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "email_verification_tokens_user_id_idx" ON "email_verification_tokens"("user_id");

-- CreateIndex
CREATE INDEX "email_verification_tokens_expires_at_idx" ON "email_verification_tokens"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "password_reset_tokens_token_hash_key" ON "password_reset_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "password_reset_tokens_user_id_idx" ON "password_reset_tokens"("user_id");

-- CreateIndex
CREATE INDEX "password_reset_tokens_expires_at_idx" ON "password_reset_tokens"("expires_at");

-- CreateIndex
CREATE INDEX "sso_provider_links_user_id_idx" ON "sso_provider_links"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "sso_provider_links_provider_provider_user_id_key" ON "sso_provider_links"("provider", "provider_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "workspaces_slug_key" ON "workspaces"("slug");

-- CreateIndex
CREATE INDEX "workspaces_deleted_at_idx" ON "workspaces"("deleted_at");

-- CreateIndex
CREATE INDEX "workspace_members_user_id_idx" ON "workspace_members"("user_id");

-- CreateIndex
CREATE INDEX "workspace_members_workspace_id_role_idx" ON "workspace_members"("workspace_id", "role");

-- CreateIndex
CREATE UNIQUE INDEX "workspace_members_workspace_id_user_id_key" ON "workspace_members"("workspace_id", "user_id");

-- CreateIndex
CREATE UNIQUE INDEX "workspace_invites_token_hash_key" ON "workspace_invites"("token_hash");

-- CreateIndex
CREATE INDEX "workspace_invites_workspace_id_email_idx" ON "workspace_invites"("workspace_id", "email");

-- CreateIndex
CREATE INDEX "workspace_invites_workspace_id_created_at_id_idx" ON "workspace_invites"("workspace_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "workspace_invites_email_idx" ON "workspace_invites"("email");

-- CreateIndex
CREATE INDEX "workspace_invites_invited_by_id_idx" ON "workspace_invites"("invited_by_id");

-- CreateIndex
CREATE INDEX "workspace_invites_accepted_by_id_idx" ON "workspace_invites"("accepted_by_id");

-- CreateIndex
CREATE INDEX "meetings_workspace_id_scheduled_start_id_idx" ON "meetings"("workspace_id", "scheduled_start", "id");

-- CreateIndex
CREATE INDEX "meetings_workspace_id_created_at_id_idx" ON "meetings"("workspace_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "meetings_workspace_id_status_idx" ON "meetings"("workspace_id", "status");

-- CreateIndex
CREATE INDEX "meetings_workspace_id_deleted_at_idx" ON "meetings"("workspace_id", "deleted_at");

-- CreateIndex
CREATE INDEX "meetings_tags_idx" ON "meetings" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "meetings_created_by_id_idx" ON "meetings"("created_by_id");

-- CreateIndex
CREATE INDEX "meetings_integration_id_idx" ON "meetings"("integration_id");

-- CreateIndex
CREATE UNIQUE INDEX "meetings_workspace_id_platform_external_id_key" ON "meetings"("workspace_id", "platform", "external_id");

-- CreateIndex
CREATE INDEX "meeting_participants_workspace_id_email_idx" ON "meeting_participants"("workspace_id", "email");

-- CreateIndex
CREATE INDEX "meeting_participants_member_id_idx" ON "meeting_participants"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "meeting_participants_meeting_id_member_id_key" ON "meeting_participants"("meeting_id", "member_id");

-- CreateIndex
CREATE INDEX "meeting_comments_meeting_id_created_at_id_idx" ON "meeting_comments"("meeting_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "meeting_comments_workspace_id_idx" ON "meeting_comments"("workspace_id");

-- CreateIndex
CREATE INDEX "meeting_comments_author_id_idx" ON "meeting_comments"("author_id");

-- CreateIndex
CREATE INDEX "meeting_comments_segment_id_idx" ON "meeting_comments"("segment_id");

-- CreateIndex
CREATE INDEX "meeting_comments_mentioned_user_ids_idx" ON "meeting_comments" USING GIN ("mentioned_user_ids");

-- CreateIndex
CREATE INDEX "transcripts_meeting_id_is_current_idx" ON "transcripts"("meeting_id", "is_current");

-- CreateIndex
CREATE INDEX "transcripts_workspace_id_idx" ON "transcripts"("workspace_id");

-- CreateIndex
CREATE INDEX "transcripts_created_by_id_idx" ON "transcripts"("created_by_id");

-- CreateIndex
CREATE UNIQUE INDEX "transcripts_meeting_id_version_key" ON "transcripts"("meeting_id", "version");

-- CreateIndex
CREATE INDEX "transcript_segments_transcript_id_start_ms_idx" ON "transcript_segments"("transcript_id", "start_ms");

-- CreateIndex
CREATE INDEX "transcript_segments_workspace_id_idx" ON "transcript_segments"("workspace_id");

-- CreateIndex
CREATE INDEX "transcript_segments_meeting_id_idx" ON "transcript_segments"("meeting_id");

-- CreateIndex
CREATE INDEX "transcript_segments_speaker_member_id_idx" ON "transcript_segments"("speaker_member_id");

-- CreateIndex
CREATE INDEX "transcript_segments_speaker_participant_id_idx" ON "transcript_segments"("speaker_participant_id");

-- CreateIndex
CREATE UNIQUE INDEX "transcript_segments_transcript_id_position_key" ON "transcript_segments"("transcript_id", "position");

-- CreateIndex
CREATE INDEX "meeting_summaries_meeting_id_is_current_idx" ON "meeting_summaries"("meeting_id", "is_current");

-- CreateIndex
CREATE INDEX "meeting_summaries_workspace_id_status_idx" ON "meeting_summaries"("workspace_id", "status");

-- CreateIndex
CREATE INDEX "meeting_summaries_status_created_at_idx" ON "meeting_summaries"("status", "created_at");

-- CreateIndex
CREATE INDEX "meeting_summaries_transcript_id_idx" ON "meeting_summaries"("transcript_id");

-- CreateIndex
CREATE INDEX "meeting_summaries_requested_by_id_idx" ON "meeting_summaries"("requested_by_id");

-- CreateIndex
CREATE UNIQUE INDEX "meeting_summaries_meeting_id_version_key" ON "meeting_summaries"("meeting_id", "version");

-- CreateIndex
CREATE INDEX "action_items_workspace_id_status_idx" ON "action_items"("workspace_id", "status");

-- CreateIndex
CREATE INDEX "action_items_workspace_id_assignee_id_idx" ON "action_items"("workspace_id", "assignee_id");

-- CreateIndex
CREATE INDEX "action_items_workspace_id_due_date_idx" ON "action_items"("workspace_id", "due_date");

-- CreateIndex
CREATE INDEX "action_items_workspace_id_created_at_id_idx" ON "action_items"("workspace_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "action_items_meeting_id_idx" ON "action_items"("meeting_id");

-- CreateIndex
CREATE INDEX "action_items_summary_id_idx" ON "action_items"("summary_id");

-- CreateIndex
CREATE INDEX "action_items_source_segment_id_idx" ON "action_items"("source_segment_id");

-- CreateIndex
CREATE INDEX "action_items_assignee_id_idx" ON "action_items"("assignee_id");

-- CreateIndex
CREATE INDEX "action_items_completed_by_id_idx" ON "action_items"("completed_by_id");

-- CreateIndex
CREATE INDEX "action_items_created_by_id_idx" ON "action_items"("created_by_id");

-- CreateIndex
CREATE INDEX "candidates_workspace_id_deleted_at_idx" ON "candidates"("workspace_id", "deleted_at");

-- CreateIndex
CREATE INDEX "candidates_workspace_id_created_at_id_idx" ON "candidates"("workspace_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "candidates_workspace_id_email_idx" ON "candidates"("workspace_id", "email");

-- CreateIndex
CREATE INDEX "candidates_created_by_id_idx" ON "candidates"("created_by_id");

-- CreateIndex
CREATE INDEX "interviews_workspace_id_scheduled_at_id_idx" ON "interviews"("workspace_id", "scheduled_at", "id");

-- CreateIndex
CREATE INDEX "interviews_workspace_id_status_idx" ON "interviews"("workspace_id", "status");

-- CreateIndex
CREATE INDEX "interviews_candidate_id_scheduled_at_idx" ON "interviews"("candidate_id", "scheduled_at");

-- CreateIndex
CREATE INDEX "interviews_meeting_id_idx" ON "interviews"("meeting_id");

-- CreateIndex
CREATE INDEX "interviews_interviewer_id_idx" ON "interviews"("interviewer_id");

-- CreateIndex
CREATE INDEX "interviews_created_by_id_idx" ON "interviews"("created_by_id");

-- CreateIndex
CREATE UNIQUE INDEX "interview_transcripts_interview_id_key" ON "interview_transcripts"("interview_id");

-- CreateIndex
CREATE INDEX "interview_transcripts_workspace_id_idx" ON "interview_transcripts"("workspace_id");

-- CreateIndex
CREATE INDEX "interview_transcripts_transcript_id_idx" ON "interview_transcripts"("transcript_id");

-- CreateIndex
CREATE INDEX "interview_summaries_interview_id_created_at_idx" ON "interview_summaries"("interview_id", "created_at");

-- CreateIndex
CREATE INDEX "interview_summaries_workspace_id_idx" ON "interview_summaries"("workspace_id");

-- CreateIndex
CREATE INDEX "interview_summaries_status_created_at_idx" ON "interview_summaries"("status", "created_at");

-- CreateIndex
CREATE INDEX "scorecard_categories_workspace_id_position_idx" ON "scorecard_categories"("workspace_id", "position");

-- CreateIndex
CREATE INDEX "interview_scorecards_workspace_id_idx" ON "interview_scorecards"("workspace_id");

-- CreateIndex
CREATE INDEX "interview_scorecards_reviewer_id_idx" ON "interview_scorecards"("reviewer_id");

-- CreateIndex
CREATE UNIQUE INDEX "interview_scorecards_interview_id_reviewer_id_key" ON "interview_scorecards"("interview_id", "reviewer_id");

-- CreateIndex
CREATE INDEX "scorecard_scores_category_id_idx" ON "scorecard_scores"("category_id");

-- CreateIndex
CREATE INDEX "scorecard_scores_workspace_id_idx" ON "scorecard_scores"("workspace_id");

-- CreateIndex
CREATE UNIQUE INDEX "scorecard_scores_scorecard_id_category_id_key" ON "scorecard_scores"("scorecard_id", "category_id");

-- CreateIndex
CREATE INDEX "integrations_workspace_id_status_idx" ON "integrations"("workspace_id", "status");

-- CreateIndex
CREATE INDEX "integrations_provider_external_account_id_idx" ON "integrations"("provider", "external_account_id");

-- CreateIndex
CREATE INDEX "integrations_connected_by_id_idx" ON "integrations"("connected_by_id");

-- CreateIndex
CREATE UNIQUE INDEX "integrations_workspace_id_provider_external_account_id_key" ON "integrations"("workspace_id", "provider", "external_account_id");

-- CreateIndex
CREATE INDEX "user_platform_integrations_provider_external_account_id_idx" ON "user_platform_integrations"("provider", "external_account_id");

-- CreateIndex
CREATE INDEX "user_platform_integrations_expires_at_idx" ON "user_platform_integrations"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "user_platform_integrations_user_id_provider_external_accoun_key" ON "user_platform_integrations"("user_id", "provider", "external_account_id");

-- CreateIndex
CREATE INDEX "integration_channels_workspace_id_purpose_idx" ON "integration_channels"("workspace_id", "purpose");

-- CreateIndex
CREATE UNIQUE INDEX "integration_channels_integration_id_external_channel_id_pur_key" ON "integration_channels"("integration_id", "external_channel_id", "purpose");

-- CreateIndex
CREATE INDEX "ask_mind_sessions_created_by_id_workspace_id_last_message_a_idx" ON "ask_mind_sessions"("created_by_id", "workspace_id", "last_message_at");

-- CreateIndex
CREATE INDEX "ask_mind_sessions_workspace_id_shared_with_workspace_last_m_idx" ON "ask_mind_sessions"("workspace_id", "shared_with_workspace", "last_message_at");

-- CreateIndex
CREATE INDEX "ask_mind_sessions_workspace_id_deleted_at_idx" ON "ask_mind_sessions"("workspace_id", "deleted_at");

-- CreateIndex
CREATE INDEX "ask_mind_messages_session_id_created_at_id_idx" ON "ask_mind_messages"("session_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "ask_mind_messages_workspace_id_created_at_idx" ON "ask_mind_messages"("workspace_id", "created_at");

-- CreateIndex
CREATE INDEX "ask_mind_messages_author_id_idx" ON "ask_mind_messages"("author_id");

-- CreateIndex
CREATE INDEX "ask_mind_messages_status_updated_at_idx" ON "ask_mind_messages"("status", "updated_at");

-- CreateIndex
CREATE INDEX "ask_mind_suggested_prompts_workspace_id_position_idx" ON "ask_mind_suggested_prompts"("workspace_id", "position");

-- CreateIndex
CREATE INDEX "ask_mind_suggested_prompts_created_by_id_idx" ON "ask_mind_suggested_prompts"("created_by_id");

-- CreateIndex
CREATE INDEX "audit_events_workspace_id_created_at_id_idx" ON "audit_events"("workspace_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "audit_events_actor_id_created_at_idx" ON "audit_events"("actor_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_events_target_type_target_id_idx" ON "audit_events"("target_type", "target_id");

-- CreateIndex
CREATE INDEX "audit_events_workspace_id_action_created_at_idx" ON "audit_events"("workspace_id", "action", "created_at");

-- CreateIndex
CREATE INDEX "outbox_emails_status_next_attempt_at_idx" ON "outbox_emails"("status", "next_attempt_at");

-- AddForeignKey
ALTER TABLE "user_preferences" ADD CONSTRAINT "user_preferences_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "active_sessions" ADD CONSTRAINT "active_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "active_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_replaced_by_id_fkey" FOREIGN KEY ("replaced_by_id") REFERENCES "refresh_tokens"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "email_verification_tokens" ADD CONSTRAINT "email_verification_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "password_reset_tokens" ADD CONSTRAINT "password_reset_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sso_provider_links" ADD CONSTRAINT "sso_provider_links_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workspace_members" ADD CONSTRAINT "workspace_members_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workspace_members" ADD CONSTRAINT "workspace_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workspace_invites" ADD CONSTRAINT "workspace_invites_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workspace_invites" ADD CONSTRAINT "workspace_invites_invited_by_id_fkey" FOREIGN KEY ("invited_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workspace_invites" ADD CONSTRAINT "workspace_invites_accepted_by_id_fkey" FOREIGN KEY ("accepted_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_participants" ADD CONSTRAINT "meeting_participants_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_participants" ADD CONSTRAINT "meeting_participants_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_participants" ADD CONSTRAINT "meeting_participants_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "workspace_members"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_comments" ADD CONSTRAINT "meeting_comments_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_comments" ADD CONSTRAINT "meeting_comments_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_comments" ADD CONSTRAINT "meeting_comments_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_comments" ADD CONSTRAINT "meeting_comments_segment_id_fkey" FOREIGN KEY ("segment_id") REFERENCES "transcript_segments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transcripts" ADD CONSTRAINT "transcripts_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transcripts" ADD CONSTRAINT "transcripts_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transcripts" ADD CONSTRAINT "transcripts_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transcript_segments" ADD CONSTRAINT "transcript_segments_transcript_id_fkey" FOREIGN KEY ("transcript_id") REFERENCES "transcripts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transcript_segments" ADD CONSTRAINT "transcript_segments_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transcript_segments" ADD CONSTRAINT "transcript_segments_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transcript_segments" ADD CONSTRAINT "transcript_segments_speaker_member_id_fkey" FOREIGN KEY ("speaker_member_id") REFERENCES "workspace_members"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transcript_segments" ADD CONSTRAINT "transcript_segments_speaker_participant_id_fkey" FOREIGN KEY ("speaker_participant_id") REFERENCES "meeting_participants"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_summaries" ADD CONSTRAINT "meeting_summaries_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_summaries" ADD CONSTRAINT "meeting_summaries_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_summaries" ADD CONSTRAINT "meeting_summaries_transcript_id_fkey" FOREIGN KEY ("transcript_id") REFERENCES "transcripts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_summaries" ADD CONSTRAINT "meeting_summaries_requested_by_id_fkey" FOREIGN KEY ("requested_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_summary_id_fkey" FOREIGN KEY ("summary_id") REFERENCES "meeting_summaries"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_source_segment_id_fkey" FOREIGN KEY ("source_segment_id") REFERENCES "transcript_segments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "workspace_members"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_completed_by_id_fkey" FOREIGN KEY ("completed_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "candidates" ADD CONSTRAINT "candidates_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "candidates" ADD CONSTRAINT "candidates_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interviews" ADD CONSTRAINT "interviews_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interviews" ADD CONSTRAINT "interviews_candidate_id_fkey" FOREIGN KEY ("candidate_id") REFERENCES "candidates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interviews" ADD CONSTRAINT "interviews_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interviews" ADD CONSTRAINT "interviews_interviewer_id_fkey" FOREIGN KEY ("interviewer_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interviews" ADD CONSTRAINT "interviews_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interview_transcripts" ADD CONSTRAINT "interview_transcripts_interview_id_fkey" FOREIGN KEY ("interview_id") REFERENCES "interviews"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interview_transcripts" ADD CONSTRAINT "interview_transcripts_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interview_transcripts" ADD CONSTRAINT "interview_transcripts_transcript_id_fkey" FOREIGN KEY ("transcript_id") REFERENCES "transcripts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interview_summaries" ADD CONSTRAINT "interview_summaries_interview_id_fkey" FOREIGN KEY ("interview_id") REFERENCES "interviews"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interview_summaries" ADD CONSTRAINT "interview_summaries_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_categories" ADD CONSTRAINT "scorecard_categories_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interview_scorecards" ADD CONSTRAINT "interview_scorecards_interview_id_fkey" FOREIGN KEY ("interview_id") REFERENCES "interviews"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interview_scorecards" ADD CONSTRAINT "interview_scorecards_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interview_scorecards" ADD CONSTRAINT "interview_scorecards_reviewer_id_fkey" FOREIGN KEY ("reviewer_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_scores" ADD CONSTRAINT "scorecard_scores_scorecard_id_fkey" FOREIGN KEY ("scorecard_id") REFERENCES "interview_scorecards"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_scores" ADD CONSTRAINT "scorecard_scores_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "scorecard_categories"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_scores" ADD CONSTRAINT "scorecard_scores_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_connected_by_id_fkey" FOREIGN KEY ("connected_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_platform_integrations" ADD CONSTRAINT "user_platform_integrations_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "integration_channels" ADD CONSTRAINT "integration_channels_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "integration_channels" ADD CONSTRAINT "integration_channels_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ask_mind_sessions" ADD CONSTRAINT "ask_mind_sessions_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ask_mind_sessions" ADD CONSTRAINT "ask_mind_sessions_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ask_mind_messages" ADD CONSTRAINT "ask_mind_messages_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "ask_mind_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ask_mind_messages" ADD CONSTRAINT "ask_mind_messages_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ask_mind_messages" ADD CONSTRAINT "ask_mind_messages_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ask_mind_suggested_prompts" ADD CONSTRAINT "ask_mind_suggested_prompts_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ask_mind_suggested_prompts" ADD CONSTRAINT "ask_mind_suggested_prompts_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
