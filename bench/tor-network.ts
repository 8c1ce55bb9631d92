// A private Tor network on loopback for bench/tor.ts: three directory authorities, two middle relays, one exit that
// may only exit to 127.0.0.0/8, and one client with a SOCKS port; each a Debian `tor` process with its own
// DataDirectory under one temp dir. What a private network needs (TestingTorNetwork, short voting intervals, flags
// voted for every relay, v3 keys from tor-gencert, an exit without DNS) is as Tor's own test tool, chutney, does it.

import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { type Tracked, freePort, run, waitFor } from '../test/helpers/processes.js';
import { BenchSandbox } from './common.js';

export const LOOPBACK = '127.0.0.1';
export type Role = 'authority' | 'relay' | 'exit' | 'client';
/** chutney's floor: a path has 3 relays and none uses itself, and a small consensus wants at least 5 relays. */
const ROLES: readonly Role[] = ['authority', 'authority', 'authority', 'relay', 'relay', 'exit', 'client'];

/** One tor process; a port of 0 is one its role does not open. */
export interface NodePlan { nick: string; role: Role; dir: string; control: number; or: number; dirPort: number; socks: number }
export interface AuthorityId { nick: string; or: number; dirPort: number; v3ident: string; fingerprint: string }

export function renderTorrc(n: NodePlan, auths: readonly AuthorityId[], ownerPid: number): string {
  const lines = [
    'TestingTorNetwork 1', `DataDirectory ${n.dir}`, 'RunAsDaemon 0', `Nickname ${n.nick}`,
    `Log notice file ${join(n.dir, 'notice.log')}`, `ControlPort ${LOOPBACK}:${n.control}`, 'CookieAuthentication 1',
    // tor stops by itself (checked every 15 s) if this benchmark dies before it could stop it.
    `__OwningControllerProcess ${ownerPid}`,
    // tor binds a connection to anywhere but loopback to 127.0.0.1, which the kernel refuses to route off the box.
    `OutboundBindAddress ${LOOPBACK}`, 'UseDefaultFallbackDirs 0', 'PathsNeededToBuildCircuits 0.67',
    ...auths.map((a) => `DirAuthority ${a.nick} orport=${a.or} no-v2 v3ident=${a.v3ident} ${LOOPBACK}:${a.dirPort} ${a.fingerprint}`),
  ];
  // Full descriptors: a microdescriptor's exit policy summary leaves out private addresses, so an exit to 127/8
  // only would look like no exit at all. No conflux: a stream rides one 3-hop circuit, as on the mesh's route.
  if (n.role === 'client') return [...lines, `SocksPort ${LOOPBACK}:${n.socks}`, 'UseMicrodescriptors 0', 'ConfluxEnabled 0', ''].join('\n');
  lines.push('SocksPort 0', `ORPort ${LOOPBACK}:${n.or}`, `DirPort ${LOOPBACK}:${n.dirPort}`, `Address ${LOOPBACK}`,
    'AddressDisableIPv6 1', 'AssumeReachable 1', `ContactInfo ${n.nick}@bench.invalid`);
  if (n.role === 'authority') {
    // A consensus every 10 s (votes and signatures each get 2 s, under half the interval as tor requires), and every
    // relay voted Guard and Exit at once.
    lines.push('AuthoritativeDirectory 1', 'V3AuthoritativeDirectory 1', 'TestingV3AuthInitialVotingInterval 10',
      'TestingV3AuthInitialVoteDelay 2', 'TestingV3AuthInitialDistDelay 2', 'V3AuthVotingInterval 10', 'V3AuthVoteDelay 2',
      'V3AuthDistDelay 2', 'V3AuthNIntervalsValid 2', 'TestingDirAuthVoteGuard *', 'TestingDirAuthVoteExit *', 'TestingMinExitFlagThreshold 0');
  }
  if (n.role !== 'exit') return [...lines, 'ExitRelay 0', ''].join('\n');
  // The exit reaches loopback only, and resolves no names: no hijack tests, no nameserver (the box's is not on loopback).
  return [...lines, 'ExitRelay 1', 'ExitPolicyRejectPrivate 0', 'ExitPolicy accept 127.0.0.0/8:*', 'ExitPolicy reject *:*',
    'ServerDNSDetectHijacking 0', 'ServerDNSTestAddresses', 'ServerDNSResolvConfFile /dev/null', ''].join('\n');
}

