import { describe, expect, it } from 'vitest';
import { generateFaqs, splitSentences } from '../../src/normalize/index.js';
import { articleFrom } from '../helpers/articles.js';

const BODY = [
  'Helios Data signed a 500 MW nuclear power purchase agreement for its Ohio AI campus on Tuesday.',
  'The twenty-year deal with Ohio Valley Nuclear covers the whole first phase. "Firm power is what AI training needs," said Maria Lopez, chief executive of Helios Data.',
  'The campus will host 40,000 GPUs, and the deal is worth $2.1 billion over its term.',
  'The agreement shows that hyperscalers now compete for nuclear output years ahead.',
];

describe('generated FAQ', () => {
  it('answers each question with the article\'s own sentences, marked as generated', () => {
    const faqs = generateFaqs(BODY);
    expect(faqs).toEqual([
      { question: 'What happened?', answer: BODY[0], generated: true },
      { question: 'Who is involved?', answer: '"Firm power is what AI training needs," said Maria Lopez, chief executive of Helios Data.', generated: true },
      { question: 'What are the numbers?', answer: BODY[2], generated: true },
      { question: 'Why does it matter?', answer: BODY[3], generated: true },
    ]);
    const sentences = new Set(splitSentences(BODY));
    for (const f of faqs) {
      // answers are whole sentences of the article, never new text
      expect(splitSentences([f.answer]).every((s) => sentences.has(s)), f.question).toBe(true);
    }
  });

  it('answers "Who is involved?" only with a sentence naming someone in a role', () => {
    const weak = ['Orbital Compute switched on a new GPU cluster in Texas this week.', 'According to the filing, the first 75 MW building would be ready in 2028.',
      'The company said both sites will host Nvidia GB300 systems for customers.'];
    expect(generateFaqs(weak).map((f) => f.question)).not.toContain('Who is involved?');
    const named = [...weak, 'Chief operating officer Dani Frost said the hardest part was the power.'];
    expect(generateFaqs(named).find((f) => f.question === 'Who is involved?')?.answer).toBe(named[3]);
  });

  it('skips questions the article cannot answer', () => {
    const faqs = generateFaqs(['Orbital Compute switched on a new GPU cluster in Texas this week.']);
    expect(faqs.map((f) => f.question)).toEqual(['What happened?']);
    expect(generateFaqs([])).toEqual([]);
    expect(generateFaqs(['Too short.'])).toEqual([]);
  });

  it('keeps abbreviations and decimals inside one sentence', () => {
    expect(splitSentences(['The U.S. site costs $1.5 billion to build. It opens in 2027 with 100 MW of power.'])).toEqual([
      'The U.S. site costs $1.5 billion to build.',
      'It opens in 2027 with 100 MW of power.',
    ]);
  });

  it('is built by toArticle only when the article has no FAQ, and can be turned off', () => {
    const body = BODY.map((p) => `<p>${p}</p>`).join('');
    expect(articleFrom(body).faqs.every((f) => f.generated)).toBe(true);
    expect(articleFrom(body).faqs).toHaveLength(4);
    expect(articleFrom(body, { generateFaqs: false }).faqs).toEqual([]);
    const withFaq = articleFrom(`${body}<p>FAQ</p><p>Q: Is it firm? A: Yes.</p>`);
    expect(withFaq.faqs).toEqual([{ question: 'Is it firm?', answer: 'Yes.' }]);
  });
});
