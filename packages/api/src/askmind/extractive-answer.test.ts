import { describe, expect, it } from "vitest";
import { answerExtractively, renderExtractiveAnswer } from "./extractive-answer.js";
import { cleanSentence, splitClauses, splitSentences } from "./extractive-answer/sentences.js";
import { namedSpeakers } from "./extractive-answer/speakers.js";
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
  window(
    "m1",
    6,
    [
      ["Industrial Designer", "The kinetic battery would add about two euros to the production cost of each unit."],
      ["Project Manager", "We should ask the finance team about the budget before we decide anything."],
    ],
    40,
  ),
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
        ["A", "The kinetic battery charges itself when the user shakes the remote control."],
        ["B", "Right, the kinetic battery charges itself when the user shakes the remote control."],
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

describe("answerExtractively: what is asked", () => {
  const design = [
    window("m6", 10, [
      ["Project Manager", "The functional design of the remote control comes first in this meeting."],
      ["Marketing", "Users want a remote control with a long battery life and few buttons."],
      ["Industrial Designer", "The battery design should be long-lived and conventional, a standard battery."],
      ["User Interface", "The functional design should keep the remote control simple for new users."],
      ["Marketing", "The battery of our current remote control lasts about a year."],
      ["Project Manager", "I think you're right, yeah, thank you, we should move on to the design."],
    ]),
  ];

  it("prefers the speakers a question names, and does not look for their names in the text", () => {
    const [first] = answerExtractively("What did Marketing think about the battery?", design, { wordBudget: 12 });
    expect(first?.speakerLabel).toBe("Marketing");
    // Nobody named: the Industrial Designer's sentence about the battery design is as good.
    const open = answerExtractively("What did the group think about the battery?", design, { wordBudget: 40 });
    expect(open.map((s) => s.speakerLabel)).toContain("Industrial Designer");
    // Named with nothing else to look for: that speaker's sentences.
    const only = answerExtractively("What did the Industrial Designer say?", design, { wordBudget: 12 });
    expect(only.map((s) => s.speakerLabel)).toEqual(["Industrial Designer"]);
    // A named speaker and words found nowhere: nothing to answer.
    expect(answerExtractively("What did Marketing think about the xylophone?", design)).toEqual([]);
  });

  it("weighs a scene-setting clause ('when discussing …') less than what is asked", () => {
    const scene = [
      window("m8", 10, [
        ["A", "The functional design of the remote control is first on the list."],
        ["C", "The logo goes on the back of the case."],
        ["D", "The case is sold in three colours."],
        ["B", "The battery should last two years."],
      ]),
    ];
    const question = "What about the battery when discussing the functional design of the remote control?";
    // (How reportable the words are set aside: the first sentence is made of "the", "of", "is", "on".)
    expect(answerExtractively(question, scene, { wordBudget: 5, tuning: { reported: 0 } }).map((s) => s.text)).toEqual([
      "The battery should last two years.",
    ]);
    // Every word weighed alike, the sentence with four of them wins.
    const [equal] = answerExtractively(question, scene, { wordBudget: 5, tuning: { sceneWeight: 1, reported: 0 } });
    expect(equal?.text).toMatch(/functional design/);
  });

  it("prefers sentences of words a summary would report ('would', 'of') to vague ones ('maybe', 'stuff', 'now')", () => {
    const battery = [
      window("m9", 10, [
        ["A", "Battery stuff is maybe right there now."],
        ["B", "The battery would be part of the case."],
      ]),
    ];
    const pick = (reported: number) =>
      answerExtractively("What about the battery?", battery, { wordBudget: 5, tuning: { reported } }).map((s) => s.text);
    expect(pick(1)).toEqual(["The battery would be part of the case."]);
    expect(pick(0)).toEqual(["Battery stuff is maybe right there now."]);
  });

  it("passes over conversational sentences (I, you, yeah, thanks) that report nothing", () => {
    const answer = answerExtractively("What about the design?", design, { wordBudget: 40 });
    expect(answer.length).toBeGreaterThan(0);
    expect(answer.map((s) => s.text).join(" ")).not.toMatch(/thank you/);
    const chatty = answerExtractively("What about the design?", design, { wordBudget: 40, tuning: { plain: 0 } });
    expect(chatty.map((s) => s.text).join(" ")).toMatch(/thank you/);
  });

  it("quotes a turn next to a relevant one when it shares the discussion's words, never an aside", () => {
    const windows = [
      window("m7", 10, [
        ["A", "Should the case of the remote be made of rubber?"],
        ["B", "A soft rubber case would survive being dropped on the floor."],
        ["C", "Hard plastic cracks when the remote is dropped on the floor."],
        ["D", "The canteen closes early on Fridays these days."],
      ]),
    ];
    const answer = answerExtractively("What did they decide about rubber?", windows, { wordBudget: 40 });
    const texts = answer.map((s) => s.text).join(" ");
    expect(texts).toMatch(/Hard plastic/); // no question word, but next to the rubber turns and about the case
    expect(texts).not.toMatch(/canteen/);
  });
});