/** Every IP address written in a text that is not on loopback (127.0.0.0/8); an IPv6 literal always counts. */
export function nonLoopback(text: string): string[] {
  const v4 = (text.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? []).filter((a) => !a.startsWith('127.'));
  return [...v4, ...(text.match(/\[[0-9a-fA-F:]+\]/g) ?? [])];
}

/** The relays of a consensus as GETINFO ns/all gives it: hex fingerprint, address, ORPort, and any IPv6 ORPorts. */
export function consensusRelays(ns: string): { fingerprint: string; address: string; or: number; v6: string[] }[] {
  const relays: { fingerprint: string; address: string; or: number; v6: string[] }[] = [];
  for (const line of ns.split('\n')) {
    const r = /^r \S+ (\S+) (?:\S+ )?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (\S+) (\d+) \d+$/.exec(line);
    if (r) relays.push({ fingerprint: Buffer.from(r[1] as string, 'base64').toString('hex').toUpperCase(), address: r[2] as string, or: Number(r[3]), v6: [] });
    else if (line.startsWith('a ')) relays.at(-1)?.v6.push(line.slice(2));
  }
  return relays;
}

/** The absolute path of a program on PATH or in /usr/sbin (where Debian puts tor), if it is there. */
export function findTool(name: string): string | undefined {
  for (const d of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin']) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch { /* not in this directory */ }
  }
  return undefined;
}

/** Tor's control protocol on one connection: one command at a time; async event lines (650) go to onEvent. */
export class Control {
  onEvent: (line: string) => void = () => undefined;
  private buf = '';
  private reply: string[] = [];
  private inData = false;
  private pending: { done(lines: string[]): void; fail(e: Error): void } | undefined;

  private constructor(private readonly sock: Socket) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => this.feed(d));
    sock.on('error', (e) => this.pending?.fail(e));
    sock.on('close', () => this.pending?.fail(new Error('tor closed its control connection')));
  }

  static async open(port: number, cookieFile: string): Promise<Control> {
    const sock = await new Promise<Socket>((res, rej) => {
      const s = connect(port, LOOPBACK, () => res(s));
      s.setTimeout(5000, () => s.destroy(new Error('control port: connect timeout')));
      s.once('error', rej);
    });
    sock.setTimeout(0);
    const c = new Control(sock);
    await c.command(`AUTHENTICATE ${readFileSync(cookieFile).toString('hex')}`);
    return c;
  }

  private feed(d: string): void {
    this.buf += d;
    for (let i = this.buf.indexOf('\r\n'); i >= 0; i = this.buf.indexOf('\r\n')) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      if (this.inData) this.inData = line !== '.';
      else if (line.startsWith('650')) {
        this.onEvent(line);
        continue;
      } else if (line[3] === '+') this.inData = true;
      this.reply.push(line);
      if (!this.inData && line[3] === ' ') {
        const [lines, p] = [this.reply, this.pending];
        this.reply = [];
        this.pending = undefined;
        if (line.startsWith('250')) p?.done(lines);
        else p?.fail(new Error(`tor control: ${line}`));
      }
    }
  }

  command(cmd: string, timeoutMs = 10_000): Promise<string[]> {
    if (this.pending) return Promise.reject(new Error('tor control: one command at a time'));
    return new Promise((res, rej) => {
      const timer = setTimeout(() => this.pending?.fail(new Error(`tor control: no answer to ${cmd.split(' ')[0]} in ${timeoutMs} ms`)), timeoutMs);
      const end = (): void => { clearTimeout(timer); this.pending = undefined; };
      this.pending = { done: (l) => { end(); res(l); }, fail: (e) => { end(); rej(e); } };
      this.sock.write(`${cmd}\r\n`);
    });
  }

  /** A GETINFO value: the rest of a `250-key=value` line, or the lines of a `250+key=` block. */
  async getinfo(key: string): Promise<string> {
    const [first = '', ...rest] = await this.command(`GETINFO ${key}`);
    return first.startsWith('250+') ? rest.slice(0, rest.indexOf('.')).join('\n') : first.slice(`250-${key}=`.length);
  }

  close(): void {
    this.sock.destroy();
  }
}

