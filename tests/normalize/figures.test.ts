/**
 * Key figures on trade-press copy: forms, ranges, decimal commas by language,
 * what a percentage measures, rates, display units, code left out, and the
 * article's most salient figures. Sentences are written for these tests.
 */
import { describe, expect, it } from 'vitest';
import { extractFigures, keyFigures, MAX_KEY_FIGURES } from '../../src/normalize/index.js';
import { entryContentHtml } from '../../src/publish/html.js';
import { articleFrom } from '../helpers/articles.js';

const shown = (texts: string[], language?: string) => extractFigures(texts, language).map((f) => f.display);

describe('key figures', () => {
  it('reads money in dollars, euros and pounds with scale words and abbreviations', () => {
    expect(extractFigures(['Nscale raises $1.9 billion at a $14.6 billion valuation; €2bn from banks, £500m in debt and US$3.10 on the spot market.'])).toEqual([
      { kind: 'money', value: 1.9e9, unit: 'USD', text: '$1.9 billion', display: '$1.9 billion' },
      { kind: 'money', value: 14.6e9, unit: 'USD', text: '$14.6 billion', display: '$14.6 billion' },
      { kind: 'money', value: 2e9, unit: 'EUR', text: '€2bn', display: '€2 billion' },
      { kind: 'money', value: 500e6, unit: 'GBP', text: '£500m', display: '£500 million' },
      { kind: 'money', value: 3.1, unit: 'USD', text: 'US$3.10', display: '$3.10' },
    ]);
  });

  it('reads power in MW and GW (in watts), not energy in MWh', () => {
    expect(extractFigures(['A 300 MW campus, a 1 GW supply deal, a 1.5-gigawatt site and a 50 MWh battery.']).map((f) => [f.value, f.text])).toEqual([
      [300e6, '300 MW'],
      [1e9, '1 GW'],
      [1.5e9, '1.5-gigawatt'],
    ]);
  });

  it('reads GPU counts by model, with or without vendor and noun', () => {
    expect(extractFigures(['Orbital switches on 100,000 H100s, then 16,000 Nvidia GB200 chips, 52,000 GPUs and 8 thousand AMD MI300X accelerators.']).map((f) => [f.value, f.unit, f.text])).toEqual([
      [100_000, 'H100', '100,000 H100s'],
      [16_000, 'GB200', '16,000 Nvidia GB200 chips'],
      [52_000, 'GPU', '52,000 GPUs'],
      [8_000, 'MI300X', '8 thousand AMD MI300X accelerators'],
    ]);
  });

  it('lists a GPU count once when the article also names the model', () => {
    expect(extractFigures(['Nscale wins a contract for 52,000 GPUs.', 'About 52,000 Nvidia GB300 GPUs, of which 18,000 GPUs first.']).map((f) => f.text)).toEqual([
      '52,000 Nvidia GB300 GPUs',
      '18,000 GPUs',
    ]);
  });

  it('never guesses a bare number, and lists a figure once', () => {
    expect(extractFigures(['In 2026 the 3nm chip had 12 cores and 400 engineers.'])).toEqual([]);
    expect(extractFigures(['$2 billion.', 'Again: $2 billion.'])).toHaveLength(1);
  });
});

describe('a figure written as one hyphenated word', () => {
  it.each([
    ['Crusoe closes a $2-billion round led by pension funds.', { kind: 'money', value: 2e9, text: '$2-billion', display: '$2 billion' }],
    ['The bank arranged a €500-million loan for the Hessen site.', { kind: 'money', value: 500e6, unit: 'EUR', display: '€500 million' }],
    ['Plans for a 40,000-GPU campus outside Abilene were filed.', { kind: 'compute', value: 40_000, unit: 'GPU', text: '40,000-GPU', display: '40,000 GPUs' }],
    ['It is wiring a 100,000-H100 cluster in Memphis.', { kind: 'compute', value: 100_000, unit: 'H100', display: '100,000 H100 GPUs' }],
  ])('%s', (sentence, expected) => {
    const figures = extractFigures([sentence]);
    expect(figures).toHaveLength(1);
    expect(figures[0]).toMatchObject(expected);
  });

  it('"$2-3 billion" stays a range and "a $5-billion plan to 2030" no range', () => {
    expect(shown(['A $2-3 billion raise is expected.'])).toEqual(['$2–3 billion']);
    expect(shown(['It unveiled a $5-billion plan to 2030 for Ohio.'])).toEqual(['$5 billion']);
  });
});

