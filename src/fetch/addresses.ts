/**
 * Which network addresses a page fetch may reach: a public feed must never make
 * infrawire fetch an internal service (SSRF).
 *
 * Rules:
 * - Non-public addresses are loopback (127/8, ::1), private (10/8, 172.16/12,
 *   192.168/16, fc00::/7), link-local (169.254/16, fe80::/10, where the cloud
 *   metadata services live: 169.254.169.254, fd00:ec2::254), shared (100.64/10,
 *   Alibaba's metadata 100.100.100.200), "this network" (0/8, ::), multicast
 *   and reserved (224/4, 240/4, ff00::/8). IPv4-mapped IPv6 (::ffff:a.b.c.d)
 *   is read as its IPv4 address.
 * - A page is refused when its host resolves to a non-public address, unless
 *   that very address is one the source's own URL resolves to (a feed on an
 *   intranet host may link to pages on that host, and tests run on 127.0.0.1);
 *   any other non-public address stays refused.
 * - Checked where the socket is made: IP-literal hosts before the request, host
 *   names in the DNS lookup the connection itself uses (`guardedLookup`), on
 *   every redirect hop, so a name that resolves differently later cannot slip
 *   through between a check and the connect.
 */
import dns from 'node:dns';
import net, { BlockList, type LookupFunction } from 'node:net';

const NON_PUBLIC = new BlockList();
for (const [net4, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  NON_PUBLIC.addSubnet(net4, prefix, 'ipv4');
}
for (const [net6, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  NON_PUBLIC.addSubnet(net6, prefix, 'ipv6');
}

/** An IPv4-mapped IPv6 address as its IPv4 address; any other address unchanged (lower case, no zone). */
function plainAddress(address: string): string {
  const bare = address.toLowerCase().replace(/%.*$/, '').replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  return mapped ? mapped[1]! : bare;
}

/** Whether an IP address is loopback, private, link-local, metadata or otherwise not on the public internet. */
export function isNonPublicAddress(address: string): boolean {
  const plain = plainAddress(address);
  const family = net.isIP(plain);
  if (!family) return true; // not an address at all: never trusted
  return NON_PUBLIC.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/** The addresses a page may reach although they are not public: those of the source's own host. */
export interface AddressPolicy {
  allowed: ReadonlySet<string>;
}

/** Why `address` is refused under `policy`, or undefined when it may be reached. */
export function refusedAddress(address: string, policy: AddressPolicy): string | undefined {
  const plain = plainAddress(address);
  if (!isNonPublicAddress(plain) || policy.allowed.has(plain)) return undefined;
  return `refused: ${plain} is a loopback, private, link-local or metadata address (the source is not on it)`;
}

export type Resolver = (hostname: string) => Promise<string[]>;

/** The system resolver (what node:http would use), every address. */
export const systemResolver: Resolver = async (hostname) => (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** The addresses a URL's host stands for: itself when it is an IP literal, else what `resolve` answers (none when it fails). */
export async function addressesOf(url: string, resolve: Resolver = systemResolver): Promise<string[]> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return [];
  }
  if (net.isIP(host)) return [plainAddress(host)];
  try {
    return (await resolve(host)).map(plainAddress);
  } catch {
    return [];
  }
}

/** The policy for a source: its own host's non-public addresses may be reached, no others. */
export async function policyForSource(sourceUrl: string, resolve: Resolver = systemResolver): Promise<AddressPolicy> {
  return { allowed: new Set((await addressesOf(sourceUrl, resolve)).filter(isNonPublicAddress)) };
}

export class AddressRefused extends Error {
  readonly code = 'EADDRREFUSED';
}

/** Why a URL whose host is an IP literal is refused (names are checked by the lookup). */
export function refusedLiteral(url: URL, policy: AddressPolicy): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return net.isIP(host) ? refusedAddress(host, policy) : undefined;
}

/**
 * A `lookup` for node:http that answers only addresses the policy allows, so the
 * connection goes to the address that was checked. `resolve` answers a name
 * (the system resolver unless a test gives another).
 */
export function guardedLookup(policy: AddressPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const addresses = found.map(plainAddress).filter((a) => options.family === undefined || options.family === 0 || net.isIP(a) === options.family);
        if (!addresses.length) return callback(Object.assign(new Error(`DNS lookup of ${hostname} found no address`), { code: 'ENOTFOUND' }), '', 4);
        const refused = addresses.map((a) => refusedAddress(a, policy)).find((r) => r !== undefined);
        if (refused) return callback(new AddressRefused(`${hostname} ${refused.replace(/^refused: /, 'resolves to ')}`), '', 4);
        if (options.all) return (callback as unknown as (err: null, all: { address: string; family: number }[]) => void)(null, addresses.map((address) => ({ address, family: net.isIP(address) })));
        callback(null, addresses[0]!, net.isIP(addresses[0]!));
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, '', 4),
    );
  };
}
