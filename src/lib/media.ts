/**
 * Media types of enclosures and images, read the same way by parse (is a
 * media:content an image?), normalize (which image is the entry's) and publish
 * (RSS's one enclosure is the first audio or video).
 *
 * Rules:
 * - A declared type counts when it is a MIME media type (`type/subtype`); it is
 *   kept lower-cased without parameters ("Audio/MPEG; x=y" → "audio/mpeg").
 * - Without one, the URL's file extension names the type, from a short table of
 *   the formats podcasts and news sites send; otherwise the type is unknown.
 * - The medium is the type's top level (image, audio, video), else `other`.
 */

/** The type published for a file when neither the source nor the URL's extension names one (RSS and JSON Feed require a type). */
export const UNKNOWN_MEDIA_TYPE = 'application/octet-stream';

/** The kind of a media object: what decides where it is published. */
export type Medium = 'image' | 'audio' | 'video' | 'other';

const MEDIA_TYPE = /^([a-z0-9][a-z0-9!#$&^_.+-]{0,126})\/([a-z0-9][a-z0-9!#$&^_.+-]{0,126})$/;

/** File extensions of the media feeds link, and their types. */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  m4v: 'video/x-m4v',
  mov: 'video/quicktime',
  webm: 'video/webm',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  pdf: 'application/pdf',
};

/** A declared media type, normalized; undefined when it is not one. */
export function declaredMediaType(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const type = value.split(';', 1)[0]!.trim().toLowerCase();
  return MEDIA_TYPE.test(type) ? type : undefined;
}

/** The type named by the URL's file extension, if the table knows it. */
function typeByExtension(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const extension = /\.([a-z0-9]{2,5})$/i.exec(path)?.[1];
  return extension ? BY_EXTENSION[extension.toLowerCase()] : undefined;
}

/** The declared type, else the one the URL's extension names. */
export function mediaTypeOf(url: string, declared?: string): string | undefined {
  return declaredMediaType(declared) ?? typeByExtension(url);
}

/** The medium of a media type (see the rules above). */
export function mediumOf(type: string | undefined): Medium {
  const top = type?.split('/', 1)[0];
  return top === 'image' || top === 'audio' || top === 'video' ? top : 'other';
}
