/** What another outlet's report adds to a story's lead (src/curate/coverage.ts). */
import { describe, expect, it } from 'vitest';
import { relatedReports, whatReportAdds } from '../../src/curate/index.js';
import type { Figure } from '../../src/model/index.js';

const gw = (value: number, text: string): Figure => ({ kind: 'power', value, unit: 'W', text, display: text });
const usd = (value: number, text: string): Figure => ({ kind: 'money', value, unit: 'USD', text, display: text });

const lead = {
  title: 'Helios Data signs 1.2 GW nuclear deal for Ohio AI campus',
  summary: 'Helios Data signed a twenty-year power purchase agreement with Ohio Valley Nuclear for 1.2 GW.',
  paragraphs: ['The first phase of the campus opens in 2027.'],
  figures: [gw(1.2e9, '1.2 GW')],
};

describe('whatReportAdds', () => {
  it('names a key figure the lead does not state, first', () => {
    expect(whatReportAdds(lead, { summary: 'The deal is worth $2.1 billion, people familiar said.', figures: [gw(1.2e9, '1,200 megawatts'), usd(2.1e9, '$2.1 billion')] })).toBe('$2.1 billion');
  });

  it('else a sentence of its summary the lead does not already say', () => {
    const report = { summary: 'Helios Data signed a power deal with Ohio Valley Nuclear. Regulators in Columbus must still approve the transmission line to Piketon.', figures: [gw(1.2e9, '1.2 gigawatts')] };
    expect(whatReportAdds(lead, report)).toBe('Regulators in Columbus must still approve the transmission line to Piketon.');
  });

  it('adds nothing when the report only retells the lead', () => {
    expect(whatReportAdds(lead, { summary: 'Helios Data has signed a 1.2 GW nuclear power purchase agreement with Ohio Valley Nuclear for its Ohio AI campus.', figures: [gw(1.2e9, '1.2 GW')] })).toBeUndefined();
  });

  it('keeps who and when, and drops the report\'s own summary and figures from what is published', () => {
    const [related] = relatedReports(lead, [{ url: 'https://grid.example/a', title: 'Ohio nuclear deal', source: 'gridpost', outlet: 'The Grid Post', published: '2026-11-27T14:05:00.000Z', summary: '', figures: [usd(2.1e9, '$2.1 billion')] }]);
    expect(related).toEqual({ url: 'https://grid.example/a', title: 'Ohio nuclear deal', source: 'gridpost', outlet: 'The Grid Post', published: '2026-11-27T14:05:00.000Z', adds: '$2.1 billion' });
  });
});
