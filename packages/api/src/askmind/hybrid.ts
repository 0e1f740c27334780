// Hybrid retrieval: full-text windows (retrieval.ts) fused with windows around the nearest
// segments by embedding (vector.ts), by reciprocal rank. Without embeddings or pgvector, or when
// the embeddings server fails, it is the full-text ranking unchanged.
import type { Db } from "@meetmind/db";
import type { EmbeddingsProvider } from "../ai/embeddings.js";
import type { Logger } from "../logger.js";
import { loadWindows, retrieveWindows, type RetrievalScope, type RetrievedWindow } from "./retrieval.js";
import { WINDOW_TURNS, type WindowSpan } from "./retrieval/ranking.js";
import { hasPgvector, vectorHits, type VectorHit } from "./vector.js";

/** The usual reciprocal-rank-fusion constant (Cormack et al., 2009). */
const RRF_K = 60;
/** Nearest segments considered per window asked for. */
const HITS_PER_WINDOW = 4;

export interface HybridDeps {
  db: Db;
  embeddings: EmbeddingsProvider | null;
  minSimilarity: number;
  log: Logger;
}

export interface RetrievalParams {
  workspaceId: string;
  query: string;
  scope: RetrievalScope;
  limit: number;
}

const covers = (window: { meetingId: string; first: number; last: number }, hit: VectorHit) =>
  window.meetingId === hit.meetingId && hit.position >= window.first && hit.position <= window.last;

const spanOf = (window: RetrievedWindow) => ({
  meetingId: window.meetingId,
  first: window.segments[0]?.position ?? 0,
  last: window.segments.at(-1)?.position ?? 0,
});

async function nearest(deps: HybridDeps & { embeddings: EmbeddingsProvider }, params: RetrievalParams): Promise<VectorHit[]> {
  try {
    const [vector] = await deps.embeddings.embed([params.query]);
    if (!vector) return [];
    return await vectorHits(deps.db, {
      workspaceId: params.workspaceId,
      model: deps.embeddings.model,
      vector,
      scope: params.scope,
      limit: params.limit * HITS_PER_WINDOW,
      minSimilarity: deps.minSimilarity,
    });
  } catch (error) {
    // Full text still answers well; a flaky embeddings server must not fail the question.
    deps.log.warn({ err: error }, "vector retrieval failed; using full text only");
    return [];
  }
}

export async function retrieveHybrid(deps: HybridDeps, params: RetrievalParams): Promise<RetrievedWindow[]> {
  const { embeddings } = deps;
  const textWindows = await retrieveWindows(deps.db, params);
  if (!embeddings || !(await hasPgvector(deps.db))) return textWindows;
  const hits = await nearest({ ...deps, embeddings }, params);
  if (hits.length === 0) return textWindows;

  // Windows around the nearest segments that full text did not already find.
  const textSpans = textWindows.map(spanOf);
  const spans: WindowSpan[] = [];
  const half = Math.floor(WINDOW_TURNS / 2);
  for (const hit of hits) {
    if (spans.length >= params.limit) break;
    if (textSpans.some((span) => covers(span, hit)) || spans.some((span) => covers(span, hit))) continue;
    spans.push({ meetingId: hit.meetingId, first: Math.max(0, hit.position - half), last: hit.position + half, score: hit.similarity });
  }
  const vectorWindows = await loadWindows(deps.db, params.workspaceId, params.scope.viewer, spans);

  // Each window's vector rank is that of the best hit inside it.
  const vectorRank = (window: RetrievedWindow) => {
    const span = spanOf(window);
    const rank = hits.findIndex((hit) => covers(span, hit));
    return rank === -1 ? undefined : rank + 1;
  };
  const fused = [
    ...textWindows.map((window, i) => ({ window, textRank: i + 1 })),
    ...vectorWindows.map((window) => ({ window, textRank: undefined })),
  ].map(({ window, textRank }) => {
    const rank = vectorRank(window);
    const score = (textRank ? 1 / (RRF_K + textRank) : 0) + (rank ? 1 / (RRF_K + rank) : 0);
    return { ...window, score };
  });
  return fused.sort((a, b) => b.score - a.score).slice(0, params.limit);
}
