// A digest of every row of every table, for tests that assert a call wrote nothing.
import pg from "pg";

export interface DatabaseFingerprint {
  /** Equal digests before and after a call: it changed nothing. */
  take(): Promise<string>;
  close(): Promise<void>;
}

export async function databaseFingerprint(url: string): Promise<DatabaseFingerprint> {
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  const result = await sql.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
  );
  // Table names come from the catalog, never from input.
  const query = result.rows
    .map(
      ({ table_name: table }) =>
        `SELECT '${table}' AS t, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${table}" x`,
    )
    .join(" UNION ALL ");
  return {
    async take() {
      const { rows } = await sql.query<{ t: string; h: string }>(query);
      return rows.map((row) => `${row.t}:${row.h}`).join("\n");
    },
    close: () => sql.end(),
  };
}
