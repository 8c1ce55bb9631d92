// The Node's answers to UI requests: MASQ's Configurator, Neighborhood, Dispatcher and Accountant opcodes, and ours.

import { type Books, financialsPayload, parseFinancialsRequest, SCAN_TYPES, type ScanName, scanNameOf } from '../accountant/index.js';
import type { ConfigRow, Store } from '../store/index.js';
import { PAYMENT_THRESHOLD_NAMES, type Param, ParamProblem, RATE_PACK_NAMES, RUNTIME_SETTING_ROWS, RUNTIME_SETTINGS, SCAN_INTERVAL_NAMES, findParam } from '../config/index.js';
import { type Answers, type ConnectionStage, type ConvOpcode, UI_ERRORS, type UiClientHandle, type UiMessage, uiErrorFor } from '../ui/index.js';
import { generateWallets, recoverWallets, walletAddresses, type WalletOutcome } from './wallet-handlers.js';
import { type BackupContext, exportBackup, importBackup } from './backup-handlers.js';
import { exitLocation, type ExitLocationControl } from './exit-location-handler.js';
import { PAST_NEIGHBORS_SECRET } from './network.js';
import { CONSUMING_KEY_SECRET } from '../wallet/index.js';
import type { AutomapStatus } from '../automap/index.js';
import { type Clock, SYSTEM_CLOCK, unixSeconds } from '../system/index.js';

const WALLET_OPCODES = { generateWallets, recoverWallets, walletAddresses } as const;
const BACKUP_OPCODES = { exportBackup, importBackup } as const;

export interface NodeUiDeps {
  store: Store;
  /** How the running Node's links look on the wire (link-mask), for the configuration answer. */
  linkMask?: string;
  descriptor(): string | undefined;
  connectionStage(): ConnectionStage;
  /** Graphviz DOT of the neighborhood database. */
  neighborhoodGraph(): string;
  /** The port mapping's status; a plain reason when the Node maps no port (given --ip, or not standard). */
  automapStatus?(): AutomapStatus | { state: 'off'; summary: string };
  /** A runtime setting changed (after it is stored), e.g. min-hops for new routes. */
  settingChanged(name: string, value: string | null): void;
  broadcast(msg: UiMessage, exceptClientId?: number): void;
  /** Begins the Node's graceful shutdown (after the reply is sent). */
  shutdown(reason: string): void;
  /** New wallets were stored (generate or recover): the running Node uses them without a restart. */
  walletsChanged?(earning: Buffer, consumingKey?: Buffer): void;
  /** The accountant's books; without them financials is refused as an unknown opcode. */
  books?: Books;
  /** Runs one accountant scan now (the scan command); rejects when it cannot. */
  scan?(name: ScanName): Promise<void>;
  /** For the ages financials reports; SYSTEM_CLOCK unless a test sets the time. */
  clock?: Clock;
  /** What backups need of the running Node; without it the backup opcodes are refused as unknown. */
  backup?: BackupContext;
  /** Where the Node's own routes exit; without it exitLocation is refused as unknown. */
  exitLocation?: ExitLocationControl;
}

const camel = (kebab: string): string => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** "a|b|c" into {aName: a, …} with numbers, for the configuration response. */
function pipeObject(value: string | undefined, names: readonly string[]): Record<string, number> | undefined {
  if (!value) return undefined;
  const parts = value.split('|');
  return Object.fromEntries(names.map((n, i) => [camel(n), Number(parts[i] ?? 0)]));
}