describe('ranges are one figure', () => {
  it.each([
    ['Capex guidance moves to $60–65 billion for the year.', { kind: 'money', value: 60e9, max: 65e9, text: '$60–65 billion', display: '$60–65 billion' }],
    ['The company now expects $60-$65 billion in capital spending.', { kind: 'money', value: 60e9, max: 65e9, text: '$60-$65 billion', display: '$60–65 billion' }],
    ['It lifted its forecast, up from $64-72 billion.', { kind: 'money', value: 64e9, max: 72e9, display: '$64–72 billion' }],
    ['Analysts put spending at $60 billion to $65 billion.', { kind: 'money', value: 60e9, max: 65e9, text: '$60 billion to $65 billion', display: '$60–65 billion' }],
    ['Inference could be 60 to 65 percent of demand by 2028.', { kind: 'percent', value: 60, max: 65, text: '60 to 65 percent', display: '60–65%' }],
    ['Each phase will draw between 300 and 400 MW from the grid.', { kind: 'power', value: 300e6, max: 400e6, text: 'between 300 and 400 MW', display: '300–400 MW' }],
    ['A 300–400 MW first phase.', { kind: 'power', value: 300e6, max: 400e6, text: '300–400 MW', display: '300–400 MW' }],
  ])('%s', (sentence, expected) => {
    const figures = extractFigures([sentence]);
    expect(figures).toHaveLength(1);
    expect(figures[0]).toMatchObject(expected);
  });

  it('"from … to …" is a change, two figures; "$5 billion to 2030" is no range', () => {
    expect(shown(['Utilisation rose from 60 to 65 percent.'])).toEqual(['65%']);
    expect(shown(['Revenue grew from $10 billion to $15 billion.'])).toEqual(['$10 billion', '$15 billion']);
    expect(shown(['It commits $5 billion to 2030 and beyond.'])).toEqual(['$5 billion']);
    expect(shown(['Utilisation rose 5% to 72%.'])).toEqual(['5%', '72%']);
    expect(shown(['Guidance was raised $2 billion to $9 billion.'])).toEqual(['$2 billion', '$9 billion']);
  });
});

describe('numbers are read by the item\'s language', () => {
  it('a decimal comma in German and French; a thousands point in German', () => {
    expect(extractFigures(['Die Marge stieg um 0,68% im Quartal.'], 'de')[0]).toMatchObject({ kind: 'percent', value: 0.68, display: '0.68%' });
    expect(extractFigures(['La part atteint 0,68 % du marché.'], 'fr-FR')[0]).toMatchObject({ value: 0.68 });
    expect(extractFigures(['Der Netzanschluss umfasst 1.200 MW.'], 'de-DE')[0]).toMatchObject({ kind: 'power', value: 1.2e9, display: '1.2 GW' });
    expect(extractFigures(['Der Campus kostet 2,5 Milliarden Euro.'], 'de')[0]).toMatchObject({ kind: 'money', value: 2.5e9, unit: 'EUR', display: '€2.5 billion' });
  });

  it('a thousands comma in English', () => {
    expect(extractFigures(['The grid connection is for 1,200 MW.'], 'en-US')[0]).toMatchObject({ value: 1.2e9, display: '1.2 GW' });
  });

  it('without a language the shape decides, and "0,68%" is never 68', () => {
    expect(extractFigures(['Yield up 0,68% on the week.'])[0]).toMatchObject({ value: 0.68 });
    expect(extractFigures(['A 1,200 MW link.'])[0]).toMatchObject({ value: 1.2e9 });
    expect(extractFigures(['Ein Plus von 12,5 Prozent.'])[0]).toMatchObject({ value: 12.5 });
  });

  it('the article reads its figures in the language the feed gave the item', () => {
    const body = '<p>Der Betreiber meldet eine Auslastung von 0,68 % und plant 1.200 MW.</p>';
    const german = articleFrom(body, {}, { title: 'Rechenzentrum in Hessen', language: 'de' });
    expect(german.language).toBe('de');
    expect(german.figures.map((f) => f.display)).toEqual(['0.68%', '1.2 GW']);
    expect(articleFrom(body, {}, { title: 'Rechenzentrum in Hessen' }).figures.map((f) => f.display)).toEqual(['0.68%', '1.2 MW']);
  });
});

