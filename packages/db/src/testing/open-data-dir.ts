// Test helper process: opens the embedded database in the directory given as its argument, says
// on stdout whether it serves it, and serves it until its stdin closes.
import { startEmbeddedPostgres } from "../embedded.js";

const [dataDir] = process.argv.slice(2);
try {
  const embedded = await startEmbeddedPostgres({ dataDir });
  console.log(JSON.stringify({ serving: process.pid }));
  process.stdin.resume();
  process.stdin.once("end", () => void embedded.close().then(() => process.exit(0)));
} catch (error) {
  console.log(JSON.stringify({ refused: error instanceof Error ? error.message : String(error) }));
  process.exit(1);
}
