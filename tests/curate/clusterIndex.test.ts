/**
 * `assignClusters` prunes its candidates (prefix filter over an inverted
 * index, window pre-filter of leads): here its assignments must equal a brute
 * force scan that scores every lead with `similarity`, on generated corpora
 * with skewed vocabularies (a few tokens shared by almost every report, as in
 * real news) and at thresholds from 0 to above 1. A pruning step that ever
 * drops a true best match (or changes which of two tied leads wins) fails it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignClusters, similarity, storyTokens, type ClusterInput, type ClusterOptions } from '../../src/curate/index.js';

/** The reference: the original full scan, written as plainly as possible. */
function bruteForce(inputs: readonly ClusterInput[], leads: ReadonlyMap<string, string>, opts: ClusterOptions): Map<string, string> {
  const windowMs = opts.windowHours * 3_600_000;
  const tokens = (i: ClusterInput) => storyTokens(i.article.title, i.article.summary);
  const leadList = inputs.filter((i) => leads.get(i.article.id) === i.article.id).map((i) => ({ id: i.article.id, published: Date.parse(i.article.published), tokens: tokens(i) }));
  const fresh = inputs
    .filter((i) => !leads.has(i.article.id))
    .sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || b.priority - a.priority || a.article.published.localeCompare(b.article.published) || a.article.id.localeCompare(b.article.id));
  const out = new Map<string, string>();
  for (const i of fresh) {
    const mine = { id: i.article.id, published: Date.parse(i.article.published), tokens: tokens(i) };
    let best: (typeof leadList)[number] | undefined;
    let bestScore = -1;
    for (const lead of leadList) {
      if (Math.abs(lead.published - mine.published) > windowMs) continue;
      const score = similarity(mine.tokens, lead.tokens);
      if (score > bestScore) [best, bestScore] = [lead, score];
    }
    if (best && bestScore >= opts.threshold) out.set(mine.id, best.id);
    else {
      leadList.push(mine);
      out.set(mine.id, mine.id);
    }
  }
  return out;
}

// Zipf-like: the first words are in almost every report, the last in few, so
// many best matches share only mid-frequency words (the ones a filter that is
// too eager would skip). Capitalised words inside a lede weigh 2 (names).
const VOCABULARY = ['gpu', 'cloud', 'cluster', 'capacity', 'power', 'network', 'Kestrel', 'Oulu', 'Halden', 'Arizona', 'Blackwell', 'Nscale', 'Stargate', 'Fjord', '2.4', '600', '2028', '40,000'];
const word = fc.integer({ min: 0, max: 2 ** VOCABULARY.length - 1 }).map((n) => VOCABULARY[Math.min(VOCABULARY.length - 1, VOCABULARY.length - 1 - Math.floor(Math.log2(n + 1)))]!);
const sentence = fc.array(word, { minLength: 0, maxLength: 6 }).map((ws) => ws.join(' '));
const report = fc.record({
  title: sentence,
  summary: fc.array(sentence, { maxLength: 2 }).map((s) => s.map((x) => `Report ${x}.`).join(' ')),
  hour: fc.integer({ min: 0, max: 200 }),
  seenBatch: fc.integer({ min: 0, max: 3 }),
  priority: fc.integer({ min: 0, max: 2 }),
  storedAsLead: fc.boolean(),
  badDate: fc.integer({ min: 0, max: 40 }).map((n) => n === 0),
});
const corpus = fc.record({
  reports: fc.array(report, { minLength: 1, maxLength: 60 }),
  threshold: fc.oneof(fc.constantFrom(0, 0.1, 0.25, 1 / 3, 0.5, 0.75, 1, 1.2), fc.double({ min: -0.5, max: 1.1, noNaN: true })),
  windowHours: fc.constantFrom(24, 72, 1000),
});

type Report = typeof report extends fc.Arbitrary<infer R> ? R : never;

