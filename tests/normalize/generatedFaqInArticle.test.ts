/** The generated FAQ as toArticle builds it: only for an article without its own FAQ, only when it adds to the summary. */
import { describe, expect, it } from 'vitest';
import { articleFrom } from '../helpers/articles.js';

const BODY = [
  'Helios Data signed a 500 MW nuclear power purchase agreement for its Ohio AI campus on Tuesday, securing firm power for the first phase of the site.',
  'The twenty-year deal with the plant\'s owner covers every building of the first phase, and both sides can extend it by ten years.',
  'Chief executive Lisa Su said on a call with analysts on Nov. 4 that the accelerators for the campus were already allocated to customers.',
  'The campus will host 40,000 GPUs, and the agreement is worth $2.1 billion over its term.',
  'The second phase is scheduled to open in 2028.',
];

describe('generated FAQ in toArticle', () => {
  it('is built only when the article has no FAQ, never repeats the summary, and can be turned off', () => {
    const body = BODY.map((p) => `<p>${p}</p>`).join('');
    const article = articleFrom(body);
    expect(article.faqs.map((f) => f.question)).toEqual(['Who is involved?', 'What are the numbers?', 'What happens next?']);
    expect(article.faqs.every((f) => f.generated)).toBe(true);
    for (const f of article.faqs) expect(article.summary).not.toContain(f.answer);
    expect(article.faqs[0]!.answer).toBe(BODY[2]);
    expect(articleFrom(body, { generateFaqs: false }).faqs).toEqual([]);
    const withFaq = articleFrom(`${body}<p>FAQ</p><p>Q: Is it firm? A: Yes.</p>`);
    expect(withFaq.faqs).toEqual([{ question: 'Is it firm?', answer: 'Yes.' }]);
  });

  it('gives no FAQ to a short article its summary already tells', () => {
    const article = articleFrom('<p>Orbital Compute added 20,000 H200 GPUs to its Texas cluster on Friday, the company said.</p><p>The expansion means the site now draws 150 MW.</p>');
    expect(article.faqs).toEqual([]);
  });
});
