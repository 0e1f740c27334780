import { z } from "zod";

/** Every list is paginated: an opaque cursor (the last row's id) and a bounded page size. */
export const pageInput = {
  cursor: z.uuid().optional(),
  limit: z.number().int().min(1).max(100).default(50),
};

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Slices a `take: limit + 1` result into a page and the cursor for the next one. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

/** Prisma arguments for the page after `cursor`. */
export function pageArgs(input: { cursor?: string | undefined; limit: number }) {
  return { take: input.limit + 1, ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}) };
}
