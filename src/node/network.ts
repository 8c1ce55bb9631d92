// The network half of a Node that is not zero-hop: the Neighborhood (links, gossip, routes), the streams over it
// (relaying, exiting, the proxy's Connector) and, for a standard Node without --ip, the port mapping on the router;
// wired from the typed configuration, the store and the wallet service.

import { type Books, ChargeBuffer, chargeFor, chargesForRoute, Delinquents } from '../accountant/index.js';
import { forParam, type NodeConfig, storeRowOf } from '../config/index.js';
import type { NodeIdentity } from '../crypto/index.js';
import { countryOf, GeoError, UNKNOWN_COUNTRY } from '../geo/index.js';
import { Neighborhood } from '../neighborhood/index.js';
import type { Connector } from '../mesh/index.js';
import type { SecretRow, Store } from '../store/index.js';
import { createPayerPolicy, type StreamService, startStreams } from '../stream/index.js';
import { type NodeAutomap, createNodeAutomap } from './automap.js';
import { networkInterfaces } from 'node:os';
import { type Clock, describeError, type Logger, unixSeconds } from '../system/index.js';
import type { Wallets } from '../wallet/index.js';
import type { RatePack } from '../wire/index.js';

/** The store row (sealed) of the descriptors of the last full neighbors, used when --neighbors is absent. */
export const PAST_NEIGHBORS_SECRET: SecretRow = 'past_neighbors';
/** What a Node without an earning wallet advertises: nobody can pay it. */
const ZERO_WALLET = Buffer.alloc(20);
const ZERO_RATES: RatePack = { routingByteRate: 0n, routingServiceRate: 0n, exitByteRate: 0n, exitServiceRate: 0n };

export interface NetworkSettings {
  config: NodeConfig & { mode: Exclude<NodeConfig['mode'], 'zero-hop'> };
  identity: NodeIdentity;
  store: Store;
  wallets: Wallets;
  /** Where what this Node serves is booked as owed to it. */
  books: Books;
  /** How this Node reaches targets as an exit; absent for consume-only. */
  exit?: Connector;
  clock: Clock;
  log: Logger;
}

export interface Network {
  neighborhood: Neighborhood;
  streams: StreamService;
  /** Port mapping on the home router: only for a standard Node started without --ip. */
  automap?: NodeAutomap;
  close(): Promise<void>;
}

/**
 * Whether an address belongs to this machine (then the Node dials from it; a router's public address it cannot).
 * All of 127.0.0.0/8 is loopback's, though only 127.0.0.1 is listed (local networks of Nodes use 127.0.0.x).
 */
function isLocalAddress(ip: string): boolean {
  return ip.startsWith('127.') || Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === ip));
}

/**
 * The table's country of an address. A table that cannot be read (a damaged install) leaves its countries unknown,
 * said once: the Node still runs, only exit locations find no countries.
 */
function countriesOrUnknown(log: Logger): (ip: string) => string {
  let told = false;
  return (ip) => {
    try {
      return countryOf(ip);
    } catch (e) {
      if (!(e instanceof GeoError)) throw e;
      if (!told) log.warn(`Some countries are unknown (exit locations cannot use them): ${describeError(e)}`);
      told = true;
      return UNKNOWN_COUNTRY;
    }
  };
}

