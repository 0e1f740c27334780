// The import rules of ARCHITECTURE.md, checked on every `pnpm lint` (dependency-cruiser).
//
// The code is a stack of levels; a module may import its own level or any level below it, never one
// above. LEVELS lists them bottom first. Domains are levels of their own, in the order of what they
// build on (groups and meetings need workspaces; meetings are shared with groups; summaries need
// meetings, transcripts and action items; share links show meetings' summaries and transcripts), so
// two domains can never import each other. Rules are generated from the table: to move a module to
// another level, change the table, not the rules.
const API = "^packages/api/src/";
const domain = (name) => `${API}${name}/`;

/** Bottom first. Each entry: a name and the paths (regular expressions) that belong to it. */
const LEVELS = [
  {
    name: "infrastructure",
    paths: [
      "^packages/(config|db)/src/",
      `${API}(errors|logger)\\.ts$`,
      `${API}(shared|text|ai|jobs|ratelimit|passwords|email|audit)/`,
      `${API}health/database-errors\\.ts$`,
    ],
  },
  { name: "identity and tenancy", paths: [`${API}(identity|tenancy)/`] },
  { name: "procedures (tRPC core)", paths: [`${API}(trpc|context|cookies|ports)\\.ts$`] },
  { name: "users", paths: [domain("users")] },
  { name: "auth", paths: [domain("auth")] },
  { name: "admin", paths: [domain("admin")] },
  { name: "workspaces", paths: [domain("workspaces")] },
  // Below meetings: a meeting can be shared with a group (meeting_grants.group_id).
  { name: "groups", paths: [domain("groups")] },
  { name: "api-keys", paths: [domain("api-keys")] },
  // Below the features that call a model: they meter their tokens through it.
  { name: "settings", paths: [domain("settings")] },
  { name: "meetings", paths: [domain("meetings")] },
  { name: "transcripts", paths: [domain("transcripts")] },
  { name: "action-items", paths: [domain("action-items")] },
  { name: "summaries", paths: [domain("summaries")] },
  { name: "share-links", paths: [domain("share-links")] },
  { name: "search", paths: [domain("search")] },
  { name: "askmind", paths: [domain("askmind")] },
  // Hiring: candidates, interviews (their transcripts are meeting transcripts), scorecards, and the
  // interview summaries that gather evidence per scorecard category.
  { name: "candidates", paths: [domain("candidates")] },
  { name: "interviews", paths: [domain("interviews")] },
  { name: "scorecards", paths: [domain("scorecards")] },
  { name: "interview-summaries", paths: [domain("interview-summaries")] },
  { name: "health", paths: [`${API}health/(?!database-errors\\.ts$)`] },
  { name: "qmsum", paths: [domain("qmsum")] },
  { name: "composition root", paths: [`${API}app/`, `${API}index\\.ts$`] },
  { name: "server", paths: ["^apps/server/src/"] },
];

/** Tests, test support, benches and evaluations stand outside the stack: they may import anything. */
const OUTSIDE = ["\\.test\\.ts$", `${API}testing/`, "/bench/", "/eval/", "^apps/server/src/testing\\.ts$"];

const either = (paths) => paths.map((path) => `(${path})`).join("|");

const levelRules = LEVELS.slice(0, -1).map((level, index) => ({
  name: `no-upward-import:${level.name}`,
  comment: `${level.name} may not import a level above it (${LEVELS.slice(index + 1)
    .map((above) => above.name)
    .join(", ")})`,
  severity: "error",
  from: { path: either(level.paths), pathNot: either(OUTSIDE) },
  to: { path: either(LEVELS.slice(index + 1).flatMap((above) => above.paths)) },
}));

module.exports = {
  forbidden: [
    ...levelRules,
    {
      name: "no-circular",
      comment: "Modules form no loop, not even through type-only imports.",
      severity: "error",
      from: { pathNot: either(OUTSIDE) },
      to: { circular: true },
    },
    {
      name: "services-import-no-trpc",
      comment: "Only a domain's router.ts knows tRPC: services are plain functions over (db, input).",
      severity: "error",
      from: { path: `${API}[^/]+/`, pathNot: [`${API}[^/]+/router\\.ts$`, ...OUTSIDE, `${API}app/`] },
      to: { path: ["^@trpc/server", "node_modules/@trpc/server", `${API}(trpc|context|cookies)\\.ts$`] },
    },
    {
      name: "nothing-imports-the-composition-root",
      comment: "The root composes; what lies below receives what it needs as parameters (ports.ts).",
      severity: "error",
      from: { pathNot: [`${API}app/`, `${API}index\\.ts$`, ...OUTSIDE] },
      to: { path: `${API}app/` },
    },
    {
      name: "contracts-import-types-only",
      comment: "The contracts package is erased at compile time: a frontend bundle gets no server code.",
      severity: "error",
      from: { path: "^packages/contracts/src/", pathNot: "\\.test\\.ts$" },
      to: { dependencyTypesNot: ["type-only"] },
    },
    {
      name: "no-test-support-in-production",
      comment: "Test helpers (testing/) are for tests, benches and evaluations only.",
      severity: "error",
      from: { pathNot: either(OUTSIDE) },
      to: { path: [`${API}testing/`, "^apps/server/src/testing\\.ts$"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["/dist/", "/generated/", "node_modules"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["@meetmind/source", "import", "types", "default"],
      extensions: [".ts", ".js", ".mjs", ".d.ts"],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
