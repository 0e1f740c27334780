import { describe, expect, it } from "vitest";
import { answerExtractively, cleanSentence, renderExtractiveAnswer, splitSentences } from "./extractive-answer.js";
import type { RetrievedSegment, RetrievedWindow } from "./retrieval.js";

function window(meetingId: string, score: number, turns: [string, string][], first = 0): RetrievedWindow {
  const segments: RetrievedSegment[] = turns.map(([speakerLabel, text], i) => ({
    id: `${meetingId}-${first + i}`,
    meetingId,
    meetingTitle: `Meeting ${meetingId}`,
    position: first + i,
    speakerLabel,
    startMs: (first + i) * 1000,
    endMs: (first + i) * 1000 + 900,
    text,
  }));
  return { meetingId, meetingTitle: `Meeting ${meetingId}`, score, segments };
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
const segmentsOf = (windows: RetrievedWindow[]) => new Map(windows.flatMap((w) => w.segments.map((s) => [s.id, s] as const)));

const battery = [
  window("m1", 10, [
    ["Project Manager", "Okay, let's start with the agenda for today."],
    ["Industrial Designer", "The kinetic battery charges itself when the remote control is shaken by the user."],
    ["Marketing", "Yeah."],
    ["Marketing", "Our research says people hate replacing the battery in a remote control every few months."],
    ["User Interface", "A solar panel could also keep the battery charged during the day."],
    ["Project Manager", "Lunch is at noon in the main building downstairs."],
  ]),
  window("m1", 6, [
    ["Industrial Designer", "The kinetic battery would add about two euros to the production cost of each unit."],
    ["Project Manager", "We should ask the finance team about the budget before we decide anything."],
  ], 40),
];

describe("answerExtractively", () => {
  it("quotes relevant sentences, each from the segment it cites, in transcript order", () => {
    const answer = answerExtractively("What did the group discuss about the remote control's battery?", battery, { wordBudget: 60 });
    expect(answer.length).toBeGreaterThan(1);
    const segments = segmentsOf(battery);
    for (const sentence of answer) {
      const segment = segments.get(sentence.segmentId);
      expect(segment, sentence.segmentId).toBeDefined();
      expect(segment?.text).toContain(sentence.text);
      expect(sentence.speakerLabel).toBe(segment?.speakerLabel);
      expect(sentence.text.toLowerCase()).toMatch(/batter|remote|control/);
    }
    const positions = answer.map((s) => segments.get(s.segmentId)?.position ?? -1);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // Neither the agenda, lunch nor the backchannel.
    expect(answer.map((s) => s.text).join(" ")).not.toMatch(/agenda|Lunch|^Yeah/);
  });

  it("stays within the word budget (one sentence may overshoot it by a fifth)", () => {
    for (const budget of [15, 30, 60]) {
      const answer = answerExtractively("What was said about the battery?", battery, { wordBudget: budget });
      const total = answer.reduce((sum, s) => sum + words(s.text), 0);
      expect(answer.length).toBeGreaterThan(0);
      // The first sentence is always taken; after it, nothing that would pass 1.2 × budget.
      expect(total <= budget * 1.2 || answer.length === 1).toBe(true);
    }
    const short = answerExtractively("What was said about the battery?", battery, { wordBudget: 15 });
    const long = answerExtractively("What was said about the battery?", battery, { wordBudget: 60 });
    expect(short.length).toBeLessThan(long.length);
  });

  it("does not repeat itself: of two near-identical sentences only one is quoted", () => {
    const repeated = [
      window("m2", 10, [
        ["A", "The kinetic battery charges itself when you shake the remote control."],
        ["B", "Right, the kinetic battery charges itself when you shake the remote control."],
        ["C", "A rechargeable battery would need a docking station for the remote control."],
        ["D", "We could put the logo on the bottom of the case."],
      ]),
    ];
    const question = "What about the kinetic battery of the remote control?";
    const diverse = answerExtractively(question, repeated, { wordBudget: 22 });
    const texts = diverse.map((s) => s.text);
    expect(texts.filter((t) => t.includes("charges itself"))).toHaveLength(1);
    expect(texts.some((t) => t.includes("docking station"))).toBe(true);
    // Without redundancy control (lambda 1, no similarity cap) the duplicate wins the second slot.
    const greedy = answerExtractively(question, repeated, { wordBudget: 22, tuning: { lambda: 1, maxSimilarity: 1 } });
    expect(greedy.map((s) => s.text).filter((t) => t.includes("charges itself"))).toHaveLength(2);
  });

  it("returns nothing when nothing is relevant (the caller must say so, citing nothing)", () => {
    expect(answerExtractively("What about the xylophone tuning?", battery)).toEqual([]);
    // One minor word of many found ("decide") is not enough to answer...
    const question = "What did the orchestra decide about xylophone tuning, marimba pitch and percussion rehearsals?";
    expect(answerExtractively(question, battery)).toEqual([]);
    // ...as the coverage rule decides: without it, the sentence about deciding would be quoted.
    expect(answerExtractively(question, battery, { tuning: { minCoverage: 0 } }).length).toBeGreaterThan(0);
    expect(answerExtractively("What did they say?", battery)).toEqual([]);
    expect(answerExtractively("What was said about the battery?", [])).toEqual([]);
    // Only backchannels and fillers: nothing to quote.
    expect(answerExtractively("Was the battery discussed?", [window("m3", 1, [["A", "Yeah. Battery. Um, okay."]])])).toEqual([]);
  });

  it("prefers the better-ranked window when sentences are otherwise alike", () => {
    const windows = [
      window("m4", 9, [["A", "The battery must last at least two years in normal use."]]),
      window("m5", 3, [["B", "The battery must last at least two years in daily use."]]),
    ];
    const [first] = answerExtractively("How long must the battery last?", windows, { wordBudget: 10 });
    expect(first?.segmentId).toBe("m4-0");
    const [swapped] = answerExtractively("How long must the battery last?", [...windows].reverse(), { wordBudget: 10 });
    expect(swapped?.segmentId).toBe("m5-0");
  });
});

describe("sentences", () => {
  it("splits a segment into sentences by offsets, trimming leading fillers", () => {
    const text = "Um, so, the battery is fine. Is it? Yes! And the case…";
    const spans = splitSentences(text).map(({ start, end }) => text.slice(start, end));
    expect(spans).toEqual(["the battery is fine.", "Is it?", "Yes!", "the case…"]);
    expect(splitSentences("")).toEqual([]);
  });

  it("cleans fillers and stutters without changing the words", () => {
    expect(cleanSentence("Um, so the the battery is, uh, fine.")).toBe("So the battery is fine.");
    expect(cleanSentence("I I think we should, um, go.")).toBe("I think we should go.");
    expect(cleanSentence("Mm-hmm, the kinetic one.")).toBe("The kinetic one.");
    expect(cleanSentence("The humming drum.")).toBe("The humming drum.");
  });

  it("renders runs of one speaker's sentences after the speaker", () => {
    const text = renderExtractiveAnswer([
      { text: "A.", segmentId: "1", speakerLabel: "Marketing" },
      { text: "B.", segmentId: "2", speakerLabel: "Marketing" },
      { text: "C.", segmentId: "3", speakerLabel: "User Interface" },
      { text: "D.", segmentId: "4", speakerLabel: null },
    ]);
    expect(text).toBe("Marketing: A. B.\nUser Interface: C. D.");
  });
});
