/** A document that is not a usable feed; the message is shown to operators as the source's error. */
export class ParseError extends Error {
  override name = 'ParseError';
}
