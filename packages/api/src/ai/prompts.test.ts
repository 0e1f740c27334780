import { describe, expect, it } from "vitest";
import { SUMMARY_SYSTEM } from "./openai/summary-prompts.js";
import {
  ACTION_ITEM_SHAPE,
  DEFAULT_PROMPTS,
  INTERVIEW_SUMMARY_JSON_SHAPE,
  interviewSummarySystemPrompt,
  PROMPT_KINDS,
  PROMPT_MAX_CHARS,
  PROMPT_SPECS,
  placeholdersIn,
  promptProblems,
  renderPrompt,
  summarySystemPrompt,
} from "./prompts.js";

describe("the built-in prompts", () => {
  it("satisfy their own kinds' rules and fit the limits", () => {
    for (const kind of PROMPT_KINDS) {
      expect({ kind, problems: promptProblems(kind, DEFAULT_PROMPTS[kind]) }).toEqual({ kind, problems: [] });
      expect(DEFAULT_PROMPTS[kind].length).toBeLessThan(PROMPT_MAX_CHARS);
      expect(placeholdersIn(DEFAULT_PROMPTS[kind])).toEqual(expect.arrayContaining([...PROMPT_SPECS[kind].required]));
    }
  });

  it("render to system messages with no placeholder left", () => {
    expect(SUMMARY_SYSTEM).toBe(summarySystemPrompt(DEFAULT_PROMPTS));
    expect(SUMMARY_SYSTEM).toContain(ACTION_ITEM_SHAPE);
    expect(SUMMARY_SYSTEM).not.toMatch(/\{\{/);
    const interview = interviewSummarySystemPrompt(DEFAULT_PROMPTS, "Backend engineer");
    expect(interview).toContain("The role: Backend engineer.");
    expect(interview).toContain(INTERVIEW_SUMMARY_JSON_SHAPE);
    expect(interviewSummarySystemPrompt(DEFAULT_PROMPTS, null)).toContain("The role: not stated.");
  });
});

describe("promptProblems", () => {
  it("names missing required placeholders and unknown ones; spaces inside braces are allowed", () => {
    expect(promptProblems("askMind", "Cite {{ citationFormat }} please.")).toEqual([]);
    expect(promptProblems("askMind", "Answer well.")).toEqual(["must contain {{citationFormat}}"]);
    expect(promptProblems("actionItems", "Tasks like {{actionItemShape}} for {{transcript}}")).toEqual([
      "unknown placeholder {{transcript}}; it may use {{actionItemShape}}",
    ]);
    // Not a placeholder: left alone, so JSON examples with braces are fine.
    expect(promptProblems("askMind", 'Cite {{citationFormat}}; e.g. {"a": {"b": 1}} or {{ 3 }}')).toEqual([]);
  });
});

describe("renderPrompt", () => {
  it("replaces in one pass: a value containing a placeholder is not expanded again", () => {
    expect(renderPrompt("A {{x}} B {{y}}", { x: "{{y}}", y: "Y" })).toBe("A {{y}} B Y");
    expect(renderPrompt("keep {{unknown}}", {})).toBe("keep {{unknown}}");
  });
});
