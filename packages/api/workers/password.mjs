// Piscina worker for the password hasher (src/passwords/hasher.ts). It is plain JavaScript, not
// TypeScript, so that vitest, tsx and built `node dist/...` code all load the very same file without
// a transpiler hook inside worker threads.
//
// bcrypt is deliberately slow CPU work (hundreds of ms at cost 12). The synchronous bcryptjs calls
// block only this worker thread, never the server's event loop, and are faster than bcryptjs's
// async API, which slices the work into chunks and yields between them for no benefit here.
import bcrypt from "bcryptjs";

/** @param {{ password: string, cost: number }} task @returns {string} */
export function hash({ password, cost }) {
  return bcrypt.hashSync(password, bcrypt.genSaltSync(cost));
}

/** @param {{ password: string, hash: string }} task @returns {boolean} */
export function compare({ password, hash }) {
  return bcrypt.compareSync(password, hash);
}
