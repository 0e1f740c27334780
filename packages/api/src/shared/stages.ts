// A workspace's interview stages (workspaces.interview_stages) are an ordered list of names. A stage
// given by a client matches one regardless of case and is stored as the list spells it, so
// candidates and interviews filter and group by one spelling.
import { ValidationError } from "../errors.js";

/** The list's spelling of `stage`; an unknown stage is a BAD_REQUEST (`unknown_stage`). */
export function resolveStageName(stages: readonly string[], stage: string): string {
  const wanted = stage.toLowerCase();
  const found = stages.find((known) => known.toLowerCase() === wanted);
  if (found === undefined) {
    throw new ValidationError(
      `"${stage}" is not one of this workspace's interview stages: ${stages.join(", ") || "(none)"}`,
      "unknown_stage",
    );
  }
  return found;
}
