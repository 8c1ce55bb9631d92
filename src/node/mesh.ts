// The mesh half of a Node that is not zero-hop: the Neighborhood (links, gossip, routes) and the streams over it
// (relaying, exiting, the proxy's Connector), wired from the resolved configuration and the store.

import { type Books, ChargeBuffer, Delinquents, parsePaymentThresholds, serviceCharge } from '../accountant/index.js';
import type { Mode } from '../config/index.js';
import type { NodeIdentity } from '../crypto/index.js';
import { Neighborhood } from '../neighborhood/index.js';
import type { Connector } from '../mesh/index.js';
import type { Store } from '../store/index.js';
import { type Chain, findChain } from '../chains/index.js';
import { createPayerPolicy, type StreamService, startStreams } from '../stream/index.js';
import { consumingKeyHex } from './accountant.js';
import { type NodeAutomap, createNodeAutomap } from './automap.js';
import type { MappingProtocol } from '../automap/index.js';
import { networkInterfaces } from 'node:os';
import { describeError, type Logger } from '../system/index.js';
import { addressOf } from '../wallet/index.js';
import type { RatePack } from '../wire/index.js';

/** The store row (sealed) of the descriptors of the last full neighbors, used when --neighbors is absent. */
export const PAST_NEIGHBORS_SECRET = 'past_neighbors';
const ZERO_WALLET = Buffer.alloc(20);
const ZERO_RATES: RatePack = { routingByteRate: 0n, routingServiceRate: 0n, exitByteRate: 0n, exitServiceRate: 0n };

export interface MeshSettings {
  mode: Exclude<Mode, 'zero-hop'>;
  chain: string;
  chainId: number;
  identity: NodeIdentity;
  store: Store;
  /** Where what this Node serves is booked as owed to it. */
  books: Books;
  /** A resolved parameter's value, '' when blank. */
  value(name: string): string;
  /** How this Node reaches targets as an exit; absent for consume-only. */
  exit?: Connector;
  log: Logger;
}

