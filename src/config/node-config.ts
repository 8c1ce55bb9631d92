// The Node's configuration, resolved once into typed fields: every part of the Node receives this object, so a
// mistyped parameter is a compile error and no part parses a value of its own.

import { type Chain, findChain } from '../chains/index.js';
import { type LogLevel } from '../system/index.js';
import type { RatePack } from '../wire/index.js';
import { type LinkMask, type MappingProtocol, type Mode, PARAMS, type ParamName, STORED_PARAMS } from './params.js';
import type { Resolution } from './resolve.js';
import { type ExitLocation, parseExitLocation } from './exit-location.js';
import { type PaymentThresholds, parsePaymentThresholds, parseRatePack, parseScanIntervals, type ScanIntervalsSec } from './thresholds.js';
import type { ConfigRow } from '../store/index.js';

export interface NodeConfig {
  readonly mode: Mode;
  readonly chain: Chain;
  /** Absent only in zero-hop mode (required otherwise). */
  readonly blockchainServiceUrl: string | undefined;
  /** Absent on a fresh data directory: the store chooses one when it is created. */
  readonly clandestinePort: number | undefined;
  /** 64 hex digits, when given as a parameter (the store may hold one too: see the wallet service). */
  readonly consumingPrivateKey: string | undefined;
  readonly dataDirectory: string;
  readonly dbPassword: string | undefined;
  readonly dnsServers: readonly string[];
  /** 0x + 40 hex digits, when given as a parameter. */
  readonly earningWallet: string | undefined;
  /** Where the Node's own traffic should leave the mesh (exit-location). */
  readonly exitLocation: ExitLocation;
  readonly exitPrivateDestinations: boolean;
  /** `configured`: the user chose it; otherwise the blockchain service's price is used. */
  readonly gasPrice: { readonly gwei: number; readonly configured: boolean };
  readonly ip: string | undefined;
  /** The proxy also serves the machine's local networks (node/lan.ts). */
  readonly lanConsuming: boolean;
  /** The whole-home DNS mode: masq-setup's doors bring the home in from loopback (src/lan-entry). */
  readonly lanDns: boolean;
  /** How links look on the wire (docs/MESH.md, "Clandestine links"). */
  readonly linkMask: LinkMask;
  readonly logLevel: LogLevel;
  readonly mappingProtocol: MappingProtocol | undefined;
  readonly mappingLifetimeSec: number;
  readonly minHops: number;
  readonly neighbors: readonly string[];
  /** on: a fresh node key; off: the stored one; absent: the stored one when there is one. */
  readonly newPublicKey: 'on' | 'off' | undefined;
  readonly paymentThresholds: PaymentThresholds;
  readonly proxyAddress: string;
  /** What devices of the local networks must give the proxy, with the user name masq. */
  readonly proxyPassword: string | undefined;
  readonly proxyPort: number;
  readonly ratePack: RatePack;
  readonly scanIntervalsSec: ScanIntervalsSec;
  readonly scans: boolean;
  readonly uiPort: number;
  readonly uiToken: string | undefined;
  /** Values of secret parameters, for the logger to scrub. */
  readonly secrets: readonly string[];
  /** Store rows of the stored parameters given (not defaulted) this run: they become later runs' defaults. */
  readonly givenRows: Readonly<Partial<Record<ConfigRow, string>>>;
}

export function nodeConfig(r: Resolution): NodeConfig {
  const text = (name: ParamName): string => r.values.get(name)?.value ?? '';
  const opt = (name: ParamName): string | undefined => text(name) || undefined;
  const list = (name: ParamName): string[] => text(name).split(',').filter((s) => s.length > 0);
  const givenRows: Partial<Record<ConfigRow, string>> = {};
  for (const p of STORED_PARAMS) {
    const v = r.values.get(p.name);
    if (v && v.value !== '' && v.status !== 'Default') givenRows[p.storeRow] = v.value;
  }
  const port = opt('clandestine-port');
  return {
    mode: r.mode,
    // resolve() accepts only the names of CHAINS.
    chain: findChain(r.chain) as Chain,
    blockchainServiceUrl: opt('blockchain-service-url'),
    clandestinePort: port === undefined ? undefined : Number(port),
    consumingPrivateKey: opt('consuming-private-key'),
    dataDirectory: text('data-directory'),
    dbPassword: opt('db-password'),
    dnsServers: list('dns-servers'),
    earningWallet: opt('earning-wallet'),
    exitLocation: parseExitLocation(text('exit-location')),
    exitPrivateDestinations: text('exit-private-destinations') === 'on',
    gasPrice: { gwei: Number(text('gas-price')), configured: (r.values.get('gas-price')?.status ?? 'Default') !== 'Default' },
    ip: opt('ip'),
    lanConsuming: text('lan-consuming') === 'on',
    lanDns: text('lan-dns') === 'on',
    linkMask: text('link-mask') as LinkMask,
    logLevel: text('log-level') as LogLevel,
    mappingProtocol: opt('mapping-protocol') as MappingProtocol | undefined,
    mappingLifetimeSec: Number(text('mapping-lifetime')),
    minHops: Number(text('min-hops')),
    neighbors: list('neighbors'),
    newPublicKey: opt('new-public-key') as 'on' | 'off' | undefined,
    paymentThresholds: parsePaymentThresholds(text('payment-thresholds')),
    proxyAddress: text('proxy-address'),
    proxyPassword: opt('proxy-password'),
    proxyPort: Number(text('proxy-port')),
    ratePack: parseRatePack(text('rate-pack')),
    scanIntervalsSec: parseScanIntervals(text('scan-intervals')),
    scans: text('scans') !== 'off',
    uiPort: Number(text('ui-port')),
    uiToken: opt('ui-token'),
    secrets: PARAMS.filter((p) => p.secret).map((p) => r.values.get(p.name)?.value ?? '').filter((v) => v !== ''),
    givenRows,
  };
}
