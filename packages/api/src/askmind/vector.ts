// The vector half of Ask Mind's hybrid retrieval: segment embeddings written by a background job
// after each transcript import, and nearest-segment search with pgvector. Both are optional: with
// no embeddings model, or a database without pgvector, retrieval is full text alone.
import { z } from "zod";
import { Prisma, type Db } from "@meetmind/db";
import type { EmbeddingsProvider } from "../ai/embeddings.js";
import { defineJob, type JobContext } from "../jobs/queue.js";
import type { Logger } from "../logger.js";
import { meetingVisibleSql } from "../tenancy/meeting-access.js";
import type { RetrievalScope } from "./retrieval.js";

/** Embeds a current transcript's segments that have no embedding from the configured model. */
export const embeddingsJob = defineJob("embeddings.index", z.object({ transcriptId: z.uuid() }));
export const EMBEDDINGS_QUEUE = embeddingsJob.queue;
/** Segments embedded and stored per round trip. */
const INDEX_BATCH = 256;

export interface EmbeddingsJobDeps {
  db: Db;
  /** The embeddings model of a workspace (its own, or the server's); null: it does not embed. */
  embeddingsFor(workspaceId: string): Promise<EmbeddingsProvider | null>;
  log: Logger;
}

/** The job's handler, for the composition root to give the worker. */
export const embeddingsJobHandler = (deps: EmbeddingsJobDeps) =>
  embeddingsJob.handle((payload, context) => runEmbeddingsJob(deps, payload, context));

/** Embeds every segment of a current transcript that has no embedding for its workspace's model yet. Idempotent. */
export async function runEmbeddingsJob(
  deps: EmbeddingsJobDeps,
  { transcriptId }: z.infer<typeof embeddingsJob.payload>,
  context: JobContext,
): Promise<void> {
  const transcript = await deps.db.transcript.findUnique({ where: { id: transcriptId }, select: { isCurrent: true, workspaceId: true } });
  if (!transcript?.isCurrent) return; // replaced since: its successor has its own job
  const embeddings = await deps.embeddingsFor(transcript.workspaceId);
  if (!embeddings) return;
  const model = embeddings.model;
  for (;;) {
    const segments = await deps.db.transcriptSegment.findMany({
      where: { transcriptId, OR: [{ embedding: { is: null } }, { embedding: { model: { not: model } } }] },
      orderBy: { position: "asc" },
      take: INDEX_BATCH,
      select: { id: true, workspaceId: true, meetingId: true, text: true },
    });
    if (segments.length === 0) break;
    const vectors = await embeddings.embed(
      segments.map((segment) => segment.text),
      { signal: context.signal },
    );
    const ids = segments.map((segment) => segment.id);
    await deps.db.$transaction([
      // Another model's vectors are not comparable with this one's: replaced.
      deps.db.segmentEmbedding.deleteMany({ where: { segmentId: { in: ids }, model: { not: model } } }),
      deps.db.segmentEmbedding.createMany({
        data: segments.map((segment, i) => ({
          segmentId: segment.id,
          workspaceId: segment.workspaceId,
          meetingId: segment.meetingId,
          model,
          embedding: vectors[i] ?? [],
        })),
        skipDuplicates: true,
      }),
    ]);
    // A segment edited while its text was being embedded got a vector of the old text: drop it, and
    // the next round embeds the new text. (An edit after this check deletes the vector itself.)
    // FOR SHARE waits for an edit not yet committed (it holds the row) and then reads its text, so
    // an edit whose own delete ran before our insert cannot leave the old text's vector behind.
    const now = await deps.db.$queryRaw<{ id: string; text: string }[]>`
      SELECT id, text FROM transcript_segments WHERE id = ANY(${ids}::uuid[]) FOR SHARE`;
    const embeddedText = new Map(segments.map((segment) => [segment.id, segment.text]));
    const stale = now.filter((segment) => embeddedText.get(segment.id) !== segment.text).map((segment) => segment.id);
    if (stale.length > 0) await deps.db.segmentEmbedding.deleteMany({ where: { segmentId: { in: stale } } });
  }
  deps.log.debug({ transcriptId, model }, "transcript embedded");
}

