/**
 * People and organisations named in a sentence, read by compromise (a
 * maintained English NLP library; its tagger, `compromise/two`, whose
 * #Person and #Organization tags are what `people()` and `organizations()`
 * of the full build read), not guessed from capital letters.
 *
 * Rules:
 * - compromise is loaded once per thread: on the main thread the first time an
 *   article needs it, in a parse worker before the worker says it is ready
 *   (`loadFaqTools`), so the load (about 20 MB of heap, up to seconds on a
 *   busy machine) never counts against a body's `pool.taskTimeoutMs`.
 * - Names are returned as written, without trailing punctuation or a
 *   possessive "'s"; each once.
 */
import { createRequire } from 'node:module';
import type nlpType from 'compromise/two';

type Nlp = typeof nlpType;

let nlp: Nlp | undefined;

/** compromise, loaded on first use (`require` keeps normalize synchronous). */
function library(): Nlp {
  nlp ??= createRequire(import.meta.url)('compromise/two') as Nlp;
  return nlp;
}

/** Loads the entity reader now (a parse worker, before its first body; see generatedFaq.ts `loadFaqTools`). */
export function loadEntityReader(): void {
  library();
}

export interface NamedEntities {
  people: string[];
  organizations: string[];
}

function cleanName(text: string): string {
  return text.replace(/[’']s$/u, '').replace(/[\s,.;:!?)"”’]+$/u, '').replace(/^[\s("“‘]+/u, '').replace(/[’']s$/u, '');
}

function uniqueNames(names: string[]): string[] {
  return [...new Set(names.map(cleanName).filter((name) => name.length > 1))];
}

/** The people and organisations compromise finds in `text`. */
export function namedEntities(text: string): NamedEntities {
  const doc = library()(text);
  return { people: uniqueNames(doc.match('#Person+').out('array') as string[]), organizations: uniqueNames(doc.match('#Organization+').out('array') as string[]) };
}