export function configurationPayload(store: Store, passwordMatches: boolean, linkMask?: string): Answers['configuration'] {
  const get = (n: ConfigRow): string | undefined => store.getConfig(n);
  const out: Answers['configuration'] = {
    chainName: get('chain_name'),
    clandestinePort: Number(get('clandestine_port') ?? 0),
    currentSchemaVersion: String(store.schemaVersion),
    gasPrice: Number(get('gas_price') ?? 1),
    neighborhoodMode: get('neighborhood_mode') ?? 'standard',
    paymentThresholds: pipeObject(get('payment_thresholds'), PAYMENT_THRESHOLD_NAMES),
    ratePack: pipeObject(get('rate_pack'), RATE_PACK_NAMES),
    scanIntervals: pipeObject(get('scan_intervals'), SCAN_INTERVAL_NAMES),
  };
  const optional: Array<['blockchainServiceUrlOpt' | 'earningWalletAddressOpt' | 'portMappingProtocol', string | undefined]> = [
    ['blockchainServiceUrlOpt', get('blockchain_service_url')],
    ['earningWalletAddressOpt', get('earning_wallet_address')],
    ['portMappingProtocol', get('mapping_protocol')?.toUpperCase()],
  ];
  for (const [k, v] of optional) if (v) out[k] = v;
  if (linkMask) out.linkMask = linkMask;
  const exit = get('exit_location');
  if (exit) out.exitLocation = exit;
  const maxBlock = get('max_block_count');
  if (maxBlock) out.maxBlockCount = Number(maxBlock);
  const startBlock = get('start_block');
  if (startBlock) out.startBlock = Number(startBlock);
  if (passwordMatches && store.isUnlocked()) {
    const key = store.getSecret(CONSUMING_KEY_SECRET);
    if (key) out.consumingWalletPrivateKeyOpt = key;
    const past = store.getSecret(PAST_NEIGHBORS_SECRET);
    out.pastNeighbors = past ? past.split(',') : [];
  }
  return out;
}

export function createNodeUiHandler(deps: NodeUiDeps): (client: UiClientHandle, msg: UiMessage) => Promise<void> {
  return async (client, msg) => {
    const ctx = msg.contextId !== undefined ? { contextId: msg.contextId } : {};
    /** The answer, typed by the catalogue entry named (the one being handled). */
    const reply = <Op extends ConvOpcode>(payload: Answers[Op]): void => client.send({ opcode: msg.opcode, ...ctx, payload });
    const fail = (code: bigint, message: string): void => client.send({ opcode: msg.opcode, ...ctx, error: { code, message } });
    try {
      await answer(deps, client, msg, reply, fail);
    } catch (e) {
      // What a MasqError means to a UI is decided at the edge (src/ui/error-edge.ts); the rest is a bug.
      const error = uiErrorFor(msg.opcode, e);
      if (!error) throw e;
      client.send({ opcode: msg.opcode, ...ctx, error });
    }
  };
}

type Reply = <Op extends ConvOpcode>(payload: Answers[Op]) => void;