describe('percentages say what they measure', () => {
  it.each([
    ['Data center revenue rose 12% from a year earlier.', 'growth'],
    ['Shares fell 4% after the call.', 'decline'],
    ['Microsoft takes a 15% stake in the startup.', 'stake'],
    ['Nvidia holds a market share of 30% in accelerators.', 'share'],
    ['Gross margin of 74% beat guidance.', 'margin'],
    ['The cluster ran with utilisation at 85% through the quarter.', 'utilisation'],
    ['Average GPU utilization was 70 percent.', 'utilisation'],
    ['About 40% of the new capacity sits in Texas.', 'percent'],
    ['Its share climbed to 30%.', 'share'],
    ['Oracle keeps a 40% interest in the venture.', 'stake'],
    ['Die Auslastung lag bei 0,85 Prozent über Plan.', 'utilisation'],
  ])('%s → %s', (sentence, measure) => {
    expect(extractFigures([sentence])[0]).toMatchObject({ kind: 'percent', measure });
  });

  it('published as "Growth: 12%", never every percentage as "Share"', () => {
    const article = articleFrom('<p>Revenue rose 12% while gross margin of 74% held and a 15% stake changed hands; 40% of it is leased.</p>', {}, { title: 'Quarter' });
    const html = entryContentHtml(article);
    for (const line of ['Growth: 12%', 'Margin: 74%', 'Stake: 15%', 'Percent: 40%']) expect(html).toContain(`<li>${line}</li>`);
    expect(html).not.toContain('Share:');
  });
});

describe('rates keep their unit', () => {
  it.each([
    ['H100s rent for $3.10 per GPU-hour on the spot market.', '$3.10 per GPU-hour', 'GPU-hour', '$3.10 per GPU-hour'],
    ['Older cards go for $2 an hour.', '$2 an hour', 'hour', '$2 per hour'],
    ['The utility offers $0.08/kWh for ten years.', '$0.08/kWh', 'kWh', '$0.08 per kWh'],
    ['Racks are designed for 130 kW per rack.', '130 kW per rack', 'rack', '130 kW per rack'],
  ])('%s', (sentence, text, per, display) => {
    expect(extractFigures([sentence])[0]).toMatchObject({ text, per, display });
  });

  it('a rate is not the same figure as the amount alone', () => {
    expect(shown(['It costs $2 an hour, or $2 for a trial.'])).toEqual(['$2 per hour', '$2']);
  });
});

describe('units normalized for display', () => {
  it('power in the largest unit it reaches, compute as count and chip', () => {
    expect(shown(['A 1,200 megawatts campus; another of 1.2 gigawatts; a third of 300 megawatts and 0.5 GW.'])).toEqual(['1.2 GW', '300 MW', '500 MW']);
    expect(shown(['It runs 100,000 Nvidia H100s and 2,000 GPUs.'])).toEqual(['100,000 H100 GPUs', '2,000 GPUs']);
  });
});

describe('code is not prose', () => {
  it('numbers in code, pre, kbd and samp are no figures', () => {
    const article = articleFrom(
      '<p>Spot H100 capacity now lists at $3.10 per GPU-hour.</p>' +
        '<pre><code>$ gpuctl bid --max-price $2.49 --count 512 # 80% cap</code></pre>' +
        '<p>Run <code>quote --floor $1.99</code> or press <kbd>$5</kbd>; the tool prints <samp>$7.25 per hour</samp>.</p>',
      {},
      { title: 'GPU rental prices slide' },
    );
    expect(article.figures.map((f) => f.text)).toEqual(['$3.10 per GPU-hour']);
    // The body keeps its code.
    expect(article.bodyHtml).toContain('$2.49');
  });
});

describe('the most salient figures', () => {
  it(`keeps at most ${MAX_KEY_FIGURES}: title first, then the lede, then by repetition`, () => {
    const filler = Array.from({ length: 44 }, (_, n) => `Region ${n + 1} reported ${n + 1}.5% vacancy.`);
    const figures = keyFigures({
      title: 'Nscale raises $1.1 billion for 300 MW',
      lede: 'The round values it at $3 billion.',
      body: ['The round values it at $3 billion.', ...filler, 'The 50,000 GPUs arrive in 2026.', 'Again, 50,000 GPUs.', 'All 50,000 GPUs are GB300s? No: 50,000 GPUs.'],
    });
    expect(figures).toHaveLength(MAX_KEY_FIGURES);
    expect(figures.map((f) => f.display).slice(0, 5)).toEqual(['$1.1 billion', '300 MW', '$3 billion', '50,000 GPUs', '1.5%']);
  });

  it('an article lists its key figures most salient first', () => {
    const article = articleFrom('<p>The site draws 300 MW.</p><p>Power is 300 MW at full build.</p><h2>FAQ</h2><h3>How much?</h3><p>$5 billion.</p>', {}, { title: 'Orbital buys 20,000 H200s' });
    expect(article.figures.map((f) => f.text)).toEqual(['20,000 H200s', '300 MW', '$5 billion']);
  });
});
