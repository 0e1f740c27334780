// The benches' shared harness: options and progress (script), databases (database), a server in its
// own process (process, meetmind), timed requests and probes (http, trpc, probe), HTTP load
// (load), CPU per process (cpu), figures (stats) and their tables (table, compare).
export { alternate, medianRun, ratio, ratioTable, type ComparedRow } from "./compare.js";
export { cpuMeter, machineBusyMeter, processCpuMs, type CpuUse } from "./cpu.js";
export { LOCAL_ADMIN_URL, openScratchDatabase, postgresVersion, type ScratchDatabase, type ScratchOptions } from "./database.js";
export { keepAliveAgent, request, waitForHealthy, type Reply, type RequestInit } from "./http.js";
export { runLoad, type LoadOptions, type LoadResult } from "./load.js";
export { loggedProblems, SERVER_DIR, startMeetMindServer, type MeetMindServer, type MeetMindServerOptions } from "./meetmind.js";
export { errorCount, formatErrors, probeEvery, type ProbeOptions, type ProbeResult } from "./probe.js";
export { freePort, startProcess, tailOf, type RunningProcess, type StartOptions, type StopReport } from "./process.js";
export { interruption, parseOptions, progress, runScript, scriptArgv, sizes, usageError, UsageError, type SizeSpec } from "./script.js";
export { count, duration, ms, percentile, sortedOf, spread, summarize, type Summary } from "./stats.js";
export { keyValueTable, loadAverage, machine, table, type Align, type Cell } from "./table.js";
export { trpcBody, trpcData, trpcErrorCode, trpcQueryUrl } from "./trpc.js";
