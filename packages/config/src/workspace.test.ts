// Hygiene of the workspace's manifests and tool configuration: scripts that point at files or
// scripts that do not exist, dependencies nothing uses, a lint config that says what it is not.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));

interface Manifest {
  name: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  bin?: string | Record<string, string>;
}

interface WorkspacePackage {
  dir: string;
  manifest: Manifest;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest;
}

const packages: WorkspacePackage[] = ["apps", "packages"].flatMap((group) =>
  readdirSync(path.join(root, group), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(root, group, entry.name, "package.json")))
    .map((entry) => {
      const dir = path.join(root, group, entry.name);
      return { dir, manifest: readManifest(dir) };
    }),
);
const rootPackage: WorkspacePackage = { dir: root, manifest: readManifest(root) };
const byName = new Map([rootPackage, ...packages].map((pkg) => [pkg.manifest.name, pkg]));

const SKIPPED_DIRS = new Set(["node_modules", "dist", "generated", ".turbo", ".data", ".git", "coverage"]);
const CODE = /\.(?:[cm]?[jt]s)$/;

/** Code files of a package; for the root, only its own (apps/ and packages/ hold the others). */
function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (!entry.isDirectory()) return CODE.test(entry.name) ? [full] : [];
    const others = dir === root && (entry.name === "apps" || entry.name === "packages");
    return SKIPPED_DIRS.has(entry.name) || others ? [] : codeFiles(full);
  });
}

/** Module specifiers in import/export-from, import(), require(), require.resolve() and createRequire(…)(…). */
function importedSpecifiers(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire(?:\.resolve)?\s*\(\s*|\)\s*\(\s*)["']([^"'\s]+)["']/g;
  return [...source.matchAll(pattern)].map(([, specifier]) => specifier!);
}

const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/** Commands of every script, split at shell operators, as whitespace-separated words. */
function commands(manifest: Manifest): string[][] {
  return Object.values(manifest.scripts ?? {}).flatMap((script) =>
    script
      .split(/&&|\|\||;|\|/)
      .map((command) => command.trim().split(/\s+/).filter(Boolean))
      .filter((words) => words.length > 0),
  );
}

function installedManifest(dependency: string, from: string): (Manifest & { peerDependencies?: Record<string, string> }) | null {
  const manifestPath = path.join(from, "node_modules", dependency, "package.json");
  return existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest) : null;
}

function binsOf(dependency: string, from: string): string[] {
  const bin = installedManifest(dependency, from)?.bin;
  if (!bin) return [];
  return typeof bin === "string" ? [dependency.split("/").pop()!] : Object.keys(bin);
}

function tsconfigTypes(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^tsconfig.*\.json$/.test(name))
    .flatMap((name) => {
      const text = readFileSync(path.join(dir, name), "utf8");
      const types = /"types"\s*:\s*\[([^\]]*)\]/.exec(text)?.[1] ?? "";
      return [...types.matchAll(/"([^"]+)"/g)].map(([, type]) => type!);
    });
}

describe("package.json scripts", () => {
  it("point at files that exist (a build output at its source)", () => {
    const missing = [rootPackage, ...packages].flatMap(({ dir, manifest }) =>
      commands(manifest).flatMap((words) =>
        words
          .map((word) => word.replace(/^--?[\w-]+=/, ""))
          .filter((word) => !word.includes("://") && !word.includes("*"))
          .filter((word) => /\.(?:[cm]?[jt]s|json|sh|prisma)$/.test(word) || /^\.\.?\//.test(word))
          .map((word) => word.replace(/^dist\/(.*)\.js$/, "src/$1.ts"))
          .filter((file) => !existsSync(path.resolve(dir, file)))
          .map((file) => `${manifest.name}: ${path.relative(root, path.resolve(dir, file))}`),
      ),
    );
    expect(missing).toEqual([]);
  });

  it("run scripts that exist in the package they filter to", () => {
    const broken = [rootPackage, ...packages].flatMap(({ manifest }) =>
      commands(manifest).flatMap((words) => {
        const filter = words.indexOf("--filter");
        if (words[0] !== "pnpm" || filter < 0) return [];
        const target = words[filter + 1]!;
        if (target.endsWith("...")) return [];
        const rest = words.slice(filter + 2);
        const script = rest[0] === "run" ? rest[1] : rest[0];
        const pkg = byName.get(target);
        return pkg?.manifest.scripts?.[script!] ? [] : [`${manifest.name}: pnpm --filter ${target} ${script}`];
      }),
    );
    expect(broken).toEqual([]);
  });
});

describe("dependencies", () => {
  const everyCommandWord = new Set([rootPackage, ...packages].flatMap(({ manifest }) => commands(manifest).flat()));
  const importsOf = new Map(
    [rootPackage, ...packages].map(({ dir }) => [
      dir,
      new Set(codeFiles(dir).flatMap((file) => importedSpecifiers(readFileSync(file, "utf8")).map(packageOf))),
    ]),
  );
  const everyImport = new Set([...importsOf.values()].flatMap((imports) => [...imports]));

  it("are each imported, or run as a command, by the package that declares them", () => {
    const unused = [rootPackage, ...packages].flatMap(({ dir, manifest }) => {
      const isRoot = dir === root;
      // The root's devDependencies are the workspace's tools (tsc, vitest, eslint…): used anywhere.
      const imports = isRoot ? everyImport : importsOf.get(dir)!;
      const words = isRoot ? everyCommandWord : new Set(commands(manifest).flat());
      const types = new Set([...tsconfigTypes(dir), ...tsconfigTypes(root)]);
      const used = (dependency: string): boolean => {
        if (dependency.startsWith("@types/")) {
          const typed = dependency.slice("@types/".length).replace(/^(.+)__(.+)$/, "@$1/$2");
          return types.has(typed) || imports.has(typed);
        }
        return imports.has(dependency) || binsOf(dependency, dir).some((bin) => words.has(bin));
      };
      const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
      // A peer of a used dependency is used too (@trpc/client needs @trpc/server installed beside it).
      const peers = new Set(
        declared.filter(used).flatMap((dependency) => Object.keys(installedManifest(dependency, dir)?.peerDependencies ?? {})),
      );
      return declared
        .filter((dependency) => !used(dependency) && !peers.has(dependency))
        .map((dependency) => `${manifest.name}: ${dependency}`);
    });
    expect(unused).toEqual([]);
  });
});

describe("eslint.config.js", () => {
  it("describes itself as type-aware only if it is", async () => {
    const file = path.join(root, "eslint.config.js");
    const header = readFileSync(file, "utf8").match(/^(?:\/\/.*\n)+/)?.[0] ?? "";
    const claimsTypeAware = /type-aware/.test(header) && !/not type-aware/.test(header);
    const { default: config } = (await import(file)) as { default: { languageOptions?: { parserOptions?: Record<string, unknown> } }[] };
    const typeAware = config.some(({ languageOptions }) =>
      Boolean(languageOptions?.parserOptions?.project || languageOptions?.parserOptions?.projectService),
    );
    expect(header).not.toBe("");
    expect(claimsTypeAware).toBe(typeAware);
  });
});