export async function startNetwork(s: NetworkSettings): Promise<Network> {
  const { config: c, store, wallets, log } = s;
  const ip = c.ip;
  const clandestinePort = c.clandestinePort ?? Number(store.getConfig(storeRowOf('clandestine-port')));
  let advertised: { ip: string; port: number } | undefined = ip ? { ip, port: clandestinePort } : undefined;
  const nhRef: { n?: Neighborhood } = {};
  let automap: NodeAutomap | undefined;
  if (c.mode === 'standard' && !ip) {
    // As MASQ: no --ip means "map the port on the router and learn the public address from it". If that fails the
    // Node still starts (it can use the mesh) and keeps trying; the status says why and what to do.
    automap = createNodeAutomap({
      port: clandestinePort, usual: c.mappingProtocol, store, log,
      lifetimeSec: c.mappingLifetimeSec,
      addressChanged: (newIp, port) => nhRef.n?.setPublicAddress(newIp, port),
    });
    const status = await automap.start();
    if (status.state === 'mapped') advertised = { ip: status.publicAddress, port: status.externalPort };
  }
  const past = store.getSecret(PAST_NEIGHBORS_SECRET) ?? '';
  const initial = c.neighbors.length > 0 ? [...c.neighbors] : past.split(',').filter((d) => d.length > 0);
  if (c.neighbors.length === 0 && past !== '') log.info(`Joining through ${initial.length} past neighbor(s)`);
  const rates = c.mode === 'consume-only' ? ZERO_RATES : c.ratePack;
  // Listening on the clandestine port is what can fail here.
  const neighborhood = await forParam('clandestine-port', () => Neighborhood.start({
    identity: s.identity,
    chain: c.chain.name,
    chainId: c.chain.chainId,
    mode: c.mode,
    ...(advertised ? { ip: advertised.ip, advertisedPort: advertised.port, dialFromIp: advertised.ip === ip && isLocalAddress(ip) } : {}),
    clandestinePort,
    earningWallet: wallets.earningAddress() ?? ZERO_WALLET,
    ratePack: rates,
    minHops: c.minHops,
    exitLocation: c.exitLocation,
    countryOf: countriesOrUnknown(log),
    linkMask: c.linkMask,
    initialNeighbors: initial,
    savePastNeighbors: (descriptors) => store.setSecret({ [PAST_NEIGHBORS_SECRET]: descriptors.join(',') }),
    log: log.child('Neighborhood'),
  })).catch(async (e: unknown) => {
    await automap?.close();
    throw e;
  });
  nhRef.n = neighborhood;
  // Wallets generated or recovered while the Node runs are advertised at once, so payers book to the new one.
  const advertiseEarning = (): void => neighborhood.setEarningWallet(wallets.earningAddress() ?? ZERO_WALLET);
  wallets.on('changed', advertiseEarning);
  if (!wallets.consumingKey()) log.warn('No consuming wallet: this Node relays and exits for others but cannot send its own traffic over the mesh');
  const nowSec = (): number => unixSeconds(s.clock);
  // Debtors past the curve are refused by every hop of ours until they pay down to the unban level.
  const delinquents = new Delinquents(c.paymentThresholds, (w) => s.books.receivable(w), nowSec,
    (w, banned, owed) => log.info(banned
      ? `Refusing to serve ${w}: it owes ${owed} wei past the payment thresholds`
      : `Serving ${w} again: it paid down to ${owed} wei`));
  const charges = new ChargeBuffer(s.books, nowSec, log.child('Accountant'));
  const book = (wallet: Buffer, amount: bigint): void => {
    // A Node does not owe itself (its own routes through itself, or Nodes sharing one wallet).
    if (amount === 0n || wallets.consumingAddress()?.equals(wallet)) return;
    charges.add('receivable', `0x${wallet.toString('hex')}`, amount);
  };
  const streams = startStreams({
    identity: s.identity,
    transport: neighborhood.transport,
    route: (q) => neighborhood.route(q),
    requiredExitCountries: () => neighborhood.requiredExitCountries(),
    routeStamp: (rt) => neighborhood.routeStamp(rt),
    ...(s.exit ? { exit: s.exit } : {}),
    relays: c.mode !== 'consume-only',
    penalize: (peer, reason) => neighborhood.penalize(peer, reason),
    payer: createPayerPolicy({
      consumingKey: () => wallets.consumingKey(),
      banned: (wallet) => {
        try {
          return delinquents.isBanned(`0x${wallet.toString('hex')}`);
        } catch (e) {
          // A damaged books entry must not stop the hopper; the payer is served and the damage reported.
          log.warn(`Cannot read what 0x${wallet.toString('hex')} owes: ${describeError(e)}`);
          return false;
        }
      },
      ownPublicKey: s.identity.publicKey,
      tokenContract: Buffer.from(c.chain.tokenContract.slice(2), 'hex'),
    }),
    charges: {
      consumed: (rt, bytesOut, bytesIn) => {
        for (const owed of chargesForRoute(rt, bytesOut, bytesIn, (key) => neighborhood.db.get(key)?.record)) charges.add('payable', owed.wallet, owed.amountWei);
      },
      relayed: (wallet, bytes) => book(wallet, chargeFor(rates, 'routing', bytes)),
      exited: (wallet, bytes) => book(wallet, chargeFor(rates, 'exit', bytes)),
    },
    log: log.child('Hopper'),
  });
  return {
    neighborhood,
    streams,
    ...(automap ? { automap } : {}),
    async close() {
      wallets.off('changed', advertiseEarning);
      streams.close();
      await charges.flush();
      await automap?.close();
      await neighborhood.close();
    },
  };
}
