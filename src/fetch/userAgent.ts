/** The User-Agent every request carries: name, version and where to learn more (publishers look for it). */
import { HOMEPAGE, VERSION } from '../model/version.js';

export const USER_AGENT = `infrawire/${VERSION} (+${HOMEPAGE})`;
