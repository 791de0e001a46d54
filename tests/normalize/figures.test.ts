import { describe, expect, it } from 'vitest';
import { extractFigures } from '../../src/normalize/index.js';
import { articleFrom } from '../helpers/articles.js';

describe('key figures', () => {
  it('reads money in dollars, euros and pounds with scale words and abbreviations', () => {
    expect(extractFigures(['Nscale raises $1.9 billion at a $14.6 billion valuation; €2bn from banks, £500m in debt and US$3.10 an hour.'])).toEqual([
      { kind: 'money', value: 1.9e9, unit: 'USD', text: '$1.9 billion' },
      { kind: 'money', value: 14.6e9, unit: 'USD', text: '$14.6 billion' },
      { kind: 'money', value: 2e9, unit: 'EUR', text: '€2bn' },
      { kind: 'money', value: 500e6, unit: 'GBP', text: '£500m' },
      { kind: 'money', value: 3.1, unit: 'USD', text: 'US$3.10' },
    ]);
  });

  it('reads power in MW and GW (in watts), not energy in MWh', () => {
    expect(extractFigures(['A 300 MW campus, a 1 GW supply deal, a 1.5-gigawatt site and a 50 MWh battery.'])).toEqual([
      { kind: 'power', value: 300e6, unit: 'W', text: '300 MW' },
      { kind: 'power', value: 1e9, unit: 'W', text: '1 GW' },
      { kind: 'power', value: 1.5e9, unit: 'W', text: '1.5-gigawatt' },
    ]);
  });

  it('reads GPU counts by model, with or without vendor and noun', () => {
    expect(extractFigures(['Orbital switches on 100,000 H100s, then 16,000 Nvidia GB200 chips, 52,000 GPUs and 8 thousand AMD MI300X accelerators.'])).toEqual([
      { kind: 'compute', value: 100_000, unit: 'H100', text: '100,000 H100s' },
      { kind: 'compute', value: 16_000, unit: 'GB200', text: '16,000 Nvidia GB200 chips' },
      { kind: 'compute', value: 52_000, unit: 'GPU', text: '52,000 GPUs' },
      { kind: 'compute', value: 8_000, unit: 'MI300X', text: '8 thousand AMD MI300X accelerators' },
    ]);
  });

  it('lists a GPU count once when the article also names the model', () => {
    expect(extractFigures(['Nscale wins a contract for 52,000 GPUs.', 'About 52,000 Nvidia GB300 GPUs, of which 18,000 GPUs first.']).map((f) => f.text)).toEqual([
      '52,000 Nvidia GB300 GPUs',
      '18,000 GPUs',
    ]);
  });

  it('reads percentages', () => {
    expect(extractFigures(['Up 12% and 3.5 percent, margins at 40 per cent.']).map((f) => [f.value, f.unit])).toEqual([
      [12, '%'],
      [3.5, '%'],
      [40, '%'],
    ]);
  });

  it('never guesses a bare number, and lists a figure once', () => {
    expect(extractFigures(['In 2026 the 3nm chip had 12 cores and 400 engineers.'])).toEqual([]);
    expect(extractFigures(['$2 billion.', 'Again: $2 billion.'])).toHaveLength(1);
  });

  it('fills the model from the title, the paragraphs and the FAQ answers', () => {
    const article = articleFrom('<p>The site draws 300 MW.</p><h2>FAQ</h2><h3>How much?</h3><p>$5 billion.</p>', {}, { title: 'Orbital buys 20,000 H200s' });
    expect(article.figures.map((f) => f.text)).toEqual(['$5 billion', '300 MW', '20,000 H200s']);
  });
});
