-- CreateEnum
CREATE TYPE "meeting_visibility" AS ENUM ('workspace', 'participants', 'private');

-- CreateEnum
CREATE TYPE "meeting_access_level" AS ENUM ('view', 'comment', 'edit');

-- CreateEnum
CREATE TYPE "group_role" AS ENUM ('member', 'admin');

-- AlterTable
ALTER TABLE "meetings" ADD COLUMN     "visibility" "meeting_visibility" NOT NULL DEFAULT 'workspace';

-- CreateTable
CREATE TABLE "meeting_grants" (
    "id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "member_id" UUID,
    "group_id" UUID,
    "level" "meeting_access_level" NOT NULL DEFAULT 'view',
    "granted_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "meeting_grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "groups" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "group_members" (
    "id" UUID NOT NULL,
    "group_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "role" "group_role" NOT NULL DEFAULT 'member',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "group_members_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "meeting_grants_member_id_idx" ON "meeting_grants"("member_id");

-- CreateIndex
CREATE INDEX "meeting_grants_group_id_idx" ON "meeting_grants"("group_id");

-- CreateIndex
CREATE INDEX "meeting_grants_workspace_id_idx" ON "meeting_grants"("workspace_id");

-- CreateIndex
CREATE INDEX "meeting_grants_granted_by_id_idx" ON "meeting_grants"("granted_by_id");

-- CreateIndex
CREATE UNIQUE INDEX "meeting_grants_meeting_id_member_id_key" ON "meeting_grants"("meeting_id", "member_id");

-- CreateIndex
CREATE UNIQUE INDEX "meeting_grants_meeting_id_group_id_key" ON "meeting_grants"("meeting_id", "group_id");

-- CreateIndex
CREATE UNIQUE INDEX "groups_workspace_id_name_key" ON "groups"("workspace_id", "name");

-- CreateIndex
CREATE INDEX "group_members_member_id_group_id_idx" ON "group_members"("member_id", "group_id");

-- CreateIndex
CREATE INDEX "group_members_workspace_id_idx" ON "group_members"("workspace_id");

-- CreateIndex
CREATE UNIQUE INDEX "group_members_group_id_member_id_key" ON "group_members"("group_id", "member_id");

-- AddForeignKey
ALTER TABLE "meeting_grants" ADD CONSTRAINT "meeting_grants_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_grants" ADD CONSTRAINT "meeting_grants_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_grants" ADD CONSTRAINT "meeting_grants_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "workspace_members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_grants" ADD CONSTRAINT "meeting_grants_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_grants" ADD CONSTRAINT "meeting_grants_granted_by_id_fkey" FOREIGN KEY ("granted_by_id") REFERENCES "workspace_members"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "groups" ADD CONSTRAINT "groups_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "workspace_members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A grant names exactly one grantee: a member or a group (Prisma cannot express this CHECK).
ALTER TABLE "meeting_grants" ADD CONSTRAINT "meeting_grants_one_grantee" CHECK (("member_id" IS NULL) <> ("group_id" IS NULL));
