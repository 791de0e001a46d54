/**
 * URLs as every stage reads them from source text.
 *
 * Rules: RFC 3986 resolution (WHATWG URL); only an absolute http(s) result is
 * kept, so a hostile reference can never become a javascript:, data: or file: URL.
 */

/** `ref` resolved against `base`; an absolute http(s) URL or undefined. */
export function httpUrl(ref: string, base?: string): string | undefined {
  try {
    const url = new URL(ref.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
