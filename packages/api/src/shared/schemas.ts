import { z } from "zod";

/**
 * The dates we accept: ones that Postgres (timestamptz) and JSON (ISO 8601 with a 4-digit year)
 * both round-trip. Year 10000 is a valid JS Date that Postgres stores but JSON cannot write back,
 * so one such date once broke every list it appeared in. Inputs outside are refused with
 * BAD_REQUEST naming the field.
 */
export const MIN_DATE = new Date("1970-01-01T00:00:00.000Z");
export const MAX_DATE = new Date("9999-12-31T23:59:59.999Z");

/** An optional free-text field, trimmed and bounded: empty (or only spaces) means none. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .transform((text) => (text === "" ? null : text));

/** A date input (superjson sends Dates), bounded to [MIN_DATE, MAX_DATE]. */
export const dateInput = () =>
  z
    .date({ error: "must be a valid date" })
    .min(MIN_DATE, { error: "must be on or after 1970-01-01" })
    .max(MAX_DATE, { error: "must be on or before 9999-12-31" });

/** A calendar day `YYYY-MM-DD` in the same bounds, as midnight UTC. */
export const dayInput = () =>
  z.iso
    .date()
    .transform((day) => new Date(`${day}T00:00:00.000Z`))
    .pipe(dateInput());

/** Postgres `integer` (int4): the largest version, position or count a column can hold. */
export const INT4_MAX = 2_147_483_647;

/** A whole number stored in an int4 column (versions, positions). */
export const int4Input = (min = 0) =>
  z
    .number()
    .int()
    .min(min)
    .max(INT4_MAX, { error: `must be at most ${INT4_MAX}` });

/**
 * A workspace procedure's input as its service takes it: without `workspaceId`, which the service
 * reads from its WorkspaceScope (checked against the caller's membership) instead.
 */
export type ScopedInput<S extends z.ZodType> = WithoutWorkspaceId<z.infer<S>>;
// Distributes over unions, so each variant of a union input keeps its own fields.
type WithoutWorkspaceId<T> = T extends unknown ? Omit<T, "workspaceId"> : never;

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

/** The output of a mutation that returns nothing else: `{ ok: true }`. */
export const okOutput = z.object({ ok: z.literal(true) });
