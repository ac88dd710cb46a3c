/**
 * The relay reaches the public internet (providers) and the ComfyUI servers the user added,
 * nothing else: a name that resolves to a loopback, private or link-local address is refused
 * unless its host was added on purpose, so no answer, redirect or DNS trick can turn the relay
 * against this machine or its network.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address is on this machine or a private network (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return false;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Hosts (names or addresses, lower case, no port) the user or the configuration put on the list. */
export class TrustedHosts {
  readonly #hosts = new Set<string>();

  add(host: string): void {
    this.#hosts.add(bare(host));
  }

  has(host: string): boolean {
    return this.#hosts.has(bare(host));
  }

  /** Why connecting to `hostname` is refused, or undefined when it may be reached. */
  refusal(hostname: string): string | undefined {
    const host = bare(hostname);
    if (this.has(host)) return undefined;
    if (host === 'localhost' || host.endsWith('.localhost')) return `${hostname} is this machine`;
    if (isIP(host) && isPrivateAddress(host)) return `${hostname} is a private network address`;
    return undefined;
  }

  /**
   * dns.lookup for the relay's connections: a name that resolves to a private address is
   * refused unless that name was added (a ComfyUI server on the LAN, a local test server).
   */
  readonly lookup = (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      if (!this.has(hostname) && list.some((a) => isPrivateAddress(a.address))) {
        const refused = Object.assign(new Error(`${hostname} resolves to a private network address (${list.map((a) => a.address).join(', ')})`), { code: 'ERR_STILLMOTION_PRIVATE' });
        return callback(refused, '', 0);
      }
      if (options.all) return callback(null, list);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** A host as URL.hostname gives it, without IPv6 brackets, lower case. */
function bare(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}
