-- Group names are unique per workspace regardless of case ("Design" and "design" would be two
-- groups nobody can tell apart in a picker). Prisma's @@unique([workspaceId, name]) compares bytes
-- and cannot express an index on lower(name), so this one is written by hand; groups.create and
-- groups.update map its violation to CONFLICT (group_name_taken).
CREATE UNIQUE INDEX "groups_workspace_id_lower_name_key" ON "groups" ("workspace_id", lower("name"));
