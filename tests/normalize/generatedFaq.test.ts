/**
 * The generated FAQ (generatedFaq.ts): a question only when a sentence of the
 * article answers it and adds to the summary; no FAQ when nothing does.
 * The examples are issue 21's.
 */
import { describe, expect, it } from 'vitest';
import { extractFigures, generateFaqs, ledeOf, splitSentences, type FaqSource } from '../../src/normalize/index.js';

/** An article whose summary is its first paragraph, with the body's figures. */
function sourceOf(paragraphs: string[], published = '2026-11-20T12:00:00.000Z'): FaqSource {
  return { paragraphs, summary: ledeOf(paragraphs[0] ?? ''), figures: extractFigures(paragraphs), published };
}

function questions(paragraphs: string[]): string[] {
  return generateFaqs(sourceOf(paragraphs)).map((f) => f.question);
}

const BODY = [
  'Helios Data signed a 500 MW nuclear power purchase agreement for its Ohio AI campus on Tuesday. The twenty-year deal covers the whole first phase of the site.',
  'Chief executive Lisa Su said on a call with analysts on Nov. 4 that the MI355X accelerators for the campus were already allocated.',
  'The campus will host 40,000 GPUs, and the agreement is worth $2.1 billion over its term.',
  'The deal matters because nuclear output is firm, which means the training cluster can run at full load through the night.',
  'The second phase is scheduled to open in 2028.',
];

describe('generateFaqs', () => {
  it('answers only what the summary does not say, with the article\'s own sentences, marked as generated', () => {
    const source = sourceOf(BODY);
    const faqs = generateFaqs(source);
    expect(faqs).toEqual([
      { question: 'Who is involved?', answer: BODY[1], generated: true },
      { question: 'What are the numbers?', answer: BODY[2], generated: true },
      { question: 'Why does it matter?', answer: BODY[3], generated: true },
      { question: 'What happens next?', answer: BODY[4], generated: true },
    ]);
    const own = new Set(splitSentences(BODY));
    for (const f of faqs) expect(splitSentences([f.answer]).every((s) => own.has(s)), f.question).toBe(true);
  });

  it('leaves out "What happened?" when it would repeat the summary', () => {
    expect(questions(BODY)).not.toContain('What happened?');
    // A teaser summary that says less than the lede: then the lede adds something.
    const faqs = generateFaqs({ ...sourceOf(BODY), summary: 'A nuclear deal for an AI campus.' });
    expect(faqs[0]?.question).toBe('What happened?');
    expect(faqs[0]?.answer).toBe('Helios Data signed a 500 MW nuclear power purchase agreement for its Ohio AI campus on Tuesday.');
  });

  it('gives no FAQ to an article with nothing to add to its summary', () => {
    expect(generateFaqs(sourceOf(['Orbital Compute switched on a new GPU cluster in Texas this week, the company said.']))).toEqual([]);
    expect(generateFaqs(sourceOf([]))).toEqual([]);
    expect(generateFaqs(sourceOf(['Too short.']))).toEqual([]);
  });

  it('does not take a quote alone for "Who is involved?"', () => {
    const lede = 'Orbital Compute switched on a new GPU cluster in Texas this week, its third this year.';
    expect(questions([lede, '"We are thrilled with how fast the halls came together, and the customers are too," he said.'])).toEqual([]);
    // Names inside the quote are not who is involved either.
    expect(questions([lede, '"Nvidia and Microsoft both toured the site before it opened," the spokesperson said.'])).toEqual([]);
  });

  it('answers "Who is involved?" with a named person or organisation in a role', () => {
    const lede = 'Orbital Compute switched on a new GPU cluster in Texas this week, its third this year.';
    const named = 'Goldman Sachs analyst Jim Schneider said the cluster was already fully booked by customers.';
    expect(generateFaqs(sourceOf([lede, named]))).toEqual([{ question: 'Who is involved?', answer: named, generated: true }]);
    // A sentence without a role names nobody "involved".
    expect(questions([lede, 'The cluster sits in a former warehouse near the Texas border with Mexico.'])).toEqual([]);
  });

  it('keeps "Nov." and "Mr." inside the answering sentence (issue 21)', () => {
    const lede = 'KSCC is building a substation for the Busan AI campus, its largest project this year.';
    const lee = 'Vice President of KSCC Mr. Lee said the substation would be finished before the summer, the company said.';
    const faqs = generateFaqs(sourceOf([lede, lee]));
    expect(faqs.map((f) => f.answer)).toContain(lee);
  });

  it('answers "What are the numbers?" with the sentences stating figures the summary does not', () => {
    const lede = 'Vantage Data Centers raised $3 billion in new equity for its campuses in the U.S. and Europe.';
    const stated = 'The $3 billion round was led by two pension funds.';
    const fresh = 'The Texas campus will draw 1.4 GW when finished.';
    const faqs = generateFaqs(sourceOf([lede, stated, fresh]));
    expect(faqs.find((f) => f.question === 'What are the numbers?')?.answer).toBe(fresh);
  });

  it('asks "Why does it matter?" only on a cause or consequence, not on the word "matters"', () => {
    const lede = 'Northgrid will hold its annual shareholder meeting in Oslo on Thursday, the company said.';
    expect(questions([lede, 'Any other matters which may be considered at the meeting are listed in the notice.'])).toEqual([]);
    const cause = 'The vote was moved because the new turbines for the data center arrived late.';
    expect(generateFaqs(sourceOf([lede, cause]))).toEqual([{ question: 'Why does it matter?', answer: cause, generated: true }]);
    expect(questions([lede, 'The added capacity will allow the operator to meet demand from two new cloud tenants.'])).toEqual(['Why does it matter?']);
  });

  it('asks "What happens next?" only on a future statement', () => {
    const lede = 'Crusoe opened its first liquid-cooled hall in Wyoming on Monday, with room for 20 more.';
    expect(questions([lede, 'The hall was built in nine months by a local contractor.'])).toEqual([]);
    expect(questions([lede, 'Crusoe plans to open a second hall on the same site.'])).toEqual(['What happens next?']);
    expect(questions([lede, 'A second hall on the same site opens in March 2027.'])).toEqual(['What happens next?']);
    // A year before the article's own is no future.
    expect(generateFaqs(sourceOf([lede, 'A second hall on the same site opened in March 2025.']))).toEqual([]);
  });

  it('is English only: an article in another stated language gets none; English or untagged ones get it', () => {
    expect(generateFaqs({ ...sourceOf(BODY), language: 'en-GB' })).toHaveLength(4);
    expect(generateFaqs({ ...sourceOf(BODY), language: 'de-DE' })).toEqual([]);
    // A German body, as heise sends it: no English questions over German text.
    const german = ['Der Betreiber baut in Hessen ein Rechenzentrum mit 300 MW für KI-Training.', 'Vorstandschef Jan Weber sagte, der Strom komme aus einem neuen Windpark, weil das Netz ausgelastet sei.', 'Die zweite Halle soll 2028 öffnen.'];
    expect(generateFaqs({ ...sourceOf(german), language: 'de' })).toEqual([]);
  });
});
