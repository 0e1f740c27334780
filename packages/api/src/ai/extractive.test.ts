// The extractive provider on real meetings (QMSum: AMI design meetings, ICSI research meetings,
// parliamentary committees) and on small hand-written transcripts whose right answers are known.
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_QMSUM_DIR, listQmsumMeetings, qmsumSegments, readQmsumMeeting, type QmsumMeeting } from "../qmsum/corpus.js";
import { failureOf } from "../testing/outcomes.js";
import { dueDateOf } from "./extractive/action-items.js";
import { createExtractiveProvider } from "./extractive.js";
import {
  AiProviderError,
  meetingSummaryResultSchema,
  type MeetingSummaryResult,
  type SummaryInput,
  type SummarySegment,
} from "./provider.js";

const provider = createExtractiveProvider();

function transcript(lines: string[]): SummaryInput {
  const segments = lines.map((line, position): SummarySegment => {
    const [speaker, ...text] = line.split(": ");
    return {
      id: `s${position}`,
      position,
      speaker: speaker ?? null,
      startMs: position * 5_000,
      endMs: position * 5_000 + 4_000,
      text: text.join(": "),
    };
  });
  return { title: "Hand-written", segments };
}

function inputOf(meeting: QmsumMeeting): SummaryInput {
  const segments = qmsumSegments(meeting).map((segment, position) => ({ ...segment, id: `${meeting.id}-${position}`, position }));
  return { title: meeting.id, segments };
}

const failure = (promise: Promise<unknown>) => failureOf(promise, AiProviderError);

// ---------------------------------------------------------------------------------------------
// "Comes from the transcript", checked independently of the implementation: the extract's words
// appear in the segment in order and contiguously, except that hesitations ("um", "mm-hmm") and
// immediate repetitions ("the the") of the segment may have been left out.

const words = (text: string) => text.toLowerCase().match(/[a-z0-9_]+(?:'[a-z]+)?/g) ?? [];
const HESITATION = /^(?:u+[hm]+|h?m+-?h?m+|mm+|hmm+|e+r+m*|ah+|uh-huh|mm-hmm|um-hmm|huh|hm|mhm)$/;

function extractedFrom(extract: string, segmentText: string): boolean {
  const wanted = words(extract);
  const source = words(segmentText.replace(/\bmm-hmm\b|\buh-huh\b|\bum-hmm\b/gi, " "));
  if (wanted.length === 0) return false;
  for (let start = 0; start < source.length; start++) {
    if (source[start] !== wanted[0]) continue;
    let i = start + 1;
    let j = 1;
    while (j < wanted.length && i < source.length) {
      if (source[i] === wanted[j]) j++;
      else if (!HESITATION.test(source[i] ?? "") && source[i] !== source[i - 1]) break;
      i++;
    }
    if (j === wanted.length) return true;
  }
  return false;
}

const sourceOf = (extract: string, segments: readonly SummarySegment[]) => segments.find((segment) => extractedFrom(extract, segment.text));
const sentencesOf = (text: string) => text.split(/(?<=[.!?…])\s+/).filter(Boolean);

// ---------------------------------------------------------------------------------------------

describe("the extractive provider", () => {
  it("names itself, and cannot chat", async () => {
    expect(provider).toMatchObject({ name: "extractive", model: "extractive-v1" });
    const error = await failure(provider.chat([{ role: "user", content: "What was decided?" }]));
    expect(error.code).toBe("not_supported");
    expect(error.retryable).toBe(false);
  });

  it("stops before starting when the caller has already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await failure(provider.summarize(transcript(["Ann: Hello there, everyone."]), { signal: controller.signal }))).code).toBe(
      "aborted",
    );
  });

  it("says an empty transcript is empty, with nothing listed", async () => {
    const empty = { overview: "The transcript is empty.", keyPoints: [], decisions: [], topics: [], actionItems: [] };
    expect(await provider.summarize({ title: "Nothing", segments: [] })).toEqual(empty);
    // QMSum's empty turns come through as "…"; blank and punctuation-only turns say nothing either.
    expect(await provider.summarize(transcript(["A: …", "B:   ", "C: ..."]))).toEqual(empty);
  });

  it("summarizes a two-line transcript from its own sentences, as one topic", async () => {
    const input = transcript(["Ann: The new onboarding flow cut support tickets by half.", "Ben: Great, customers clearly like it."]);
    const summary = await provider.summarize(input);
    expect(meetingSummaryResultSchema.parse(summary)).toEqual(summary);
    expect(summary.overview).toContain("The new onboarding flow cut support tickets by half.");
    for (const sentence of sentencesOf(summary.overview)) expect(sourceOf(sentence, input.segments)).toBeDefined();
    expect(summary.topics).toHaveLength(1);
    expect(summary.topics[0]).toMatchObject({ startPosition: 0, endPosition: 1 });
    expect(summary.actionItems).toEqual([]);
    expect(summary.decisions).toEqual([]);
  });

  it("tidies hesitations and stutters out of the sentences it shows", async () => {
    const summary = await provider.summarize(
      transcript([
        "Ann: Um, so the the quarterly revenue grew, uh, twelve percent in Europe.",
        "Ben: Mm-hmm. And um the new warehouse opens in Rotterdam next spring.",
      ]),
    );
    expect(summary.overview).toBe(
      "The quarterly revenue grew, twelve percent in Europe. The new warehouse opens in Rotterdam next spring.",
    );
  });
});

