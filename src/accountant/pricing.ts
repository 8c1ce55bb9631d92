// What a stream costs, as in MASQ (docs/PAYMENTS.md): each hop charges its service rate plus its byte rate per byte it
// carried, at the routing rates for relays and the exit rates for the exit. Pure: records are looked up by the caller.

import type { RatePack } from '../wire/index.js';
import { serviceCharge } from './books.js';

export type Service = 'routing' | 'exit';

/** What a Node with these rates charges for carrying `bytes` as a relay (routing) or as the exit. */
export function chargeFor(rates: RatePack, service: Service, bytes: number): bigint {
  return service === 'exit'
    ? serviceCharge({ serviceRate: rates.exitServiceRate, byteRate: rates.exitByteRate }, bytes)
    : serviceCharge({ serviceRate: rates.routingServiceRate, byteRate: rates.routingByteRate }, bytes);
}

/** What a route needs to know of a hop to pay it. */
export interface PricedHop {
  earningWallet: Buffer;
  ratePack: RatePack;
}

export interface RouteCharge {
  /** "0x…" lowercase hex. */
  wallet: string;
  amountWei: bigint;
}

const ZERO_WALLET = Buffer.alloc(20);

/**
 * What this Node owes the hops of a round trip it originated, having sent `bytesOut` and received `bytesIn`:
 * the relays over carry the request, the exit both ways, the relays back the response. The first key of each
 * leg is this Node or the exit, the last the exit or this Node. A hop no longer known, or one without an earning
 * wallet, cannot be paid and is left out, as are zero charges.
 */
export function chargesForRoute(
  rt: { readonly over: readonly string[]; readonly back: readonly string[] },
  bytesOut: number,
  bytesIn: number,
  lookup: (key: string) => PricedHop | undefined,
): RouteCharge[] {
  const out: RouteCharge[] = [];
  const owe = (key: string | undefined, service: Service, bytes: number): void => {
    const hop = key === undefined ? undefined : lookup(key);
    if (!hop || hop.earningWallet.equals(ZERO_WALLET)) return;
    const amountWei = chargeFor(hop.ratePack, service, bytes);
    if (amountWei !== 0n) out.push({ wallet: `0x${hop.earningWallet.toString('hex')}`, amountWei });
  };
  for (const k of rt.over.slice(1, -1)) owe(k, 'routing', bytesOut);
  owe(rt.over[rt.over.length - 1], 'exit', bytesOut + bytesIn);
  for (const k of rt.back.slice(1, -1)) owe(k, 'routing', bytesIn);
  return out;
}
