// Prisma error codes the services branch on, recognised in one place.
import { Prisma } from "./generated/prisma/client.js";

/**
 * A unique constraint refused the write (Prisma P2002). Services turn it into a CONFLICT naming
 * what was taken; checking first and inserting after would race.
 */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
