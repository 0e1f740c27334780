import { describe, expect, it } from "vitest";
import { lcsLength, rouge, rougeLsumTokens, rougeNTokens, rougeTokens } from "./rouge.js";

describe("rougeTokens", () => {
  it("lowercases, splits on anything but [a-z0-9] and stems tokens longer than 3 characters", () => {
    expect(rougeTokens("The Batteries were DISCUSSED, e-mail it's 3.5 was cats")).toEqual([
      "the",
      "batteri",
      "were",
      "discuss",
      "e",
      "mail",
      "it",
      "s",
      "3",
      "5",
      "was",
      "cat",
    ]);
    // "was" and "its" have 3 characters: left alone, as rouge_score does.
    expect(rougeTokens("was its")).toEqual(["was", "its"]);
    expect(rougeTokens("Batteries", { stem: false })).toEqual(["batteries"]);
  });
});

describe("rouge", () => {
  // The classic example: 6 of the reference's 6 words in a 7-word candidate.
  const candidate = "the cat was found under the bed";
  const reference = "the cat was under the bed";

  it("ROUGE-1: clipped unigram overlap", () => {
    const { rouge1 } = rouge(candidate, reference);
    expect(rouge1.precision).toBeCloseTo(6 / 7, 10);
    expect(rouge1.recall).toBeCloseTo(1, 10);
    expect(rouge1.f1).toBeCloseTo((2 * (6 / 7)) / (6 / 7 + 1), 10);
  });

  it("ROUGE-2: 4 of the candidate's 6 bigrams, the reference's 5", () => {
    const { rouge2 } = rouge(candidate, reference);
    expect(rouge2.precision).toBeCloseTo(4 / 6, 10);
    expect(rouge2.recall).toBeCloseTo(4 / 5, 10);
    expect(rouge2.f1).toBeCloseTo((2 * (4 / 6) * (4 / 5)) / (4 / 6 + 4 / 5), 10);
  });

  it("ROUGE-L: the LCS is 'the cat was under the bed'", () => {
    const { rougeL } = rouge(candidate, reference);
    expect(rougeL.precision).toBeCloseTo(6 / 7, 10);
    expect(rougeL.recall).toBeCloseTo(1, 10);
    // Order matters for L, not for 1: the reversed candidate keeps ROUGE-1 but loses LCS.
    const reversed = rouge("bed the under found was cat the", reference);
    expect(reversed.rouge1.f1).toBeCloseTo(rouge(candidate, reference).rouge1.f1, 10);
    // The longest common subsequence left is "the under the".
    expect(reversed.rougeL.recall).toBeCloseTo(3 / 6, 10);
  });

  it("clips repeated words by their count in the reference", () => {
    const { rouge1 } = rouge("the the the the", "the cat");
    expect(rouge1.precision).toBeCloseTo(1 / 4, 10);
    expect(rouge1.recall).toBeCloseTo(1 / 2, 10);
  });

  it("stems by default, and only then matches inflections", () => {
    expect(rouge("The batteries were discussed", "battery discussion").rouge1.recall).toBeCloseTo(1, 10);
    expect(rouge("The batteries were discussed", "battery discussion", { stem: false }).rouge1.recall).toBe(0);
  });

  it("scores 0 when either side is empty", () => {
    expect(rouge("", reference).rouge1.f1).toBe(0);
    expect(rouge(candidate, "").rougeL.f1).toBe(0);
    expect(rougeNTokens(["a"], ["a"], 2).f1).toBe(0);
  });

  it("ROUGE-Lsum: union LCS over sentences (Lin 2004's example)", () => {
    // r = w1..w5; c1 = w1 w2 w6 w7 w8, c2 = w1 w3 w8 w9 w5: the union LCS is w1 w2 w3 w5.
    const score = rougeLsumTokens(
      [
        ["w1", "w2", "w6", "w7", "w8"],
        ["w1", "w3", "w8", "w9", "w5"],
      ],
      [["w1", "w2", "w3", "w4", "w5"]],
    );
    expect(score.recall).toBeCloseTo(4 / 5, 10);
    expect(score.precision).toBeCloseTo(4 / 10, 10);
    // As one sentence, only the plain LCS counts.
    expect(lcsLength(["w1", "w2", "w6", "w7", "w8", "w1", "w3", "w8", "w9", "w5"], ["w1", "w2", "w3", "w4", "w5"])).toBe(4);
    expect(lcsLength(["w1", "w2", "w6", "w7", "w8"], ["w1", "w2", "w3", "w4", "w5"])).toBe(2);
  });

  it("splits Lsum sentences at sentence ends and newlines", () => {
    const split = rouge("a b. c d", "a b\nc d").rougeLsum;
    expect(split.f1).toBeCloseTo(1, 10);
  });
});
