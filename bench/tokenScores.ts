/**
 * Token precision, recall and F1 of an extracted text against a hand-labelled
 * one: how the page extraction is scored (tests/normalize/page.test.ts, the bench).
 *
 * Rules: tokens are runs of letters and digits, lower-cased; texts are compared
 * as multisets (a word the page repeats counts as often as it is repeated), so
 * the order of paragraphs does not matter but every extra or missing word does.
 */
export interface TokenScores {
  /** Tokens in both (multiset intersection). */
  overlap: number;
  extracted: number;
  labelled: number;
  precision: number;
  recall: number;
  f1: number;
}

function tokens(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

export function tokenScores(extractedText: string, labelledText: string): TokenScores {
  const got = tokens(extractedText);
  const want = tokens(labelledText);
  let overlap = 0;
  for (const [token, n] of got) overlap += Math.min(n, want.get(token) ?? 0);
  const extracted = total(got);
  const labelled = total(want);
  const precision = extracted ? overlap / extracted : 0;
  const recall = labelled ? overlap / labelled : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { overlap, extracted, labelled, precision, recall, f1 };
}