export interface RunningNode extends NodePlan { fingerprint: string; pid: number; tracked: Tracked }
export interface TorNetwork {
  nodes: RunningNode[];
  client: RunningNode;
  /** The client's control connection. */
  control: Control;
  /** performance.now() when the tor processes were started. */
  launchedAt: number;
  /** Throws with the log of any tor process that has exited while the network should be up. */
  check(): void;
  /** SIGTERM, then SIGKILL after 5 s, to every tor process; then the temp dir goes. */
  stop(): Promise<void>;
}

async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let tries = 0; ports.size < n && tries < n * 10; tries++) ports.add(await freePort(LOOPBACK));
  if (ports.size < n) throw new Error('no free loopback ports');
  return [...ports];
}

/** A relay's RSA identity (made now if new) and, for an authority, its v3 key pair and certificate from tor-gencert. */
async function makeKeys(n: NodePlan, tor: string, gencert: string): Promise<{ fingerprint: string; v3ident: string }> {
  let v3ident = '';
  if (n.role === 'authority') {
    const k = (f: string): string => join(n.dir, 'keys', f);
    const made = await run(gencert, ['--create-identity-key', '--passphrase-fd', '0', '-m', '12', '-a', `${LOOPBACK}:${n.dirPort}`,
      '-i', k('authority_identity_key'), '-s', k('authority_signing_key'), '-c', k('authority_certificate')], {}, 30_000, '\n');
    if (made.code !== 0) throw new Error(`tor-gencert failed: ${made.stdout}${made.stderr}`);
    v3ident = /^fingerprint ([0-9A-F]{40})$/m.exec(readFileSync(k('authority_certificate'), 'utf8'))?.[1] ?? '';
  }
  const listed = await run(tor, ['--defaults-torrc', '/dev/null', '-f', '/dev/null', '--ignore-missing-torrc', '--DataDirectory', n.dir,
    '--ORPort', `${LOOPBACK}:${n.or}`, '--Address', LOOPBACK, '--list-fingerprint'], {}, 30_000);
  if (listed.code !== 0) throw new Error(`tor --list-fingerprint failed: ${listed.stdout}`);
  return { fingerprint: readFileSync(join(n.dir, 'fingerprint'), 'utf8').trim().split(' ')[1] ?? '', v3ident };
}