function toInputs(reports: Report[]) {
  const inputs: ClusterInput[] = reports.map((r, n) => ({
    article: {
      id: `r${String(n).padStart(3, '0')}`,
      title: r.title,
      summary: r.summary,
      published: r.badDate ? 'not a date' : new Date(Date.UTC(2026, 10, 1) + r.hour * 3_600_000).toISOString(),
    },
    firstSeen: `2026-11-0${r.seenBatch + 1}T00:00:00.000Z`,
    priority: r.priority,
  }));
  // Reports stored before this pass lead their own clusters.
  const leads = new Map(inputs.filter((_, n) => reports[n]!.storedAsLead).map((i) => [i.article.id, i.article.id]));
  return { inputs, leads };
}

describe('assignClusters pruning', () => {
  it('assigns exactly as a brute-force scan of every lead', () => {
    let merged = 0;
    fc.assert(
      fc.property(corpus, ({ reports, threshold, windowHours }) => {
        const { inputs, leads } = toInputs(reports);
        const opts = { threshold, windowHours };
        const expected = bruteForce(inputs, leads, opts);
        expect(assignClusters(inputs, leads, opts)).toEqual(expected);
        merged += [...expected].filter(([id, lead]) => id !== lead).length;
      }),
      { numRuns: 400, seed: 7 },
    );
    // The corpora do merge reports, so a pruning that lost matches would show.
    expect(merged).toBeGreaterThan(100);
  });

  it('assigns as the scan on a corpus larger than the index starts out (its arrays grow while reports are added)', () => {
    // Hundreds of reports, a vocabulary of thousands of tokens and some ledes of
    // over a hundred tokens: more than the index's initial room per position,
    // per token and per report, so every array is regrown mid-pass.
    let seed = 7;
    const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const words = Array.from({ length: 3000 }, (_, n) => `w${n.toString(36)}`);
    const pickWord = () => words[Math.min(next(3000), next(3000), next(3000))]!; // low ranks common
    const text = (length: number) => Array.from({ length }, () => (next(8) ? pickWord() : `Name${next(400)}`)).join(' ');
    const stories = Array.from({ length: 250 }, () => ({ title: text(8), lede: text(next(5) ? 25 : 140) }));
    const vary = (s: string) => s.split(' ').map((w) => (next(4) ? w : pickWord())).join(' ');
    const inputs: ClusterInput[] = Array.from({ length: 700 }, (_, n) => {
      const story = stories[next(stories.length)]!;
      return {
        article: { id: `a${n}`, title: `${vary(story.title)} ${n}`, summary: `Report ${vary(story.lede)}.`, published: new Date(Date.UTC(2026, 10, 1) + next(240) * 3_600_000).toISOString() },
        firstSeen: `2026-11-0${1 + next(3)}T00:00:00.000Z`,
        priority: next(3),
      };
    });
    const leads = new Map(inputs.filter((_, n) => n % 5 === 0).map((i) => [i.article.id, i.article.id]));
    for (const threshold of [0, 0.25, 0.5]) {
      const opts = { threshold, windowHours: 72 };
      const expected = bruteForce(inputs, leads, opts);
      expect(assignClusters(inputs, leads, opts)).toEqual(expected);
      if (threshold === 0.25) expect([...expected].filter(([id, lead]) => id !== lead).length).toBeGreaterThan(50);
    }
  });

  it('a shared common token alone does not reach a high threshold, a shared rare one can (the filter is not vacuous)', () => {
    const mk = (id: string, title: string, firstSeen: string): ClusterInput => ({ article: { id, title, summary: '', published: '2026-11-01T00:00:00.000Z' }, firstSeen, priority: 0 });
    const inputs = [mk('a', 'gpu cloud Kestrel Oulu', '1'), mk('b', 'gpu cloud Halden Arizona', '2'), mk('c', 'gpu Kestrel Oulu', '3')];
    const opts = { threshold: 0.5, windowHours: 72 };
    expect(assignClusters(inputs, new Map(), opts)).toEqual(bruteForce(inputs, new Map(), opts));
    expect(assignClusters(inputs, new Map(), opts)).toEqual(new Map([['a', 'a'], ['b', 'b'], ['c', 'a']]));
  });
});