async function answer(deps: NodeUiDeps, client: UiClientHandle, msg: UiMessage, reply: Reply, fail: (code: bigint, message: string) => void): Promise<void> {
  const { store } = deps;
  const p = msg.payload ?? {};
  const notUnderstood = (): void => fail(UI_ERRORS.UNMARSHAL_ERROR, `This Node does not understand the opcode '${msg.opcode}'`);
  /** Every UI hears that a setting changed, so dashboards read the configuration again. */
  const changed = (): void => deps.broadcast({ opcode: 'configurationChanged', payload: {} });
  const deliver = <Op extends ConvOpcode>(outcome: WalletOutcome<Op>): void => {
    if ('error' in outcome) return fail(outcome.error.code, outcome.error.message);
    reply<Op>(outcome.payload);
    if (outcome.changed) deps.walletsChanged?.(outcome.changed.earning, outcome.changed.consumingKey);
    if (outcome.changed || msg.opcode === 'importBackup') changed();
  };
  switch (msg.opcode) {
    case 'descriptor': {
      const d = deps.descriptor();
      return reply<'descriptor'>(d ? { nodeDescriptorOpt: d } : {});
    }
    case 'connectionStatus':
      return reply<'connectionStatus'>({ stage: deps.connectionStage() });
    case 'neighborhoodGraph':
      return reply<'neighborhoodGraph'>({ graph: deps.neighborhoodGraph() });
    case 'automapStatus':
      if (!deps.automapStatus) return notUnderstood();
      return reply<'automapStatus'>({ ...deps.automapStatus() });
    case 'checkPassword': {
      const pw = p.dbPasswordOpt as string | undefined;
      return reply<'checkPassword'>({ matches: pw === undefined ? !store.hasPassword() : await store.checkPassword(pw) });
    }
    case 'configuration': {
      const pw = p.dbPasswordOpt as string | undefined;
      const matches = pw !== undefined && store.hasPassword() && (await store.checkPassword(pw));
      if (matches && !store.isUnlocked()) await store.unlock(pw as string);
      return reply<'configuration'>(configurationPayload(store, matches, deps.linkMask));
    }
    case 'changePassword': {
      await store.changePassword(p.oldPasswordOpt as string | undefined, p.newPassword as string);
      reply<'changePassword'>({});
      deps.broadcast({ opcode: 'newPassword', payload: {} }, client.id);
      return;
    }
    case 'setConfiguration': {
      const name = p.name as string;
      if (!RUNTIME_SETTINGS.includes(name)) return fail(UI_ERRORS.UNRECOGNIZED_PARAMETER, `This parameter name is not known: ${name}`);
      const raw = p.value as string;
      let value: string | null;
      try {
        if (name !== 'start-block') value = (findParam(name) as Param).check(raw, store.getConfig('chain_name') ?? '');
        else if (raw === 'none') value = null;
        else if (/^[0-9]{1,20}$/.test(raw)) value = raw;
        else throw new ParamProblem(`start-block must be a block number or none, not '${raw}'`);
      } catch (e) {
        if (!(e instanceof ParamProblem)) throw e;
        return fail(UI_ERRORS.NON_PARSABLE_VALUE, e.message);
      }
      await store.setConfig({ [RUNTIME_SETTING_ROWS[name] as ConfigRow]: value });
      deps.settingChanged(name, value);
      reply<'setConfiguration'>({});
      return changed();
    }
    case 'exitLocation': {
      if (!deps.exitLocation) return notUnderstood();
      const outcome = await exitLocation(store, p, deps.exitLocation);
      if ('error' in outcome) fail(outcome.error.code, outcome.error.message);
      else reply<'exitLocation'>(outcome.payload);
      if (outcome.changed) changed();
      return;
    }
    case 'generateWallets':
    case 'recoverWallets':
    case 'walletAddresses':
      return deliver(await WALLET_OPCODES[msg.opcode](store, p));
    case 'exportBackup':
    case 'importBackup':
      if (!deps.backup) return notUnderstood();
      return deliver(await BACKUP_OPCODES[msg.opcode](store, p, deps.backup));
    case 'financials': {
      if (!deps.books) return notUnderstood();
      const req = parseFinancialsRequest(p);
      const b = deps.books;
      const now = unixSeconds(deps.clock ?? SYSTEM_CLOCK);
      // The Accountant builds the payload (it cannot see the catalogue's types); its rows are the catalogue's.
      return reply<'financials'>(financialsPayload(req, { payables: b.payables(), receivables: b.receivables(), totals: b.totals() }, now));
    }
    case 'scan': {
      if (!deps.scan) return notUnderstood();
      const name = scanNameOf(p.scanType);
      if (!name) return fail(UI_ERRORS.SCAN_ERROR, `Unknown scan type '${String(p.scanType).slice(0, 40)}': use ${SCAN_TYPES.map((t) => t.ui).join(', ')}`);
      await deps.scan(name);
      return reply<'scan'>({});
    }
    case 'shutdown':
      reply<'shutdown'>({});
      deps.shutdown(`shutdown order from UI client ${client.id}`);
      return;
    default:
      if (msg.contextId !== undefined) notUnderstood();
  }
}
