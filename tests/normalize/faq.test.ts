import { describe, expect, it } from 'vitest';
import { splitFaq } from '../../src/normalize/index.js';

describe('splitFaq', () => {
  it('splits Q and A in separate blocks', () => {
    const result = splitFaq(['Intro.', 'Body.', 'FAQ', 'Q: Who?', 'A: Them.', 'Q: When?', 'A: Now.']);
    expect(result).toEqual({
      paragraphs: ['Intro.', 'Body.'],
      faqs: [
        { question: 'Who?', answer: 'Them.' },
        { question: 'When?', answer: 'Now.' },
      ],
    });
  });

  it('splits pairs flattened into one block', () => {
    const result = splitFaq(['Intro.', 'FAQs:', 'Q: Who? A: Them. Q: Why? A: Because.']);
    expect(result.paragraphs).toEqual(['Intro.']);
    expect(result.faqs).toEqual([
      { question: 'Who?', answer: 'Them.' },
      { question: 'Why?', answer: 'Because.' },
    ]);
  });

  it('accepts one pair per block (lines joined by htmlToBlocks)', () => {
    const result = splitFaq(['Intro.', 'frequently asked questions:', 'Q: Who? A: Them.', 'Q: Why? A: Because.']);
    expect(result.faqs).toEqual([
      { question: 'Who?', answer: 'Them.' },
      { question: 'Why?', answer: 'Because.' },
    ]);
  });

  it('accepts Question:/Answer: markers', () => {
    const result = splitFaq(['Intro.', 'Frequently Asked Questions', 'Question: Is it fast?', 'Answer: Yes.']);
    expect(result).toEqual({ paragraphs: ['Intro.'], faqs: [{ question: 'Is it fast?', answer: 'Yes.' }] });
  });

  it('accepts the heading and the first question in one block', () => {
    const result = splitFaq(['Intro.', 'FAQ Q: Who? A: Them.']);
    expect(result).toEqual({ paragraphs: ['Intro.'], faqs: [{ question: 'Who?', answer: 'Them.' }] });
  });

  it('continues a multi-block answer until the next question', () => {
    const result = splitFaq(['Intro.', 'FAQ', 'Q: How?', 'A: First part.', 'Second part.', 'Q: Next?', 'A: Done.']);
    expect(result.faqs).toEqual([
      { question: 'How?', answer: 'First part. Second part.' },
      { question: 'Next?', answer: 'Done.' },
    ]);
  });

  it('keeps "A:" inside an answer as text', () => {
    const result = splitFaq(['FAQ', 'Q: Which plan?', 'A: Plan A: the cheap one.']);
    expect(result.faqs).toEqual([{ question: 'Which plan?', answer: 'Plan A: the cheap one.' }]);
  });

  it('returns blocks unchanged when the heading has no valid pair', () => {
    const noPairs = ['Intro.', 'FAQ', 'Just some text.'];
    expect(splitFaq(noPairs)).toEqual({ paragraphs: noPairs, faqs: [] });
    const noAnswer = ['Intro.', 'FAQ', 'Q: Who?'];
    expect(splitFaq(noAnswer)).toEqual({ paragraphs: noAnswer, faqs: [] });
    const emptyAnswer = ['Intro.', 'FAQ', 'Q: Who? A:', 'Q: Why? A: Because.'];
    expect(splitFaq(emptyAnswer)).toEqual({ paragraphs: emptyAnswer, faqs: [] });
    const headingOnly = ['Intro.', 'FAQ'];
    expect(splitFaq(headingOnly)).toEqual({ paragraphs: headingOnly, faqs: [] });
  });

  it('does not treat text that merely starts with "FAQ" as a heading', () => {
    const blocks = ['FAQ pages are popular.', 'Q: is a letter.'];
    expect(splitFaq(blocks)).toEqual({ paragraphs: blocks, faqs: [] });
  });

  it('returns blocks unchanged with no heading', () => {
    const blocks = ['Q: Who?', 'A: Them.'];
    expect(splitFaq(blocks)).toEqual({ paragraphs: blocks, faqs: [] });
  });

  it('never leaks FAQ text into paragraphs', () => {
    const { paragraphs, faqs } = splitFaq(['Body text.', 'FAQ:', 'Q: Secret question?', 'A: Secret answer.', 'Tail.']);
    expect(paragraphs).toEqual(['Body text.']);
    expect(paragraphs.join(' ')).not.toMatch(/Secret|FAQ|Tail/);
    expect(faqs).toEqual([{ question: 'Secret question?', answer: 'Secret answer. Tail.' }]);
  });

  it('does not mutate its input', () => {
    const blocks = ['Intro.', 'FAQ', 'Q: a? A: b.'];
    const copy = [...blocks];
    splitFaq(blocks);
    expect(blocks).toEqual(copy);
  });
});
