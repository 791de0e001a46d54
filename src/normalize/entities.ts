/**
 * People and organisations named in a sentence, read by compromise (a
 * maintained English NLP library), not guessed from capital letters.
 *
 * Rules:
 * - compromise is loaded lazily, once per thread (a parse worker loads it the
 *   first time an article needs it): about 20 MB of heap and, on an idle core,
 *   well under a second. Articles with their own FAQ, or without a sentence
 *   that names a role, never load it.
 * - Names are returned as written, without trailing punctuation or a
 *   possessive "'s"; each once.
 */
import { createRequire } from 'node:module';
import type nlpType from 'compromise';

type Nlp = typeof nlpType;

let nlp: Nlp | undefined;

/** compromise, loaded on first use (`require` keeps normalize synchronous). */
function library(): Nlp {
  nlp ??= createRequire(import.meta.url)('compromise') as Nlp;
  return nlp;
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
  return { people: uniqueNames(doc.people().out('array') as string[]), organizations: uniqueNames(doc.organizations().out('array') as string[]) };
}