describe("namedSpeakers", () => {
  const ami = ["Project Manager", "Marketing", "Industrial Designer", "User Interface"];
  const icsi = ["Professor B", "Grad F", "PhD A", "Postdoc G"];
  const parliament = [
    "Right Hon. Justin Trudeau (Prime Minister)",
    "Right Hon. Justin Trudeau",
    "Hon. Navdeep Bains",
    "Lynne Neagle AM",
    "Hon. Andrew Scheer (Leader of the Opposition)",
  ];

  it("finds roles, letters, names, surnames and roles in parentheses", () => {
    expect(namedSpeakers("What did Marketing think of the buttons?", ami)).toEqual(new Set(["Marketing"]));
    expect(namedSpeakers("Summarize User Interface's opinion about the design.", ami)).toEqual(new Set(["User Interface"]));
    expect(namedSpeakers("What did the Industrial Design think about teamwork?", ami)).toEqual(new Set(["Industrial Designer"]));
    expect(namedSpeakers("What did the project manager suggest?", ami)).toEqual(new Set(["Project Manager"]));
    expect(namedSpeakers("What did F think about the XML format?", icsi)).toEqual(new Set(["Grad F"]));
    expect(namedSpeakers("What did the professor think about LPC?", icsi)).toEqual(new Set(["Professor B"]));
    expect(namedSpeakers("What did Lynne Neagle ask?", parliament)).toEqual(new Set(["Lynne Neagle AM"]));
    expect(namedSpeakers("What did Bains say about business loans?", parliament)).toEqual(new Set(["Hon. Navdeep Bains"]));
    expect(namedSpeakers("What did the Prime Minister say about fraud?", parliament)).toEqual(
      new Set(["Right Hon. Justin Trudeau (Prime Minister)", "Right Hon. Justin Trudeau"]),
    );
  });

  it("names nobody when the question names nobody", () => {
    expect(namedSpeakers("What did the group decide about the battery?", ami).size).toBe(0);
    expect(namedSpeakers("Was a design chosen?", icsi).size).toBe(0);
    // A role's topic ("design") is not its holder ("the designer"), though they share a stem.
    expect(namedSpeakers("Summarize the discussion about appearance design.", ["Industrial Designer", "Marketing"]).size).toBe(0);
    expect(namedSpeakers("What did the designer's team decide?", ["Industrial Designer", "Marketing"])).toEqual(
      new Set(["Industrial Designer"]),
    );
    // An article is not a speaker's letter; a lowercase surname-like word is not a surname.
    expect(namedSpeakers("Was a decision made about disk space?", icsi).size).toBe(0);
    expect(namedSpeakers("How do the bains of the old town work?", parliament).size).toBe(0);
  });
});

describe("sentences", () => {
  it("splits a segment into sentences by offsets, trimming leading fillers", () => {
    const text = "Um, so, the battery is fine. Is it? Yes! And the case…";
    const spans = splitSentences(text).map(({ start, end }) => text.slice(start, end));
    expect(spans).toEqual(["the battery is fine.", "Is it?", "Yes!", "the case…"]);
    expect(splitSentences("")).toEqual([]);
    // A title's full stop does not end a sentence.
    const titled = "Mr. Chair, fraud is unacceptable. Dr. Blaney agrees.";
    expect(splitSentences(titled).map(({ start, end }) => titled.slice(start, end))).toEqual([
      "Mr. Chair, fraud is unacceptable.",
      "Dr. Blaney agrees.",
    ]);
    // An annotation is neither a sentence nor part of one.
    const noted = "That is right. [Laughter.] Nicely anticipated.";
    expect(splitSentences(noted).map(({ start, end }) => noted.slice(start, end))).toEqual(["That is right.", "Nicely anticipated."]);
  });

  it("cuts a long sentence into clauses at semicolons, dashes and conjunctions after commas", () => {
    const text =
      "The case should be rubber because people drop remotes all the time; the buttons should be large, and the battery should last two years at least, but the cost must stay under twelve euros.";
    const clauses = splitClauses(text, { start: 0, end: text.length }, 12).map(({ start, end }) => text.slice(start, end));
    expect(clauses).toEqual([
      "The case should be rubber because people drop remotes all the time",
      "the buttons should be large",
      "the battery should last two years at least",
      "the cost must stay under twelve euros.",
    ]);
    // A short sentence stays whole; so does one with no place to cut.
    expect(splitClauses(text, { start: 0, end: text.length }, 100)).toEqual([{ start: 0, end: text.length }]);
    const plain = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen";
    expect(splitClauses(plain, { start: 0, end: plain.length }, 5)).toEqual([{ start: 0, end: plain.length }]);
  });

  it("cleans fillers and stutters without changing the words", () => {
    expect(cleanSentence("Um, so the the battery is, uh, fine.")).toBe("So the battery is fine.");
    expect(cleanSentence("I I think we should, um, go.")).toBe("I think we should go.");
    expect(cleanSentence("Mm-hmm, the kinetic one.")).toBe("The kinetic one.");
    expect(cleanSentence("The humming drum.")).toBe("The humming drum.");
    // Phrases said again, "you know" set off by commas, false-start letters, annotations.
    expect(cleanSentence("We need it in the key in the key in the key.")).toBe("We need it in the key.");
    expect(cleanSentence("It was, you know, fine, I mean.")).toBe("It was fine.");
    expect(cleanSentence("And the g system breaks down.")).toBe("And the system breaks down.");
    expect(cleanSentence("Plan B and vitamin C, a case.")).toBe("Plan B and vitamin C, a case.");
    expect(cleanSentence("Well anticipated. [Laughter.] Thanks,")).toBe("Well anticipated. Thanks");
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
