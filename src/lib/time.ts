/** Time zones by IANA name, as the config and the date reader take them. */

/** True when `name` is an IANA time zone this Node knows ("Europe/Berlin", "UTC"). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