/** Starts the network and waits (bounded) until the client has bootstrapped 100% over a loopback-only consensus. */
export async function startTorNetwork(tools: { tor: string; gencert: string }, bootstrapTimeoutMs = 180_000): Promise<TorNetwork> {
  const sandbox = new BenchSandbox();
  const nodes: RunningNode[] = [];
  const controls: Control[] = [];
  let stopping = false;
  const alive = (n: RunningNode): boolean => n.tracked.child.exitCode === null && n.tracked.child.signalCode === null;
  const check = (): void => {
    const dead = stopping ? undefined : nodes.find((n) => !alive(n));
    if (!dead) return;
    let log: string;
    try { log = readFileSync(join(dead.dir, 'notice.log'), 'utf8').split('\n').slice(-8).join('\n'); } catch { log = '(no log)'; }
    throw new Error(`tor ${dead.nick} exited (${dead.tracked.child.exitCode ?? dead.tracked.child.signalCode}): ${dead.tracked.output()}${log}`);
  };
  const killNow = (): void => sandbox.killNow();
  const stop = async (): Promise<void> => {
    stopping = true;
    for (const k of controls) k.close();
    const live = nodes.filter(alive);
    const within = (ms: number): Promise<unknown> => Promise.race([Promise.all(live.map((n) => n.tracked.exited)), new Promise((r) => setTimeout(r, ms))]);
    for (const n of live) n.tracked.child.kill('SIGTERM');
    await within(5000);
    for (const n of live.filter(alive)) n.tracked.child.kill('SIGKILL');
    await within(2000);
    await sandbox.cleanup();
    process.off('exit', killNow);
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.off(sig, onSignal);
  };
  // Ctrl-C stops tor gracefully; if the process exits first, the exit hook kills what is left and removes the dir.
  const onSignal = (sig: NodeJS.Signals): void => void stop().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  process.on('exit', killNow);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, onSignal);
  try {
    const root = sandbox.tempDir('masq-bench-tor-');
    const ports = await distinctPorts(ROLES.length * 4);
    const plans: NodePlan[] = ROLES.map((role, i) => {
      const [ctl, or, dirPort, socks] = ports.slice(i * 4, i * 4 + 4) as [number, number, number, number];
      const relay = role !== 'client';
      return { nick: `bench${role}${i}`, role, dir: join(root, `n${i}`), control: ctl, or: relay ? or : 0, dirPort: relay ? dirPort : 0, socks: relay ? 0 : socks };
    });
    for (const p of plans) mkdirSync(join(p.dir, 'keys'), { recursive: true, mode: 0o700 });
    const ids = await Promise.all(plans.map((p) => (p.role === 'client' ? { fingerprint: '', v3ident: '' } : makeKeys(p, tools.tor, tools.gencert))));
    const auths = plans.flatMap((p, i) => (p.role === 'authority' ? [{ ...p, ...(ids[i] as { fingerprint: string; v3ident: string }) }] : []));
    const torrcs = plans.map((p) => renderTorrc(p, auths, process.pid));
    // Nothing starts unless every address it would use is on loopback.
    const stray = torrcs.flatMap(nonLoopback);
    if (stray.length > 0) throw new Error(`torrc names non-loopback addresses: ${stray.join(', ')}`);
    const launchedAt = performance.now();
    plans.forEach((p, i) => {
      writeFileSync(join(p.dir, 'torrc'), torrcs[i] as string);
      const tracked = sandbox.spawn(tools.tor, ['--defaults-torrc', '/dev/null', '-f', join(p.dir, 'torrc')]);
      nodes.push({ ...p, fingerprint: ids[i]?.fingerprint ?? '', pid: tracked.child.pid ?? 0, tracked });
    });
    const client = nodes.find((n) => n.role === 'client') as RunningNode;
    controls.push(...await Promise.all(nodes.map((n) => waitFor(`the control port of ${n.nick}`, () => {
      check();
      return Control.open(n.control, join(n.dir, 'control_auth_cookie')).catch(() => undefined);
    }, 30_000, 200))));
    // Ready when every tor has bootstrapped and the client's consensus lists every relay: an exit still on an older
    // consensus refuses streams from a middle it does not know yet.
    const c = controls[nodes.indexOf(client)] as Control;
    let relays: ReturnType<typeof consensusRelays> = [];
    await waitFor('every tor to bootstrap 100% and the client to list every relay', async () => {
      check();
      const phases = await Promise.all(controls.map((k) => k.getinfo('status/bootstrap-phase')));
      relays = consensusRelays(await c.getinfo('ns/all'));
      return phases.every((p) => / PROGRESS=100 /.test(p)) && relays.length === nodes.length - 1;
    }, bootstrapTimeoutMs, 250);
    for (const k of controls.splice(0).filter((k) => k !== c)) k.close();
    controls.push(c);
    // Every relay the client builds paths from is one of ours, on loopback, IPv4 only.
    const ours = new Map(nodes.map((n) => [n.fingerprint, n]));
    const foreign = relays.filter((r) => ours.get(r.fingerprint)?.or !== r.or || nonLoopback(r.address).length > 0 || r.v6.length > 0);
    if (foreign.length > 0) throw new Error(`relays not ours or not on loopback in the consensus: ${JSON.stringify(foreign)}`);
    return { nodes, client, control: c, launchedAt, check, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
