// Bundles the published declaration: tsc's dist/unbundled/index.d.ts imports @meetmind/api, which
// is not published; this writes one dist/index.d.ts holding AppRouter and everything it refers to,
// so a frontend outside the monorepo type-checks against it with only @trpc/server beside it.
//
// rollup-plugin-dts rather than dts-bundle-generator: as a Rollup plugin it lets the step below
// cut the server's request context out (dts-bundle-generator has no hook for that; it inlined
// 3.5 MB of Prisma types with dangling references), and Rollup tree-shakes whatever is left.
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dts } from "rollup-plugin-dts";
import ts from "typescript";

const manifest = JSON.parse(readFileSync(new URL("package.json", import.meta.url), "utf8"));
const publishedDependencies = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
const packageOf = (specifier) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

const apiContext = realpathSync(fileURLToPath(new URL("node_modules/@meetmind/api/dist/context.d.ts", import.meta.url)));

/**
 * The router's ctx type is @meetmind/api's Context: the database client and every server service
 * (Prisma, Redis, mail, AI…). A client never sees it, and keeping it would drag megabytes of
 * server types, and imports a frontend cannot resolve, into the contract: publish it empty.
 */
function emptyServerContext() {
  let emptied = false;
  return {
    name: "empty-server-context",
    transform(code, id) {
      if (realpathSync(id) !== apiContext) return null;
      const source = ts.createSourceFile(id, code, ts.ScriptTarget.Latest);
      const context = source.statements.find((node) => ts.isInterfaceDeclaration(node) && node.name.text === "Context");
      if (!context) this.error(`${id} no longer declares interface Context: update ${fileURLToPath(import.meta.url)}`);
      emptied = true;
      const body = code.indexOf("{", context.name.end);
      return `${code.slice(0, body)}{}${code.slice(context.end)}`;
    },
    buildEnd(error) {
      if (!error && !emptied) this.error(`the bundle never reached ${apiContext}: where does Context live now?`);
    },
  };
}

/** Whatever stays an import must be installed beside the contract: a (peer) dependency. */
function onlyPublishedImports() {
  return {
    name: "only-published-imports",
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        const foreign = (chunk.imports ?? []).filter((specifier) => !publishedDependencies.has(packageOf(specifier)));
        if (foreign.length > 0) {
          this.error(`${chunk.fileName} imports ${foreign.join(", ")}: not a dependency or peerDependency of ${manifest.name}`);
        }
      }
    },
  };
}

export default {
  input: "dist/unbundled/index.d.ts",
  output: { file: "dist/index.d.ts", format: "es" },
  plugins: [
    emptyServerContext(),
    // Workspace packages are never published: their types are inlined, never imported.
    dts({ tsconfig: "tsconfig.build.json", includeExternal: ["@meetmind/api", "@meetmind/db", "@meetmind/config"] }),
    onlyPublishedImports(),
  ],
};