/** Queues embedding of the transcript's segments that have none (new, or edited since). */
export async function queueEmbeddings(db: Db, transcriptId: string): Promise<void> {
  await embeddingsJob.enqueue(db, { transcriptId });
}

/**
 * Queues embedding for every current transcript (of one workspace, or all) with segments that have
 * no embedding from `model` (imported before embeddings were configured, or under another model).
 * Returns how many.
 */
export async function queueMissingEmbeddings(db: Db, model: string, workspaceId?: string): Promise<number> {
  const transcripts = await db.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT t.id
    FROM transcripts t
    JOIN transcript_segments s ON s.transcript_id = t.id
    LEFT JOIN segment_embeddings e ON e.segment_id = s.id AND e.model = ${model}
    WHERE t.is_current AND e.id IS NULL
      ${workspaceId ? Prisma.sql`AND t.workspace_id = ${workspaceId}::uuid` : Prisma.empty}`;
  for (const { id } of transcripts) await queueEmbeddings(db, id);
  return transcripts.length;
}

const pgvectorByClient = new WeakMap<Db, Promise<boolean>>();

/** Whether the database has the pgvector extension (asked once per client). */
export function hasPgvector(db: Db): Promise<boolean> {
  let known = pgvectorByClient.get(db);
  if (!known) {
    known = db.$queryRaw<{ present: boolean }[]>`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') AS present`.then(
      (rows) => rows[0]?.present === true,
      () => {
        // Unknown this time (the database was unreachable): full text now, ask again next time.
        pgvectorByClient.delete(db);
        return false;
      },
    );
    pgvectorByClient.set(db, known);
  }
  return known;
}

export interface VectorHit {
  segmentId: string;
  meetingId: string;
  position: number;
  similarity: number;
}

/**
 * The segments nearest to `vector` (cosine), within the workspace, the scope, current transcripts
 * and live meetings, at or above `minSimilarity`, best first.
 */
export async function vectorHits(
  db: Db,
  params: { workspaceId: string; model: string; vector: number[]; scope: RetrievalScope; limit: number; minSimilarity: number },
): Promise<VectorHit[]> {
  const { scope } = params;
  const literal = `[${params.vector.map((value) => (Number.isFinite(value) ? value : 0)).join(",")}]`;
  const filters: Prisma.Sql[] = [Prisma.sql`AND ${meetingVisibleSql("m", scope.viewer)}`];
  if (scope.meetingIds) filters.push(Prisma.sql`AND m.id = ANY(${scope.meetingIds}::uuid[])`);
  if (scope.from) filters.push(Prisma.sql`AND COALESCE(m.scheduled_start, m.created_at) >= ${scope.from}`);
  if (scope.to) filters.push(Prisma.sql`AND COALESCE(m.scheduled_start, m.created_at) <= ${scope.to}`);
  if (scope.tag) filters.push(Prisma.sql`AND ${scope.tag} = ANY(m.tags)`);
  if (scope.participantMemberId) {
    filters.push(
      Prisma.sql`AND EXISTS (SELECT 1 FROM meeting_participants p WHERE p.meeting_id = m.id AND p.member_id = ${scope.participantMemberId}::uuid)`,
    );
  }
  const rows = await db.$queryRaw<{ segmentId: string; meetingId: string; position: number; distance: number }[]>`
    SELECT s.id AS "segmentId", s.meeting_id AS "meetingId", s.position, e.embedding::vector <=> ${literal}::vector AS distance
    FROM segment_embeddings e
    JOIN transcript_segments s ON s.id = e.segment_id
    JOIN transcripts t ON t.id = s.transcript_id AND t.is_current
    JOIN meetings m ON m.id = s.meeting_id AND m.deleted_at IS NULL
    WHERE e.workspace_id = ${params.workspaceId}::uuid AND e.model = ${params.model} AND m.workspace_id = ${params.workspaceId}::uuid
      ${Prisma.join(filters, " ")}
    ORDER BY distance
    LIMIT ${params.limit}::int`;
  return rows
    .map((row) => ({ segmentId: row.segmentId, meetingId: row.meetingId, position: row.position, similarity: 1 - Number(row.distance) }))
    .filter((hit) => hit.similarity >= params.minSimilarity);
}