export interface MeshNode {
  neighborhood: Neighborhood;
  mesh: StreamService;
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

function ratePack(text: string): RatePack {
  const [routingByteRate, routingServiceRate, exitByteRate, exitServiceRate] = text.split('|').map((n) => BigInt(n));
  return { routingByteRate: routingByteRate ?? 0n, routingServiceRate: routingServiceRate ?? 0n, exitByteRate: exitByteRate ?? 0n, exitServiceRate: exitServiceRate ?? 0n };
}

function wallet(address: string): Buffer {
  // Without the earning-wallet parameter the record carries the zero address, which originators book nothing to.
  return address ? Buffer.from(address.slice(2), 'hex') : Buffer.alloc(20);
}

export async function startMeshNode(s: MeshSettings): Promise<MeshNode> {
  const { value, store, log } = s;
  const ip = value('ip');
  const clandestinePort = Number(value('clandestine-port') || store.getConfig('clandestine_port'));
  let advertised: { ip: string; port: number } | undefined = ip ? { ip, port: clandestinePort } : undefined;
  const nhRef: { n?: Neighborhood } = {};
  let automap: NodeAutomap | undefined;
  if (s.mode === 'standard' && !ip) {
    // As MASQ: no --ip means "map the port on the router and learn the public address from it". If that fails the
    // Node still starts (it can use the mesh) and keeps trying; the status says why and what to do.
    automap = createNodeAutomap({
      port: clandestinePort, usual: (value('mapping-protocol') || undefined) as MappingProtocol | undefined, store, log,
      lifetimeSec: Number(value('mapping-lifetime')),
      addressChanged: (newIp, port) => nhRef.n?.setPublicAddress(newIp, port),
    });
    const status = await automap.start();
    if (status.state === 'mapped') advertised = { ip: status.publicAddress, port: status.externalPort };
  }
  const given = value('neighbors');
  const past = store.getSecret(PAST_NEIGHBORS_SECRET) ?? '';
  const initial = (given || past).split(',').filter((d) => d.length > 0);
  if (given === '' && past !== '') log.info(`Joining through ${initial.length} past neighbor(s)`);
  const rates = s.mode === 'consume-only' ? ZERO_RATES : ratePack(value('rate-pack'));
  const neighborhood = await Neighborhood.start({
    identity: s.identity,
    chain: s.chain,
    chainId: s.chainId,
    mode: s.mode,
    ...(advertised ? { ip: advertised.ip, advertisedPort: advertised.port, dialFromIp: advertised.ip === ip && isLocalAddress(ip) } : {}),
    clandestinePort,
    earningWallet: wallet(value('earning-wallet')),
    ratePack: rates,
    minHops: Number(value('min-hops')),
    initialNeighbors: initial,
    savePastNeighbors: (descriptors) => store.setSecret({ [PAST_NEIGHBORS_SECRET]: descriptors.join(',') }),
    log: log.child('Neighborhood'),
  }).catch(async (e: unknown) => {
    await automap?.close();
    throw e;
  });
  nhRef.n = neighborhood;
  // The consuming wallet pays every hop of this Node's routes: given as a parameter, or stored (sealed) by
  // masq generate-wallets / recover-wallets.
  const keyHex = consumingKeyHex(value, store) ?? '';
  const consumingKey = keyHex ? Buffer.from(keyHex, 'hex') : undefined;
  if (!consumingKey) log.warn('No consuming wallet: this Node relays and exits for others but cannot send its own traffic over the mesh');
  const own = consumingKey ? addressOf(consumingKey) : undefined;
  // Debtors past the curve are refused by every hop of ours until they pay down to the unban level.
  const delinquents = new Delinquents(parsePaymentThresholds(value('payment-thresholds')), (w) => s.books.receivable(w), () => Math.floor(Date.now() / 1000),
    (w, banned, owed) => log.info(banned
      ? `Refusing to serve ${w}: it owes ${owed} wei past the payment thresholds`
      : `Serving ${w} again: it paid down to ${owed} wei`));
  const charges = new ChargeBuffer(s.books, () => Math.floor(Date.now() / 1000), log.child('Accountant'));
  const book = (wallet: Buffer, amount: bigint): void => {
    // A Node does not owe itself (its own routes through itself, or Nodes sharing one wallet).
    if (amount === 0n || own?.equals(wallet)) return;
    charges.add('receivable', `0x${wallet.toString('hex')}`, amount);
  };
  const mesh = startStreams({
    identity: s.identity,
    transport: neighborhood.transport,
    route: (q) => neighborhood.route(q),
    ...(s.exit ? { exit: s.exit } : {}),
    relays: s.mode !== 'consume-only',
    penalize: (peer, reason) => neighborhood.penalize(peer, reason),
    payer: createPayerPolicy({
      ...(consumingKey ? { consumingKey } : {}),
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
      tokenContract: Buffer.from((findChain(s.chain) as Chain).tokenContract.slice(2), 'hex'),
    }),
    charges: {
      consumed: (rt, bytesOut, bytesIn) => {
        const owe = (key: string, rate: 'routing' | 'exit', bytes: number): void => {
          const r = neighborhood.db.get(key)?.record;
          // A hop we no longer know, or one with no earning wallet, cannot be paid: nothing to book.
          if (!r || r.earningWallet.equals(ZERO_WALLET)) return;
          const pair = rate === 'exit'
            ? { serviceRate: r.ratePack.exitServiceRate, byteRate: r.ratePack.exitByteRate }
            : { serviceRate: r.ratePack.routingServiceRate, byteRate: r.ratePack.routingByteRate };
          const amount = serviceCharge(pair, bytes);
          if (amount === 0n) return;
          const wallet = `0x${r.earningWallet.toString('hex')}`;
          charges.add('payable', wallet, amount);
        };
        for (const k of rt.over.slice(1, -1)) owe(k, 'routing', bytesOut);
        owe(rt.over[rt.over.length - 1] as string, 'exit', bytesOut + bytesIn);
        for (const k of rt.back.slice(1, -1)) owe(k, 'routing', bytesIn);
      },
      relayed: (wallet, bytes) => book(wallet, serviceCharge({ serviceRate: rates.routingServiceRate, byteRate: rates.routingByteRate }, bytes)),
      exited: (wallet, bytes) => book(wallet, serviceCharge({ serviceRate: rates.exitServiceRate, byteRate: rates.exitByteRate }, bytes)),
    },
    log: log.child('Hopper'),
  });
  return {
    neighborhood,
    mesh,
    ...(automap ? { automap } : {}),
    async close() {
      mesh.close();
      await charges.flush();
      await automap?.close();
      await neighborhood.close();
    },
  };
}
