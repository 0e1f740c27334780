// The schema's conventions, checked on the database the migrations build, so later migrations
// keep them: UUID keys, snake_case plural tables, timestamps, an index behind every foreign key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "./testing.js";
import { scopedDb, TENANT_MODELS } from "./scope.js";

let database: TestDatabase;
let client: pg.Client;
beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await database.close();
});

const rows = async <T extends pg.QueryResultRow>(sql: string) => (await client.query<T>(sql)).rows;

async function tables(): Promise<string[]> {
  const result = await rows<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
      ORDER BY 1`,
  );
  return result.map((row) => row.name);
}

describe("schema conventions", () => {
  it("has the whole domain", async () => {
    expect(await tables()).toEqual(
      expect.arrayContaining([
        "users",
        "user_preferences",
        "active_sessions",
        "refresh_tokens",
        "email_verification_tokens",
        "password_reset_tokens",
        "sso_provider_links",
        "workspaces",
        "workspace_members",
        "workspace_invites",
        "meetings",
        "meeting_participants",
        "meeting_comments",
        "transcripts",
        "transcript_segments",
        "meeting_summaries",
        "action_items",
        "candidates",
        "interviews",
        "interview_panelists",
        "scorecard_templates",
        "scorecard_versions",
        "interview_summaries",
        "scorecard_categories",
        "interview_scorecards",
        "scorecard_scores",
        "integrations",
        "user_platform_integrations",
        "integration_channels",
        "ask_mind_sessions",
        "ask_mind_messages",
        "ask_mind_suggested_prompts",
        "audit_events",
        "outbox_emails",
        "api_keys",
      ]),
    );
  });

  it("names tables and columns in snake_case", async () => {
    for (const table of await tables()) expect(table).toMatch(/^[a-z][a-z0-9_]*s$/);
    const columns = await rows<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const bad = columns.filter((column) => !/^[a-z][a-z0-9_]*$/.test(column.column_name));
    expect(bad).toEqual([]);
  });

  it("keys every table by a uuid id and stamps it with timestamptz created_at/updated_at", async () => {
    const columns = await rows<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name IN ('id', 'created_at', 'updated_at')`,
    );
    for (const table of await tables()) {
      const typeOf = (name: string) => columns.find((c) => c.table_name === table && c.column_name === name)?.data_type;
      expect({ table, id: typeOf("id") }).toEqual({ table, id: "uuid" });
      expect({ table, created: typeOf("created_at") }).toEqual({ table, created: "timestamp with time zone" });
      expect({ table, updated: typeOf("updated_at") }).toEqual({ table, updated: "timestamp with time zone" });
    }
    const timestamps = await rows<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
          AND data_type = 'timestamp without time zone'`,
    );
    expect(timestamps).toEqual([]);
  });

  it("indexes every foreign key (an index whose leading columns are the key's)", async () => {
    const [{ count } = { count: 0 }] = await rows<{ count: number }>(
      "SELECT count(*)::int AS count FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace",
    );
    expect(count).toBeGreaterThan(40);
    // An unindexed key is caught: a throwaway table with one (this database is this file's alone).
    await client.query("CREATE TABLE fk_probes (id uuid PRIMARY KEY, user_id uuid REFERENCES users(id))");
    const unindexed = await rows<{ table_name: string; constraint_name: string }>(`
      SELECT c.conrelid::regclass::text AS table_name, c.conname AS constraint_name
        FROM pg_constraint c
       WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
         AND NOT EXISTS (
           SELECT 1 FROM pg_index i
            WHERE i.indrelid = c.conrelid
              AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
              AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey
         )
       ORDER BY 1, 2`);
    expect(unindexed.map((row) => row.table_name)).toEqual(["fk_probes"]);
  });

  it("lists every table with a workspace_id as tenant-owned, so scopedDb constrains it", async () => {
    const withWorkspace = await rows<{ table_name: string }>(
      "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'workspace_id'",
    );
    expect(withWorkspace).toHaveLength(TENANT_MODELS.size);
  });
});

describe("scopedDb", () => {
  it("keeps reads and writes inside one workspace", async () => {
    const db = database.db;
    const [a, b] = await Promise.all([
      db.workspace.create({ data: { name: "A", slug: "scope-a" } }),
      db.workspace.create({ data: { name: "B", slug: "scope-b" } }),
    ]);
    const meetingA = await db.meeting.create({ data: { workspaceId: a.id, title: "A's meeting" } });
    const inB = scopedDb(db, b.id);
    expect(await inB.meeting.findUnique({ where: { id: meetingA.id } })).toBeNull();
    expect(await inB.meeting.findMany()).toEqual([]);
    expect((await inB.meeting.updateMany({ where: { id: meetingA.id }, data: { title: "stolen" } })).count).toBe(0);
    await expect(inB.meeting.update({ where: { id: meetingA.id }, data: { title: "stolen" } })).rejects.toMatchObject({ code: "P2025" });
    await expect(inB.meeting.delete({ where: { id: meetingA.id } })).rejects.toMatchObject({ code: "P2025" });
    // Creating with a forged workspaceId lands in the scope's workspace regardless.
    const created = await inB.meeting.create({ data: { workspaceId: a.id, title: "B's meeting" } });
    expect(created.workspaceId).toBe(b.id);
    expect((await db.meeting.findUniqueOrThrow({ where: { id: meetingA.id } })).title).toBe("A's meeting");
    expect(await scopedDb(db, a.id).meeting.count()).toBe(1);
  });
});
