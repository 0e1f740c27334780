// The demo hiring loop `pnpm seed:interviews` loads: one position, three candidates, their panels,
// what was said in each interview, and how each panelist scored it. Fiction written for the demo;
// the candidates' answers touch the template's categories so the summary has evidence to find.

export const DEMO_POSITION = "Backend Engineer";

export const DEMO_TEMPLATE = {
  name: "Backend Engineer onsite",
  positionTitle: DEMO_POSITION,
  ratingScale: 4 as const,
  categories: [
    {
      name: "Technical depth",
      description: "Designs systems, databases, queues and APIs; explains trade-offs and failure modes",
      weight: 2,
    },
    { name: "Communication", description: "Explains clearly, structures answers, listens and asks clarifying questions", weight: 1 },
    { name: "Collaboration", description: "Works with teammates, code review, mentoring, handling disagreement", weight: 1 },
  ],
};

/** Panelists, by the key the loop refers to them with. The demo user is `lead`. */
export const DEMO_INTERVIEWERS = {
  priya: { name: "Priya Raman", email: "priya.raman@meetmind.local" },
  tomas: { name: "Tomás Silva", email: "tomas.silva@meetmind.local" },
} as const;
export type PanelistKey = "lead" | keyof typeof DEMO_INTERVIEWERS;

type Rating = 1 | 2 | 3 | 4;
type Recommendation = "strong_no" | "no" | "yes" | "strong_yes";

export interface DemoScorecard {
  by: PanelistKey;
  /** Ratings in the template's category order. */
  ratings: [Rating, Rating, Rating];
  recommendation: Recommendation;
  notes: string;
}

export interface DemoInterview {
  stage: string;
  /** Days from today (negative: in the past). */
  dayOffset: number;
  panel: PanelistKey[];
  /** "[mm:ss] Speaker: words" lines; the candidate speaks as `candidate`, panelists by key. */
  transcript?: Array<[string, PanelistKey | "candidate", string]>;
  scorecards: DemoScorecard[];
}

export interface DemoCandidate {
  name: string;
  email: string;
  source: string;
  stage: string;
  links: string[];
  interviews: DemoInterview[];
}

export const DEMO_CANDIDATES: DemoCandidate[] = [
  {
    name: "Maya Okafor",
    email: "maya.okafor@example.com",
    source: "referral",
    stage: "onsite",
    links: ["https://github.com/example-maya"],
    interviews: [
      {
        stage: "onsite",
        dayOffset: -2,
        panel: ["lead", "priya"],
        transcript: [
          ["00:05", "lead", "Thanks for joining, Maya. Could you walk us through a system you designed recently?"],
          [
            "00:14",
            "candidate",
            "Sure. I designed the billing pipeline at my last company: an outbox table in Postgres, a queue of workers, and idempotent handlers so a retry never charged a customer twice.",
          ],
          ["00:41", "priya", "What happened when the queue backed up?"],
          [
            "00:47",
            "candidate",
            "We measured the lag per job type, added back-pressure on the producers, and partitioned the hottest table by month. The p99 went from four seconds to three hundred milliseconds.",
          ],
          ["01:20", "lead", "How did you decide between partitioning and adding an index?"],
          [
            "01:27",
            "candidate",
            "I read the query plans first. The index helped reads, but the vacuum cost on one huge table was the real problem, so partitions let us drop old months instantly.",
          ],
          ["02:02", "priya", "Tell us about a disagreement with a teammate. How did you handle it?"],
          [
            "02:09",
            "candidate",
            "A colleague wanted to rewrite the service in another language. I asked for a week to benchmark both, we reviewed the numbers together in code review, and we kept the existing stack with his caching idea.",
          ],
          ["02:45", "lead", "How do you explain a technical trade-off to someone outside engineering?"],
          [
            "02:52",
            "candidate",
            "I start with what they care about, cost or risk, then give two options with a clear recommendation and what we would watch to know if it works.",
          ],
          ["03:20", "priya", "Do you mentor anyone?"],
          [
            "03:24",
            "candidate",
            "Two junior engineers. We pair every week and I review their designs before they write code, which saves everyone time.",
          ],
          ["03:50", "lead", "Any questions for us?"],
          ["03:53", "candidate", "How do you run incident reviews, and who owns the database migrations?"],
        ],
        scorecards: [
          { by: "lead", ratings: [4, 3, 4], recommendation: "strong_yes", notes: "Deep on queues and Postgres; concrete numbers." },
          { by: "priya", ratings: [4, 4, 3], recommendation: "yes", notes: "Handled the disagreement question well." },
        ],
      },
    ],
  },
  {
    name: "Daniel Brooks",
    email: "daniel.brooks@example.com",
    source: "job board",
    stage: "onsite",
    links: [],
    interviews: [
      {
        stage: "technical",
        dayOffset: -5,
        panel: ["tomas"],
        scorecards: [{ by: "tomas", ratings: [3, 3, 3], recommendation: "yes", notes: "Solid fundamentals, a bit slow on the exercise." }],
      },
      {
        stage: "onsite",
        dayOffset: -1,
        panel: ["lead", "tomas"],
        transcript: [
          ["00:03", "tomas", "Daniel, how would you design a rate limiter for our API?"],
          [
            "00:10",
            "candidate",
            "I would use a token bucket per API key in Redis, with a Lua script so the check and the decrement are atomic.",
          ],
          ["00:32", "lead", "What if Redis is down?"],
          [
            "00:36",
            "candidate",
            "Then I think we fail open for reads and closed for writes, but I am not sure, I would ask the team what the product expects.",
          ],
          ["01:05", "tomas", "How do you review a pull request you disagree with?"],
          ["01:11", "candidate", "I usually just approve it if the tests pass, and then fix things later myself."],
          ["01:30", "lead", "Can you explain that decision to a product manager?"],
          ["01:36", "candidate", "I would say the limiter protects the database, and that some customers may see errors at peak."],
          ["02:00", "tomas", "What would you change about your last project?"],
          [
            "02:05",
            "candidate",
            "More tests on the queue consumers, and I would document the schema migrations, which caused an outage once.",
          ],
        ],
        scorecards: [
          { by: "lead", ratings: [3, 2, 2], recommendation: "no", notes: "Good limiter design, weak on collaboration." },
          { by: "tomas", ratings: [3, 3, 1], recommendation: "yes", notes: "Technically fine; code review answer worries me." },
        ],
      },
    ],
  },
  {
    name: "Sofia Lindqvist",
    email: "sofia.lindqvist@example.com",
    source: "sourced",
    stage: "onsite",
    links: ["https://www.linkedin.com/in/example-sofia"],
    interviews: [
      {
        stage: "onsite",
        dayOffset: 2,
        panel: ["lead", "priya", "tomas"],
        scorecards: [],
      },
    ],
  },
];
