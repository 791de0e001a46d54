/**
 * What each other outlet's report adds to a story's lead: the "Also reported
 * by" list a reader scans to decide whether another report is worth opening.
 *
 * Rules:
 * - A report adds a key figure the lead does not state (same kind, value,
 *   range and rate unit count as stated), the first in the report's order of
 *   salience; else the first sentence of its summary that the lead does not
 *   already say (under half of its weighted story tokens appear in the lead's
 *   title, summary and paragraphs); else nothing.
 * - Made only of the report's own figures and sentences; pure.
 */
import type { Article, CoverageReport, RelatedReport } from '../model/index.js';
import { segmentSentences } from '../normalize/index.js';
import { storyTokens, type StoryTokens } from './similarity.js';
import { sameFigureKey } from './storyFigures.js';

/** Share of a sentence's token weight that must be new for it to count as added. */
const NEW_SHARE = 0.5;
/** A sentence longer than this is cut (with "…") in the list. */
const ADDS_MAX_CHARS = 220;

/** The share of a sentence's token weight that `known` (the lead's tokens, and what was added already) does not hold. */
export function newShare(sentence: StoryTokens, known: { has(token: string): boolean }): number {
  let total = 0;
  let fresh = 0;
  for (const [token, weight] of sentence) {
    total += weight;
    if (!known.has(token)) fresh += weight;
  }
  return total ? fresh / total : 0;
}

function shortened(sentence: string): string {
  return sentence.length <= ADDS_MAX_CHARS ? sentence : `${sentence.slice(0, ADDS_MAX_CHARS - 1).trimEnd()}…`;
}

type Lead = Pick<Article, 'title' | 'summary' | 'paragraphs' | 'figures'>;

/** What the lead states, read once for all its reports: its figures and its story tokens. */
function leadStatement(lead: Lead): { figures: Set<string>; tokens: StoryTokens } {
  return { figures: new Set(lead.figures.map(sameFigureKey)), tokens: storyTokens(lead.title, [lead.summary, ...lead.paragraphs].join(' ')) };
}

function addsTo(stated: ReturnType<typeof leadStatement>, report: Pick<CoverageReport, 'summary' | 'figures'>): string | undefined {
  const figure = report.figures.find((f) => !stated.figures.has(sameFigureKey(f)));
  if (figure) return figure.display || figure.text;
  const sentence = segmentSentences(report.summary).find((s) => newShare(storyTokens('', s), stated.tokens) >= NEW_SHARE);
  return sentence ? shortened(sentence) : undefined;
}

/** What `report` says that `lead` does not, or undefined. */
export function whatReportAdds(lead: Lead, report: Pick<CoverageReport, 'summary' | 'figures'>): string | undefined {
  return addsTo(leadStatement(lead), report);
}

/** The lead's related reports as published: who (the outlet's own name when known), when, and what each adds. */
export function relatedReports(lead: Lead, reports: readonly CoverageReport[]): RelatedReport[] {
  if (!reports.length) return [];
  const stated = leadStatement(lead);
  return reports.map(({ summary, figures, paragraphs: _body, language: _language, ...report }) => {
    const adds = addsTo(stated, { summary, figures });
    return { ...report, ...(adds ? { adds } : {}) };
  });
}