describe("action items and decisions in hand-written transcripts", () => {
  const launch = transcript([
    "Alice: Welcome everyone. Let's review the launch plan.",
    "Bob: The beta went well and users liked the new dashboard.",
    "Alice: Great. I'll send the release notes to the team by 2026-12-04.",
    "Bob: Carol will update the pricing page before December 4, 2026.",
    "Carol: Sure. Dave, can you book the demo room by Friday?",
    "Dave: Yes. We need to check the analytics dashboard before launch.",
    "Alice: Action item: Erin to prepare the press kit by the 3rd of March 2027.",
    "Bob: I'll fix the login bug by December 4th.",
    "Carol: So we decided to use PostgreSQL for the job queue.",
    "Dave: Let's go with the blue logo then.",
  ]);

  it("extracts each commitment with its assignee, stated due date and source segment", async () => {
    const summary = await provider.summarize(launch);
    expect(summary.actionItems).toEqual([
      { text: "I'll send the release notes to the team by 2026-12-04.", assigneeName: "Alice", dueDate: "2026-12-04", sourcePosition: 2 },
      {
        text: "Carol will update the pricing page before December 4, 2026.",
        assigneeName: "Carol",
        dueDate: "2026-12-04",
        sourcePosition: 3,
      },
      // "Friday" is relative: which Friday is unknown here, so no date is guessed.
      { text: "Dave, can you book the demo room by Friday?", assigneeName: "Dave", dueDate: null, sourcePosition: 4 },
      { text: "We need to check the analytics dashboard before launch.", assigneeName: null, dueDate: null, sourcePosition: 5 },
      {
        text: "Action item: Erin to prepare the press kit by the 3rd of March 2027.",
        assigneeName: "Erin",
        dueDate: "2027-03-03",
        sourcePosition: 6,
      },
      // A date without a year is not a full date: guessing the year would invent a fact.
      { text: "I'll fix the login bug by December 4th.", assigneeName: "Bob", dueDate: null, sourcePosition: 7 },
    ]);
    // The opening "So" is a discourse marker, dropped like "um".
    expect(summary.decisions).toEqual(["We decided to use PostgreSQL for the job queue.", "Let's go with the blue logo then."]);
  });

  it("assigns a first-person commitment to nobody when the speaker is unknown", async () => {
    const input: SummaryInput = {
      title: "Unlabelled",
      segments: [
        { id: "a", position: 7, speaker: null, startMs: 0, endMs: 1_000, text: "I will email the vendor about the contract renewal." },
      ],
    };
    expect((await provider.summarize(input)).actionItems).toEqual([
      { text: "I will email the vendor about the contract renewal.", assigneeName: null, dueDate: null, sourcePosition: 7 },
    ]);
  });

  it("invents no action item or decision where nobody commits to anything", async () => {
    const summary = await provider.summarize(
      transcript([
        "Ann: I think the budget is fine for this quarter.",
        "Ben: We talked about sending the report last week.",
        "Ann: Did you send the invoice to the client?",
        "Ben: If we decided to switch vendors, costs would rise.",
        "Ann: I'm not sure we agreed on the timeline yet.",
        "Ben: The functions we will use are the basic ones.",
        "Ann: I'll be honest, the design looks great.",
        "Ben: Can you see my screen? I'll ask a question about the budget.",
        "Ann: Just so I can write it down, what was the figure?",
        "Ben: Okay, that's agreed. Let's go for lunch.",
        "Ann: I'm gonna write that down on the whiteboard.",
      ]),
    );
    expect(summary.actionItems).toEqual([]);
    expect(summary.decisions).toEqual([]);
  });

  it("reads due dates only from full dates after a deadline word", () => {
    expect(dueDateOf("send it by 2026-12-04")).toBe("2026-12-04");
    expect(dueDateOf("done before December 4, 2026")).toBe("2026-12-04");
    expect(dueDateOf("due on Friday, Dec. 4th 2026")).toBe("2026-12-04");
    expect(dueDateOf("by the 4th of December, 2026")).toBe("2026-12-04");
    expect(dueDateOf("no later than 1 feb 2027")).toBe("2027-02-01");
    expect(dueDateOf("by Friday")).toBeNull();
    expect(dueDateOf("by next week")).toBeNull();
    expect(dueDateOf("by December 4th")).toBeNull();
    expect(dueDateOf("by 2026-02-30")).toBeNull();
    expect(dueDateOf("the notes of the 2026-12-04 meeting")).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------

/** AMI design meetings, the longest ICSI meeting, and parliamentary committees. */
const REAL = ["ES2002d", "TS3003a", "Bmr003", "Bed013", "covid_1", "education_2"];

describe("real QMSum meetings", () => {
  const meetings = new Map<string, { input: SummaryInput; summary: MeetingSummaryResult; meeting: QmsumMeeting }>();

  beforeAll(async () => {
    const files = [
      ...(await listQmsumMeetings("train", TEST_QMSUM_DIR)).map((file) => ({ file, split: "train" as const })),
      ...(await listQmsumMeetings("val", TEST_QMSUM_DIR)).map((file) => ({ file, split: "val" as const })),
    ];
    for (const id of REAL) {
      const found = files.find(({ file }) => file.endsWith(`/${id}.json`));
      if (!found) throw new Error(`QMSum meeting ${id} is missing`);
      const meeting = await readQmsumMeeting(found.file, found.split);
      const input = inputOf(meeting);
      meetings.set(id, { input, summary: await provider.summarize(input), meeting });
    }
  });

  const get = (id: string) => {
    const entry = meetings.get(id);
    if (!entry) throw new Error(`${id} not loaded`);
    return entry;
  };

  it.each(REAL)("%s: a valid summary whose overview and key points are sentences of the transcript", (id) => {
    const { input, summary } = get(id);
    expect(meetingSummaryResultSchema.parse(summary)).toEqual(summary);

    const overview = sentencesOf(summary.overview);
    expect(overview.length).toBeGreaterThanOrEqual(2);
    expect(overview.length).toBeLessThanOrEqual(4);
    for (const sentence of overview) {
      expect(sentence.split(" ").length, sentence).toBeGreaterThanOrEqual(5);
      expect(sourceOf(sentence, input.segments), sentence).toBeDefined();
    }

    expect(summary.keyPoints.length).toBeGreaterThanOrEqual(5);
    expect(summary.keyPoints.length).toBeLessThanOrEqual(8);
    const positions = summary.keyPoints.map((point) => {
      expect(overview, "a key point repeats the overview").not.toContain(point);
      const source = sourceOf(point, input.segments);
      expect(source, point).toBeDefined();
      return source?.position ?? -1;
    });
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it.each(REAL)("%s: topics are titled, in order, without overlaps or gaps, a handful for the length", (id) => {
    const { input, summary } = get(id);
    const { topics } = summary;
    expect(topics.length).toBeGreaterThanOrEqual(2);
    expect(topics.length).toBeLessThanOrEqual(8);
    expect(topics[0]?.startPosition).toBe(0);
    expect(topics.at(-1)?.endPosition).toBe(input.segments.length - 1);
    topics.forEach((topic, k) => {
      expect(topic.endPosition).toBeGreaterThanOrEqual(topic.startPosition);
      if (k > 0) expect(topic.startPosition).toBe((topics[k - 1]?.endPosition ?? NaN) + 1);
      expect(topic.title.length).toBeLessThanOrEqual(60);
      // Each title word is a word of the topic's own turns.
      const spoken = new Set(
        input.segments.slice(topic.startPosition, topic.endPosition + 1).flatMap((segment) => words(segment.text.replace(/_/g, ""))),
      );
      for (const word of words(topic.title))
        expect(
          [word, `${word}s`].some((form) => spoken.has(form)),
          `${word} in ${topic.title}`,
        ).toBe(true);
    });
    expect(new Set(topics.map((topic) => topic.title)).size).toBe(topics.length);
  });

  it.each(REAL)("%s: each action item is stated in its source segment, by a commitment, to a named assignee", (id) => {
    const { input, summary } = get(id);
    for (const item of summary.actionItems) {
      const segment = input.segments.find((candidate) => candidate.position === item.sourcePosition);
      expect(segment, item.text).toBeDefined();
      expect(extractedFrom(item.text, segment?.text ?? ""), `${item.text} ⊄ ${segment?.text}`).toBe(true);
      expect(item.text).toMatch(
        /\b(?:I'll|I will|I'm going to|I am going to|I'm gonna|I am gonna|I can|will|is going to|is gonna|can|could you|would you|please|need to|have to|got to|must|action item)\b/i,
      );
      // Never a name out of nowhere: the speaker who committed, or someone named in the segment.
      if (item.assigneeName !== null)
        expect(item.assigneeName === segment?.speaker || (segment?.text ?? "").includes(item.assigneeName)).toBe(true);
      // QMSum states no full dates for its tasks.
      expect(item.dueDate).toBeNull();
    }
  });

  it.each(REAL)("%s: decisions are statements of the transcript with a decision cue", (id) => {
    const { input, summary } = get(id);
    for (const decision of summary.decisions) {
      expect(sourceOf(decision, input.segments), decision).toBeDefined();
      expect(decision).toMatch(
        /\b(?:decided|decision|agreed|agrees|agreement|settled|chose|opted|go with|go for|stick with|sticking with|going with|use)\b/i,
      );
      expect(decision.endsWith("?")).toBe(false);
    }
  });

  it("finds the commitments and decisions of real meetings", () => {
    // Bed013: a name assigned in the third person, and a speaker committing in the first.
    expect(get("Bed013").summary.actionItems).toContainEqual({
      text: "Johno will send you a link.",
      assigneeName: "Johno",
      dueDate: null,
      sourcePosition: 334,
    });
    expect(get("Bed013").summary.actionItems).toContainEqual({
      text: "I'm gonna work on that today and tomorrow.",
      assigneeName: "Grad B",
      dueDate: null,
      sourcePosition: 137,
    });
    expect(get("ES2002d").summary.decisions).toContain("Let's go with two point five then.");
    // The chair's opening is the overview's first sentence.
    expect(sentencesOf(get("ES2002d").summary.overview)[0]).toBe(
      "We're gonna discuss the look and feel design, the user interface design, and we're gonna evaluate the product.",
    );
  });

  it("is deterministic", async () => {
    for (const id of ["ES2002d", "covid_1"]) {
      const { input, summary } = get(id);
      expect(await createExtractiveProvider().summarize(structuredClone(input))).toEqual(summary);
    }
  });

  it("summarizes the largest meeting (Bmr003, 1,832 turns) well within 2 s", async () => {
    const { input } = get("Bmr003");
    expect(input.segments).toHaveLength(1_832);
    const started = performance.now();
    const summary = await provider.summarize(input);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(summary.topics.length).toBeGreaterThanOrEqual(4);
  });
});

describe("topic boundaries against QMSum's gold topics", () => {
  /**
   * Pk (Beeferman et al.): the share of turn pairs k apart that one segmentation puts in the same
   * section and the other does not; lower is better. The gold sections start at QMSum's topic spans.
   */
  function pk(reference: number[], hypothesis: number[], length: number): number {
    const sectionOf = (starts: number[]) => {
      const sections = new Int32Array(length);
      for (let i = 0, s = 0; i < length; i++) {
        while (s + 1 < starts.length && (starts[s + 1] ?? Infinity) <= i) s++;
        sections[i] = s;
      }
      return sections;
    };
    const k = Math.max(1, Math.round(length / (2 * reference.length)));
    const ref = sectionOf(reference);
    const hyp = sectionOf(hypothesis);
    let misses = 0;
    for (let i = 0; i + k < length; i++) if ((ref[i] === ref[i + k]) !== (hyp[i] === hyp[i + k])) misses++;
    return misses / (length - k);
  }

  it("places them better than evenly spaced ones, over the validation meetings", async () => {
    let ours = 0;
    let even = 0;
    let count = 0;
    for (const file of await listQmsumMeetings("val", TEST_QMSUM_DIR)) {
      const meeting = await readQmsumMeeting(file, "val");
      const gold = [...new Set([0, ...meeting.topics.flatMap((topic) => topic.spans.map(([from]) => from))])].sort((a, b) => a - b);
      const input = inputOf(meeting);
      const { topics } = await provider.summarize(input);
      if (gold.length < 2 || topics.length < 2) continue;
      const length = input.segments.length;
      ours += pk(
        gold,
        topics.map((topic) => topic.startPosition),
        length,
      );
      even += pk(
        gold,
        topics.map((_, k) => Math.round((k * length) / topics.length)),
        length,
      );
      count++;
    }
    expect(count).toBeGreaterThanOrEqual(30);
    expect(ours / count).toBeLessThan(even / count);
  });
});
