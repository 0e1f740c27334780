-- AlterTable
ALTER TABLE "ask_mind_messages" ADD COLUMN     "context_meeting_ids" UUID[] DEFAULT ARRAY[]::UUID[];
