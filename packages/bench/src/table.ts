// Markdown tables (markdown-table lays them out) and the line every report starts with: what machine
// ran it and how busy the machine was, since a figure from a loaded machine is not a figure.
import os from "node:os";
import { markdownTable } from "markdown-table";

export type Cell = string | number;
/** Per column: "l" left, "r" right (numbers), "c" centre. */
export type Align = "l" | "r" | "c";

/**
 * A markdown table. Numbers are printed as given (format them first); a "|" in a cell is escaped
 * so a label cannot break the row.
 */
export function table(header: readonly string[], rows: readonly (readonly Cell[])[], align?: readonly Align[]): string {
  const cell = (value: Cell) => String(value).replaceAll(/(?<!\\)\|/g, "\\|");
  return markdownTable([header.map(cell), ...rows.map((row) => row.map(cell))], align ? { align } : {});
}

/** A two-column table of settings or figures: | name | value |. */
export function keyValueTable(header: readonly [string, string], rows: readonly (readonly [string, Cell])[]): string {
  return table(header, rows, ["l", "l"]);
}

/** The load average (1, 5 and 15 minutes) as "1.31 1.28 0.74". */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(" ");
}

/** "2 × AMD EPYC, 23.5 GiB, Linux 6.1.0, Node v20.19.0". */
export function machine(): string {
  const cpus = os.cpus();
  return (
    `${cpus.length} × ${cpus[0]?.model.trim() ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
    `${os.type()} ${os.release()}, Node ${process.version}`
  );
}
