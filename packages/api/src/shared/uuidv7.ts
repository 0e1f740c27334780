import { randomBytes } from "node:crypto";

let lastIdMs = 0;
let idSequence = 0;
/**
 * A UUIDv7, as Prisma's `@default(uuid(7))` makes them (time-ordered), monotonic within this
 * process: segments inserted in one statement keep their order in id order too.
 */
export function uuidv7(): string {
  const now = Date.now();
  if (now > lastIdMs) {
    lastIdMs = now;
    idSequence = 0;
  } else if (++idSequence > 0xfff) {
    lastIdMs += 1;
    idSequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastIdMs, 0, 6);
  bytes[6] = 0x70 | (idSequence >> 8);
  bytes[7] = idSequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
