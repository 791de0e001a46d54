import { describe, expect, it } from 'vitest';
import { articleFrom, fixture } from '../helpers/articles.js';
import type { Article, Faq } from '../../src/model/index.js';

/** The FAQ text must be in the FAQ only: not in the paragraphs, not in the body HTML. */
function expectNoLeak(article: Article, fragments: string[]): void {
  for (const fragment of fragments) {
    for (const p of article.paragraphs) expect(p, `paragraph leaks "${fragment}"`).not.toContain(fragment);
    expect(article.bodyHtml ?? '', `body HTML leaks "${fragment}"`).not.toContain(fragment);
  }
}

const cases: { name: string; fixture: string; faqs: Faq[]; paragraphs: string[]; leaks: string[] }[] = [
  {
    name: 'plain-text heading then Q:/A: and Question:/Answer: pairs (HTML)',
    fixture: 'faq-plain-qa.html',
    faqs: [
      { question: 'How much power does the agreement cover?', answer: '500 MW of round-the-clock nuclear output.' },
      { question: 'When does supply start?', answer: 'In the second half of 2027, plan A: phase one first.' },
    ],
    paragraphs: [
      'Helios Data signed a 500 MW nuclear power purchase agreement for its Ohio AI campus, the company said on Tuesday.',
      'The deal runs for twenty years.',
    ],
    leaks: ['Frequently asked', 'Q:', 'Answer:', 'round-the-clock', 'second half'],
  },
  {
    name: 'plain text (no markup): FAQs line then Q:/A: lines',
    fixture: 'faq-plain-qa.txt',
    faqs: [
      { question: 'How large is the solar project?', answer: '400 MW of panels with storage.' },
      { question: 'When will the site receive power?', answer: 'From early 2028.' },
    ],
    paragraphs: ['Lambda lined up 400 MW of solar and storage for an Arizona data center.', 'The project pairs panels with four-hour batteries.'],
    leaks: ['FAQs', 'Q:', 'early 2028'],
  },
  {
    name: 'FAQ heading then numbered questions with multi-paragraph answers',
    fixture: 'faq-numbered.html',
    faqs: [
      { question: 'What did Vectrix announce?', answer: 'The tape-out of its first 3nm design.' },
      { question: 'When will samples ship?', answer: 'To early customers in the spring. Volume follows in the autumn.' },
    ],
    paragraphs: ['Vectrix Silicon taped out its first 3nm inference chip.'],
    leaks: ['FAQ', 'samples', 'autumn', '<p></p>'],
  },
  {
    name: 'h2 FAQ heading, h3 questions with answer elements, up to the next section',
    fixture: 'faq-headings.html',
    faqs: [
      { question: 'Where are the new sites?', answer: 'One is near Luleå, the other near Oulu.' },
      { question: 'How are they cooled?', answer: 'With outside air most of the year. Liquid cooling for the densest racks.' },
    ],
    paragraphs: [
      'CoreWeave expands in the Nordics with two new sites in Sweden and Finland.',
      'About CoreWeave',
      'CoreWeave runs GPU clouds in North America and Europe.',
    ],
    leaks: ['FAQ', 'Luleå', 'outside air', 'Liquid cooling'],
  },
  {
    name: '<dl> with question <dt>s (a glossary <dl> stays body text)',
    fixture: 'faq-dl.html',
    faqs: [
      { question: 'How much is Arcadia investing?', answer: '$22 billion over six years.' },
      { question: 'How many jobs will the fab create?', answer: 'About 3,000 permanent jobs. Plus 7,000 construction jobs.' },
    ],
    paragraphs: [
      'Arcadia Semiconductor commits $22 billion to a new fab in central Ohio.',
      'The first wafers are due in 2029.',
      'Glossary',
      'Fab',
      'A chip factory.',
    ],
    leaks: ['six years', 'permanent jobs', 'construction jobs'],
  },
  {
    name: '<details>/<summary> questions (a "Read more" disclosure stays body text)',
    fixture: 'faq-details.html',
    faqs: [
      { question: 'Which regions offer the instances?', answer: 'Virginia and Frankfurt at launch.' },
      { question: 'Is there a minimum commitment?', answer: 'No, billing is per minute.' },
    ],
    paragraphs: ['Tessellate Cloud opens on-demand B200 GPU instances at $3.10 an hour.', 'Read the full price list', 'B200: $3.10 an hour.'],
    leaks: ['Frankfurt', 'per minute', 'minimum commitment'],
  },
  {
    name: 'schema.org FAQPage JSON-LD in @graph (its visible copy is removed, broken JSON-LD ignored)',
    fixture: 'faq-jsonld.html',
    faqs: [
      { question: 'How many GPUs does the contract cover?', answer: '52,000 GPUs & the networking for them.' },
      { question: 'Where will they run?', answer: 'At a new site in Texas.' },
    ],
    paragraphs: ['Nscale wins a Microsoft contract for 52,000 GPUs at a new Texas site.', 'Deployment starts next quarter.'],
    leaks: ['networking', 'contract cover', 'FAQPage', 'not json'],
  },
];

describe('FAQ extraction, one fixture per form', () => {
  for (const c of cases) {
    it(c.name, () => {
      const article = articleFrom(fixture(c.fixture));
      expect(article.faqs).toEqual(c.faqs);
      expect(article.paragraphs).toEqual(c.paragraphs);
      expectNoLeak(article, c.leaks);
    });
  }

  it('keeps the body HTML of the non-FAQ parts', () => {
    expect(articleFrom(fixture('faq-headings.html')).bodyHtml).toBe(
      '<p>CoreWeave expands in the Nordics with two new sites in Sweden and Finland.</p>\n' +
        '<h2>About CoreWeave</h2>\n<p>CoreWeave runs GPU clouds in North America and Europe.</p>',
    );
    expect(articleFrom(fixture('faq-numbered.html')).bodyHtml).toBe('<p>Vectrix Silicon taped out its first 3nm inference chip.</p>');
  });

  it('never marks an extracted FAQ as generated, and never adds generated pairs to it', () => {
    for (const c of cases) {
      const article = articleFrom(fixture(c.fixture), { generateFaqs: true });
      expect(article.faqs.every((f) => f.generated === undefined), c.fixture).toBe(true);
    }
  });
});
