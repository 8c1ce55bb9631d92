// The setup page in Debian's Chromium, at phone and desktop sizes, under the CSP masq-setup serves: every view
// (claim, login, the wizard's steps and live start, the dashboard) renders without a console error or CSP
// violation, its forms send what api.ts says, and markup in a neighbor's label, a log line or a parameter value
// shows as text and never runs. Screenshots of each state go to docs/setup/states/ (the real walk-through's, to
// docs/setup/: test/integration/setup-page.test.ts). The server is a throwaway: node:http serving the
// built page and canned JSON of api.ts's types.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type {
  ApiError, ConfigurationPanel, EarningsPanel, ExitLocationPanel, LanPanel, LogsPanel, NeighborhoodPanel, Phase, SetupAnswer, SshPanel, StatusPanel, SystemPanel,
} from '../../src/setup/api.js';
import { CHAINS } from '../../src/chains/index.js';
import { RUNTIME_SETTINGS } from '../../src/config/index.js';
import { CSRF_HEADER, CSRF_VALUE } from '../../src/setup/api.js';
import { type CheckedPage, PAGE_TIME, type Size, withBrowser } from '../helpers/browser.js';
import { ROOT, run, Sandbox } from '../helpers/processes.js';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'";
const PROBES = ['<script>window.__x=1</script>', '"><img src=x onerror="window.__x=1">'];
const SIZES: Size[] = ['phone', 'desktop'];
const MNEMONIC = 'oak river candle north glass tiger velvet harbor ocean pencil magnet orbit'.split(' ');
const CONFIRM = [2, 7, 11];
const KEY = 'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE';
const desc = (n: number): string => `masq://base-mainnet:${KEY.slice(n)}${'A'.repeat(n)}@203.0.113.${n}:${5000 + n}`;

const sandbox = new Sandbox();
let dist = '';

before(async () => {
  dist = sandbox.tempDir('masq-web-');
  const built = await run('node', [join(ROOT, 'scripts', 'build-web.mjs'), dist]);
  assert.equal(built.code, 0, built.stderr);
});
after(() => sandbox.cleanup());

// ---- canned answers ----

function setupAnswer(): SetupAnswer {
  const v = (name: string, value: string, status: string, secret = false) => ({ name, value, status, help: `Help for ${name}.`, valueName: 'VALUE', secret });
  return {
    running: false,
    errors: [],
    chains: CHAINS.map((c) => ({ name: c.name, mainnet: c.mainnet })),
    runtimeSettings: [...RUNTIME_SETTINGS],
    values: [
      v('blockchain-service-url', '', 'Required'), v('chain', 'base-mainnet', 'Default'), v('db-password', '', 'Required', true),
      v('earning-wallet', '', 'Blank'), v('gas-price', '1', 'Default'), v('min-hops', '3', 'Default'),
      v('neighborhood-mode', 'standard', 'Default'), v('neighbors', `${desc(21)},${desc(22)}`, 'Default'),
      v('unattended-restart', 'off', 'Default'), v('log-level', PROBES[1] as string, 'Set'),
    ],
  };
}

const COUNTRIES = ['CZ', 'PL', 'CZ', 'SK', 'DE'];

function neighborhood(): NeighborhoodPanel {
  const nodes: NeighborhoodPanel['nodes'] = [{ id: 'self', label: ['This box', '203.0.113.7:5123'], self: true, routes: true, country: 'AT' }];
  const edges: NeighborhoodPanel['edges'] = [];
  for (let i = 1; i <= 5; i++) {
    nodes.push({ id: `n${i}`, label: i === 3 ? PROBES : [`Nb${i}xQ…`, `198.51.100.${i}:${5000 + i}`], self: false, routes: i % 2 === 1, ...(i === 2 ? {} : { country: COUNTRIES[i - 1] as string }) });
    edges.push({ from: 'self', to: `n${i}` }, ...(i % 2 ? [{ from: `n${i}`, to: 'self' }] : []));
  }
  for (let i = 1; i <= 6; i++) {
    nodes.push({ id: `f${i}`, label: [i === 2 ? (PROBES[1] as string) : `Far${i}…`], self: false, routes: i % 3 === 0, country: COUNTRIES[i % 5] as string });
    edges.push({ from: `n${1 + (i % 5)}`, to: `f${i}` });
  }
  return { nodes, edges };
}

function earnings(): EarningsPanel {
  const start = PAGE_TIME.getTime() - 4 * 3600_000;
  const history = Array.from({ length: 48 }, (_, i) => ({
    at: start + i * 300_000, earnedGwei: Math.round(1.2e6 * i + 4e5 * Math.sin(i / 3) ** 2), owedGwei: Math.round(3e5 * i), paidGwei: 0, receivedGwei: 0,
  }));
  return { now: { ...(history[47] as EarningsPanel['history'][number]), paidGwei: 5e6, receivedGwei: 2.5e7 }, history };
}

function logs(): LogsPanel {
  const at = PAGE_TIME.getTime() - 60_000;
  return {
    lines: [
      { at, level: 'INFO', msg: 'Node started; listening on 0.0.0.0:5123' },
      { at: at + 1000, level: 'WARN', msg: `neighbor sent ${PROBES[0]}` },
      { at: at + 2000, level: 'INFO', msg: `descriptor label ${PROBES[1]}` },
      { at: at + 3000, level: 'ERROR', msg: 'blockchain service timed out after 10 s; retrying' },
    ],
  };
}

const configuration = (): ConfigurationPanel => ({
  blockchainServiceUrlOpt: 'https://base.example.org/rpc', chainName: 'base-mainnet', clandestinePort: 5123, gasPrice: 1,
  neighborhoodMode: 'standard', portMappingProtocol: PROBES[0], pastNeighbors: [desc(21), PROBES[1]], startBlock: 19_711_235,
  earningWalletAddressOpt: '0x1234567890abcdef1234567890abcdef12345678', ratePack: { routingByteRate: 53844, exitByteRate: 107688 },
});

/** CZ first, Austria second, where no exit is now; exits in three countries. */
const EXIT_LOCATION = (): Extract<ExitLocationPanel, { running: true }> => ({
  running: true, groups: [['CZ'], ['AT']], fallback: true, missing: ['AT'],
  countries: [{ code: 'CZ', exits: 3 }, { code: 'PL', exits: 2 }, { code: 'SK', exits: 1 }],
});

const system = (): SystemPanel => ({ cpuTempC: 51.8, memTotalBytes: 4e9, memAvailableBytes: 2.7e9, diskTotalBytes: 31.9e9, diskFreeBytes: 24.2e9, uptimeS: 3 * 86_400 + 5 * 3600, load1: 0.42 });

// ---- the throwaway box ----

interface Box {
  phase: Phase;
  lockedForS?: number;
  status: StatusPanel;
  ssh: SshPanel;
  lan: LanPanel;
  exitLocation: ExitLocationPanel;
  /** The dashboard's live views, to send events to. */
  streams: ServerResponse[];
  /** Answers given once, before the usual one, by 'METHOD /path'. */
  once: Map<string, Array<[number, unknown]>>;
  posts: Array<{ path: string; body: Record<string, unknown> }>;
  /** Routes the page asked that this fake box does not answer: a test that meets one is incomplete. */
  unknown: string[];
}

const refuse = (status: number, error: ApiError): [number, unknown] => [status, { error }];

function usual(box: Box, path: string, body: Record<string, unknown>): [number, unknown] {
  switch (path) {
    case '/api/state': return [200, { phase: box.phase, boxName: 'masq-7F3A', version: '0.1.0', waitingForPassword: box.status.waitingForPassword, ...(box.lockedForS ? { lockedForS: box.lockedForS } : {}) }];
    case '/api/claim/code': return [200, { ok: true }];
    case '/api/claim/password': box.phase = 'wizard'; return [200, { ok: true }];
    case '/api/login': box.phase = 'dashboard'; return [200, { ok: true }];
    case '/api/logout': box.phase = 'login'; return [200, { ok: true }];
    case '/api/setup': return [200, setupAnswer()];
    case '/api/wifi': return refuse(503, { code: 'WIFI_UNAVAILABLE', message: 'This machine\'s network is not managed by masq (no masq-wifi): connect it with a cable or your system\'s own tools.' });
    case '/api/chain/test': return [200, { chainId: 8453, expectedChainId: 8453, matches: true, blockNumber: 23_456_789, latencyMs: 84 }];
    case '/api/wallets/generate': return [200, { mnemonic: MNEMONIC, consumingAddress: '0xC0fFee0000000000000000000000000000000001', earningAddress: '0xEa7000000000000000000000000000000000beef', confirmPositions: CONFIRM }];
    case '/api/wallets/confirm': {
      const right = CONFIRM.map((p) => MNEMONIC[p - 1]);
      if (JSON.stringify(body['words']) !== JSON.stringify(right)) return refuse(400, { code: 'WALLET', message: 'Word 7 is not the word of the phrase.', fix: 'Look at your paper again.', field: 'words' });
      return [200, { consumingAddress: '0xC0fFee0000000000000000000000000000000001', earningAddress: '0xEa7000000000000000000000000000000000beef' }];
    }
    case '/api/node/start': box.phase = 'dashboard'; return [200, { pid: 4242 }];
    case '/api/node/unlock': return [200, { ok: true }];
    case '/api/panel/status': return [200, box.status];
    case '/api/panel/descriptor': return [200, { descriptor: desc(7) }];
    case '/api/panel/neighborhood': return [200, neighborhood()];
    case '/api/panel/automap': return [200, { state: 'mapped', protocol: 'pcp', router: '192.168.1.1', publicAddress: '203.0.113.7', externalPort: 5123, internalPort: 5123, lifetimeSec: 600, summary: 'The router (PCP) forwards port 5123 to this box.', attempts: [] }];
    case '/api/panel/earnings': return [200, earnings()];
    case '/api/panel/system': return [200, system()];
    case '/api/panel/logs': return [200, logs()];
    case '/api/panel/configuration': return [200, configuration()];
    case '/api/configuration': return [200, { ok: true }];
    case '/api/backup': return [200, { fileName: 'masq-7F3A.backup', file: 'BACKUP-FILE-TEXT' }];
    case '/api/panel/ssh': return [200, box.ssh];
    case '/api/panel/lan': return [200, box.lan];
    case '/api/panel/exit-location': return [200, box.exitLocation];
    case '/api/exit-location': return saveExitLocation(box, body);
    case '/api/ssh/keys': return sshChange(box, body);
    case '/api/ssh/keys/remove': return sshChange(box, body);
    case '/api/ssh/user': return sshChange(box, body);
    default:
      box.unknown.push(path);
      return refuse(404, { code: 'NOT_FOUND', message: `No route ${path}.` });
  }
}

/** The ssh card's changes, as masq-setup answers them: the private key refused next to its field, pi taken. */
function sshChange(box: Box, body: Record<string, unknown>): [number, unknown] {
  const s = box.ssh;
  if (!s.offered) return refuse(409, { code: 'SSH_ACCESS_OFF', message: s.message });
  if (typeof body['key'] === 'string') {
    if (body['key'].includes('PRIVATE KEY')) {
      return refuse(400, { code: 'SSH_ACCESS', message: 'This is a private key: paste the line from id_ed25519.pub instead (the file of the same name ending in .pub).', fix: 'Keep the private key on your own computer: whoever has it can log in as you.', field: 'key' });
    }
    s.keys.push({ type: 'ssh-ed25519', label: 'ED25519', bits: 256, fingerprint: 'SHA256:Qm9uam91ciBsZSBtb25kZSwgcXVlbGxlIGJlbGxlIGpv', comment: String(body['key']).split(' ')[2] ?? '' });
  }
  if (typeof body['fingerprint'] === 'string') s.keys = s.keys.filter((k) => k.fingerprint !== body['fingerprint']);
  if (body['user'] === 'pi') return refuse(400, { code: 'SSH_ACCESS', message: 'pi is an existing account of this system (uid 1000), not one made for the setup page\'s keys. Choose another login name.', field: 'user' });
  if (typeof body['user'] === 'string') s.user = body['user'];
  s.applied = 'pending';
  s.message = 'The box is applying the last change; this takes a few seconds.';
  return [200, s];
}

/** The exit location kept as chosen, its countries without exits answered as masq-setup answers them. */
function saveExitLocation(box: Box, body: Record<string, unknown>): [number, unknown] {
  const was = box.exitLocation;
  if (!was.running) return refuse(409, { code: 'NODE_NOT_RUNNING', message: 'Cannot handle exitLocation request: Node is not running', fix: 'Start the Node first.' });
  const groups = body['groups'] as string[][];
  const missing = groups.flat().filter((c) => !was.countries.some((x) => x.code === c));
  box.exitLocation = { ...was, groups, fallback: groups.length === 0 || body['fallback'] === true, missing };
  return [200, { missing }];
}

const SSH_ON = (): Extract<SshPanel, { offered: true }> => ({
  offered: true, user: 'owner', applied: 'applied', message: 'The login owner opens with 2 keys; it may use masq and may run any command as root with sudo, without a password.',
  keys: [
    { type: 'ssh-ed25519', label: 'ED25519', bits: 256, fingerprint: 'SHA256:gN+DX1rbFX7iEnV4mebJODt/fT8ZXiZs2MWzJnnNTfM', comment: 'me@laptop' },
    { type: 'ssh-rsa', label: 'RSA', bits: 3072, fingerprint: 'SHA256:ShIWkdYrpqC0Q2EpSPrszw+m22EG46dNo/c8H6LbFdQ', comment: PROBES[1] as string },
  ],
});

/** The live start: the Node comes up, meets its neighbors, finds a route; one log line carries markup. */
function events(res: ServerResponse, box: Box): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'content-security-policy': CSP });
  box.streams.push(res);
  const at = PAGE_TIME.getTime();
  const script: Array<[string, unknown]> = [
    ['node', { type: 'node', running: true, pid: 4242 }],
    ['log', { type: 'log', level: 'INFO', msg: 'Node started', at }],
    ['stage', { type: 'stage', stage: 'ConnectedToNeighbor' }],
    ['log', { type: 'log', level: 'WARN', msg: `a neighbor calls itself ${PROBES[0]}`, at: at + 500 }],
    ['log', { type: 'log', level: 'INFO', msg: 'Gossip received from 3 Nodes', at: at + 900 }],
    ['stage', { type: 'stage', stage: 'RouteFound' }],
  ];
  script.forEach(([type, data], i) => setTimeout(() => res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`), 50 * (i + 1)));
}

const STATIC: Record<string, [string, string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/app.css': ['app.css', 'text/css; charset=utf-8'],
};

async function serve(box: Box): Promise<{ url: string; server: Server }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, value: unknown, type = 'application/json'): void => {
      res.writeHead(status, { 'content-type': type, 'content-security-policy': CSP, 'cache-control': 'no-store' });
      res.end(typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value));
    };
    const file = STATIC[path];
    if (req.method === 'GET' && file) return send(200, readFileSync(join(dist, file[0])), file[1]);
    if (path === '/api/events') return events(res, box);
    if (path === '/api/logs/download') return send(200, 'log', 'text/plain');
    let raw = '';
    req.on('data', (d: Buffer) => { raw += d.toString(); });
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      if (req.method === 'POST') {
        // What masq-setup will insist on: the CSRF header and a JSON body.
        if (req.headers[CSRF_HEADER] !== CSRF_VALUE || req.headers['content-type'] !== 'application/json') {
          return send(403, { error: { code: 'CSRF', message: `POST ${path} without the CSRF header or JSON` } });
        }
        body = JSON.parse(raw) as Record<string, unknown>;
        box.posts.push({ path, body });
      }
      const queued = box.once.get(`${req.method} ${path}`)?.shift();
      const [status, answer] = queued ?? usual(box, path, body);
      send(status, answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

function newBox(phase: Phase): Box {
  return {
    phase, once: new Map(), posts: [], unknown: [], ssh: SSH_ON(), exitLocation: EXIT_LOCATION(), streams: [],
    lan: { lanConsuming: true, boxName: 'masq-7F3A', address: '192.168.1.20', proxyPort: 5380, user: 'masq', passwordSet: true, pageOnLan: true, lanDns: true, dnsPorts: true },
    status: { nodeRunning: true, stage: 'RouteFound', mode: 'standard', unattendedRestart: 'on', waitingForPassword: false },
  };
}

/** Opens the page of a fresh box at each size; the server and the browser are closed whatever happens. */
async function eachSize(phase: Phase, prepare: (box: Box) => void, f: (p: CheckedPage, box: Box) => Promise<void>): Promise<void> {
  await withBrowser(async (session) => {
    for (const size of SIZES) {
      const box = newBox(phase);
      prepare(box);
      const { url, server } = await serve(box);
      try {
        const p = await session.open(size, url);
        await f(p, box);
        assert.deepEqual(p.problems(), [], `${size}: console errors or CSP violations`);
        assert.deepEqual(box.unknown, [], `${size}: routes the fake box does not answer`);
        assert.equal(await p.page.evaluate(() => (window as unknown as { __x?: number }).__x), undefined, 'no probe ran');
      } finally {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    }
  });
}

/** What masq-setup sends the dashboard when the Node says a setting changed. */
const configurationChanged = (box: Box): void => {
  for (const s of box.streams) s.write('event: configuration\ndata: {"type":"configuration"}\n\n');
};

const posted = (box: Box, path: string): Record<string, unknown> | undefined => box.posts.filter((p) => p.path === path).at(-1)?.body;

// ---- the views ----

test('the first load stays under 100 KB compressed', () => {
  const total = ['index.html', 'app.js', 'app.css'].reduce((n, f) => n + gzipSync(readFileSync(join(dist, f)), { level: 9 }).length, 0);
  assert.ok(total < 100_000, `${total} bytes`);
});

test('claim: the code is formatted as typed, a wrong one says how many tries are left, then the admin password is chosen', async () => {
  await eachSize('claim', (box) => {
    box.once.set('POST /api/claim/code', [refuse(403, { code: 'SETUP_CODE_WRONG', message: 'This is not the setup code.', fix: 'Check the code on the box.', field: 'code', triesLeft: 4 })]);
  }, async (p, box) => {
    const { page } = p;
    const code = page.getByLabel('Setup code');
    await code.pressSequentially('ab cd1');
    assert.equal(await code.inputValue(), 'ABCD-1');
    await code.pressSequentially('234');
    assert.equal(await code.inputValue(), 'ABCD-1234');
    await p.screenshot('states/claim');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('4 tries left').waitFor();
    await p.screenshot('states/claim-wrong-code');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Choose the admin password' }).waitFor();
    assert.deepEqual(posted(box, '/api/claim/code'), { code: 'ABCD1234' });
    await page.getByLabel('Admin password').fill('password12');
    await page.getByText('Strength: very weak').waitFor();
    await page.getByLabel('The same password again').fill('password13');
    await page.getByRole('button', { name: 'Save the password' }).click();
    await page.getByText('The two passwords are not the same.').waitFor();
    await p.screenshot('states/claim-password');
    await page.getByLabel('Admin password').fill('tulip hammer lantern 42');
    await page.getByLabel('The same password again').fill('tulip hammer lantern 42');
    await page.getByRole('button', { name: 'Save the password' }).click();
    await page.getByRole('heading', { name: 'Secure the box' }).waitFor();
    assert.deepEqual(posted(box, '/api/claim/password'), { password: 'tulip hammer lantern 42' });
  });
});

test('claim and login: a lockout counts down and keeps the button disabled', async () => {
  await eachSize('claim', (box) => { box.lockedForS = 299; }, async (p) => {
    await p.page.getByText('try again in 4:59').waitFor();
    assert.equal(await p.page.getByRole('button', { name: 'Continue' }).isDisabled(), true);
    await p.screenshot('states/claim-locked');
  });
  await eachSize('login', (box) => {
    box.once.set('POST /api/login', [refuse(403, { code: 'LOCKED_OUT', message: 'Too many wrong passwords.', lockedForS: 90 })]);
  }, async (p) => {
    const { page } = p;
    await p.screenshot('states/login');
    await page.getByLabel('Admin password').fill('not it');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Too many wrong passwords. You can try again in 1:30.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Log in' }).isDisabled(), true);
    await p.screenshot('states/login-locked');
  });
});

test('wizard: five steps, each validated by the box, then the live start and the dashboard', async () => {
  await eachSize('wizard', (box) => {
    // The first URL is refused by the box's own check; the page shows why next to the field.
    box.once.set('POST /api/setup', [[200, { ...setupAnswer(), errors: [['blockchain-service-url', "'ftp://rpc' must start with http://, https://, ws:// or wss://"]] }]]);
  }, async (p, box) => {
    const { page } = p;
    await page.getByRole('heading', { name: 'Secure the box' }).waitFor();
    await page.getByRole('textbox', { name: 'Database password', exact: true }).fill('copper meadow falcon 9');
    await page.getByLabel('The same password again').fill('copper meadow falcon 9');
    await page.getByText('Yes, start by itself').click();
    await p.screenshot('states/wizard-1-password');
    // The first answer is the URL's error, which belongs to step 2: step 1 does not stop for it.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Blockchain' }).waitFor();
    assert.deepEqual(posted(box, '/api/setup'), { values: [{ name: 'db-password', value: 'copper meadow falcon 9' }, { name: 'unattended-restart', value: 'on' }] });

    box.once.set('POST /api/setup', [[200, { ...setupAnswer(), errors: [['blockchain-service-url', "'ftp://rpc' must start with http://, https://, ws:// or wss://"]] }]]);
    await page.getByLabel('Blockchain service URL').fill('ftp://rpc');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText("'ftp://rpc' must start with").waitFor();
    await page.getByLabel('Blockchain service URL').fill('https://base.example.org/rpc');
    await page.getByRole('button', { name: 'Test the connection' }).click();
    await page.getByText('The service works.').waitFor();
    assert.deepEqual(posted(box, '/api/chain/test'), { chain: 'base-mainnet', url: 'https://base.example.org/rpc' });
    await p.screenshot('states/wizard-2-chain');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Wallets' }).waitFor();
    await p.screenshot('states/wizard-3-wallets');
    await page.getByRole('button', { name: 'Create the wallets' }).click();
    await page.getByText('Write these words down on paper').waitFor();
    assert.deepEqual(posted(box, '/api/wallets/generate'), { dbPassword: 'copper meadow falcon 9', wordCount: 12 });
    await p.screenshot('states/wizard-3-phrase');
    await page.getByRole('button', { name: 'I have written them down' }).click();
    for (const pos of CONFIRM) await page.getByLabel(`Word number ${pos}`).fill(pos === 7 ? 'wrong' : ` ${(MNEMONIC[pos - 1] as string).toUpperCase()} `);
    await page.getByRole('button', { name: 'Check the words' }).click();
    await page.getByText('Word 7 is not the word of the phrase.').waitFor();
    await page.getByLabel('Word number 7').fill(MNEMONIC[6] as string);
    await page.getByRole('button', { name: 'Check the words' }).click();
    await page.getByText('The wallets are ready.').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Neighborhood' }).waitFor();
    assert.equal(await page.getByLabel('Neighbors').inputValue(), `${desc(21)}\n${desc(22)}`, 'past neighbors are pre-filled');
    await p.screenshot('states/wizard-4-neighborhood');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Review and start' }).waitFor();
    await page.getByRole('button', { name: 'Start the Node' }).waitFor();
    assert.deepEqual(posted(box, '/api/setup'), { values: [{ name: 'neighborhood-mode', value: 'standard' }, { name: 'neighbors', value: `${desc(21)},${desc(22)}` }] });
    await p.screenshot('states/wizard-5-review');
    await page.getByRole('button', { name: 'Start the Node' }).click();
    await page.getByRole('heading', { name: 'Starting the Node' }).waitFor();
    await page.locator('.milestones li.done').nth(2).waitFor();
    await page.getByText(`a neighbor calls itself ${PROBES[0]}`).waitFor();
    await p.screenshot('states/wizard-live');
    await page.getByRole('button', { name: 'Go to the dashboard' }).click();
    await page.locator('[data-panel="panelStatus"] .big').waitFor();
  });
});

test('dashboard: every panel from its own route; markup in labels, logs and values shows as text', async () => {
  await eachSize('dashboard', () => undefined, async (p, box) => {
    const { page } = p;
    for (const panel of ['panelStatus', 'panelDescriptor', 'panelNeighborhood', 'panelExitLocation', 'panelAutomap', 'panelEarnings', 'panelSystem', 'panelLogs', 'panelConfiguration', 'panelSsh', 'panelLan']) {
      await page.locator(`[data-panel="${panel}"] .updated`).filter({ hasText: 'Updated' }).waitFor();
    }
    const text = await page.evaluate(() => document.body.textContent ?? '');
    for (const probe of PROBES) {
      assert.ok(text.includes(`neighbor sent ${probe}`) || text.includes(`descriptor label ${probe}`), `log line shows ${probe}`);
      assert.ok(await page.locator('ul.neighbors li').filter({ hasText: probe }).count() > 0, `neighbor label shows ${probe}`);
      assert.ok((await page.locator('svg.graph title').allTextContents()).some((t) => t.includes(probe)), `graph tooltip shows ${probe}`);
      assert.ok(await page.locator('table.config td').filter({ hasText: probe }).count() > 0, `configuration value shows ${probe}`);
    }
    assert.ok((await page.locator('svg.graph text').allTextContents()).includes(`${(PROBES[0] as string).slice(0, 9)}…`), 'the graph labels a neighbor, shortened');
    assert.deepEqual((await page.locator('svg.graph text.country').allTextContents()).sort(), ['AT', 'CZ', 'CZ', 'CZ', 'CZ', 'DE', 'DE', 'PL', 'PL', 'SK', 'SK'], 'each Node\'s known country in its circle');
    await page.locator('ul.neighbors li').filter({ hasText: 'in Slovakia (SK)' }).waitFor();
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('script').count(), 1);
    assert.ok(await page.locator('svg.qr path').count() === 1, 'the descriptor has a QR code');
    await p.screenshot('states/dashboard');

    // A runtime setting goes through setConfiguration; the backup is saved as the file the box named.
    await page.getByText('Change a setting').click();
    await page.getByLabel('Setting').selectOption('gas-price');
    await page.getByText('This changes at once').waitFor();
    await page.getByLabel('New value').fill('2');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    assert.deepEqual(posted(box, '/api/configuration'), { name: 'gas-price', value: '2' });
    const backup = page.getByRole('region', { name: 'Backup' });
    await backup.getByRole('textbox', { name: 'Database password', exact: true }).fill('copper meadow falcon 9');
    await backup.getByRole('textbox', { name: 'Backup password', exact: true }).fill('a long backup secret');
    await backup.getByRole('textbox', { name: 'The same password again' }).fill('a long backup secret');
    const download = page.waitForEvent('download');
    await backup.getByRole('button', { name: 'Download a backup' }).click();
    const file = await download;
    assert.equal(file.suggestedFilename(), 'masq-7F3A.backup');
    assert.equal(readFileSync(await file.path(), 'utf8'), 'BACKUP-FILE-TEXT');
  });
});

test('dashboard after a reboot without unattended restart: the Node waits for the database password', async () => {
  await eachSize('dashboard', (box) => {
    box.status = { nodeRunning: false, unattendedRestart: 'off', waitingForPassword: true };
  }, async (p, box) => {
    const { page } = p;
    await page.getByText('The Node is waiting for its password').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Start', exact: true }).isHidden(), true);
    await p.screenshot('states/dashboard-unlock');
    const status = page.locator('[data-panel="panelStatus"]');
    await status.getByRole('textbox', { name: 'Database password' }).fill('copper meadow falcon 9');
    box.status = { nodeRunning: true, stage: 'NotConnected', mode: 'standard', unattendedRestart: 'off', waitingForPassword: false };
    await status.getByRole('button', { name: 'Start the Node' }).click();
    // At once, not at the next 5 s refresh: the unlock refreshes every panel.
    await status.getByText('The Node is running').waitFor({ timeout: 3000 });
    assert.deepEqual(posted(box, '/api/node/unlock'), { dbPassword: 'copper meadow falcon 9' });
  });
});

test('dashboard, ssh access: the login, its keys and the command; a private key refused next to the field; add, remove, rename', async () => {
  await eachSize('dashboard', () => undefined, async (p, box) => {
    const { page } = p;
    const card = page.getByRole('region', { name: 'ssh access' });
    await card.locator('.updated').filter({ hasText: 'Updated' }).waitFor();
    await card.getByText('Whoever holds one of these keys is root on this box.').waitFor();
    assert.equal(await card.locator('code.command').innerText(), 'ssh owner@masq-7F3A.local');
    assert.deepEqual(await card.locator('ul.ssh-keys .fingerprint').allInnerTexts(), SSH_ON().keys.map((k) => k.fingerprint));
    assert.ok(await card.locator('ul.ssh-keys .comment').filter({ hasText: PROBES[1] as string }).count() === 1, 'a comment holding markup shows as text');

    await card.getByLabel('Public key').fill('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE\n-----END OPENSSH PRIVATE KEY-----');
    await card.getByRole('button', { name: 'Add the key' }).click();
    await card.getByText('This is a private key: paste the line from id_ed25519.pub').waitFor();
    assert.equal(await card.getByLabel('Public key').evaluate((e) => e.getAttribute('aria-describedby')?.split(' ').some((id) => document.getElementById(id)?.textContent?.includes('private key'))), true, 'the error belongs to the field');
    await p.screenshot('states/dashboard-ssh');

    await card.getByLabel('Public key').fill('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGPh me@phone');
    await card.getByRole('button', { name: 'Add the key' }).click();
    await card.getByText('Added. The box applies it within a few seconds.').waitFor();
    assert.deepEqual(posted(box, '/api/ssh/keys'), { key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGPh me@phone' });
    await card.locator('ul.ssh-keys li').nth(2).waitFor();
    await card.getByText('Being applied…').waitFor();

    await card.getByRole('button', { name: `Remove the key ${SSH_ON().keys[0]?.fingerprint}` }).click();
    await page.waitForFunction(() => document.querySelectorAll('ul.ssh-keys li').length === 2);
    assert.deepEqual(posted(box, '/api/ssh/keys/remove'), { fingerprint: SSH_ON().keys[0]?.fingerprint });

    await card.getByText('Change the login name').click();
    await card.getByLabel('Login name').fill('pi');
    await card.getByRole('button', { name: 'Save the name' }).click();
    await card.getByText('pi is an existing account of this system').waitFor();
    await card.getByLabel('Login name').fill('me');
    await card.getByRole('button', { name: 'Save the name' }).click();
    await card.locator('code.command').filter({ hasText: 'ssh me@masq-7F3A.local' }).waitFor();
    assert.deepEqual(posted(box, '/api/ssh/user'), { user: 'me' });
  });
});

test('dashboard, ssh access off: the card says so and how root turns it on, with no form', async () => {
  await eachSize('dashboard', (box) => {
    box.ssh = { offered: false, message: 'ssh access from the setup page is off on this box, so no key can be added or listed here. As root, add the line ssh-access-from-page = "on" to /etc/masq/config.toml and run systemctl restart masq-daemon (the Raspberry Pi image has it on).' };
  }, async (p) => {
    const card = p.page.getByRole('region', { name: 'ssh access' });
    await card.getByText('ssh-access-from-page = "on"').waitFor();
    assert.equal(await card.getByLabel('Public key').isHidden(), true);
    assert.equal(await card.locator('code.command').count(), 0);
    await p.screenshot('states/dashboard-ssh-off');
  });
});

test('dashboard, use the box from your devices: the PAC addresses, the proxy, the password, each device\'s steps; turned on or off', async () => {
  await eachSize('dashboard', () => undefined, async (p, box) => {
    const { page } = p;
    const card = page.getByRole('region', { name: 'Use the box from your devices' });
    await card.locator('.updated').filter({ hasText: 'Updated' }).waitFor();
    assert.deepEqual(await card.locator('code.command').allInnerTexts(), ['http://masq-7F3A.local/proxy.pac', 'http://192.168.1.20/proxy.pac']);
    await card.getByText('192.168.1.20:5380').waitFor();
    await card.getByText('devices give the user name masq').waitFor();
    await card.getByText('iPhone and iPad').click();
    await card.getByText('URL: http://192.168.1.20/proxy.pac, then Save.', { exact: true }).waitFor();
    await p.screenshot('states/dashboard-lan');

    // The whole-home DNS mode: on, the address to give as DNS server, what it cannot carry, each browser's DoH.
    const dns = card.getByRole('region', { name: 'Whole-home DNS mode' });
    await dns.getByText('DNS server to give').waitFor();
    assert.equal(await dns.locator('dd .mono').innerText(), '192.168.1.20');
    assert.equal(await dns.locator('.warning').count(), 0, 'the ports are there');
    await dns.getByText('Turn off a browser\'s own encrypted DNS').click();
    await dns.getByText('Settings → Privacy & Security → DNS over HTTPS: Off.', { exact: false }).waitFor();
    await dns.getByText('What it cannot carry').click();
    await dns.getByText('Only web traffic on ports 80 and 443', { exact: false }).waitFor();
    await p.screenshot('states/dashboard-lan-dns', card);
    await card.getByText('Turn the whole-home DNS mode on or off').click();
    await card.getByLabel('Serve the whole home by DNS').selectOption('off');
    const dnsSaved = page.waitForResponse((r) => r.url().endsWith('/api/setup') && r.request().method() === 'POST');
    await card.getByRole('button', { name: 'Save the DNS mode' }).click();
    await dnsSaved;
    assert.deepEqual(posted(box, '/api/setup'), { values: [{ name: 'lan-dns', value: 'off' }] });

    await card.getByText('Turn it on or off, set the password').click();
    await card.getByLabel('Serve the devices of this network').selectOption('off');
    const saved = () => page.waitForResponse((r) => r.url().endsWith('/api/setup') && r.request().method() === 'POST');
    let answer = saved();
    await card.getByRole('button', { name: 'Save the proxy settings' }).click();
    await answer;
    assert.deepEqual(posted(box, '/api/setup'), { values: [{ name: 'lan-consuming', value: 'off' }] });
    await card.getByLabel('New proxy password').fill('living-room-42');
    await card.getByLabel('Serve the devices of this network').selectOption('on');
    answer = saved();
    await card.getByRole('button', { name: 'Save the proxy settings' }).click();
    await answer;
    assert.deepEqual(posted(box, '/api/setup'), { values: [{ name: 'lan-consuming', value: 'on' }, { name: 'proxy-password', value: 'living-room-42' }] });
  });
});

test('dashboard, the box for your devices while off: says so, with the form to turn it on', async () => {
  await eachSize('dashboard', (box) => {
    box.lan = { lanConsuming: false, boxName: 'masq-7F3A', address: '192.168.1.20', proxyPort: 5380, user: 'masq', passwordSet: false, pageOnLan: false, lanDns: false, dnsPorts: false };
  }, async (p) => {
    const card = p.page.getByRole('region', { name: 'Use the box from your devices' });
    await card.getByText('Off: the box\'s proxy serves the box itself only.').waitFor();
    await card.getByText('Whole-home DNS mode is off', { exact: false }).waitFor();
    assert.equal(await card.locator('code.command').count(), 0);
    assert.equal(await card.getByRole('button', { name: 'Remove the password' }).isHidden(), true);
    await p.screenshot('states/dashboard-lan-off');
  });
});

test('dashboard, exit location: the choice now, the countries with exits and their counts, a choice built in order and saved, then cleared', async () => {
  await eachSize('dashboard', () => undefined, async (p, box) => {
    const { page } = p;
    const card = page.getByRole('region', { name: 'Exit location' });
    await card.locator('.updated').filter({ hasText: 'Updated' }).waitFor();
    await card.getByText('1. Czechia (CZ)').waitFor();
    await card.getByText('No exit in Austria (AT) now', { exact: false }).waitFor();
    await card.getByText('Choose the countries', { exact: true }).click();
    const options = await card.getByLabel('Country with exits').locator('option').allTextContents();
    assert.deepEqual(options, ['Poland (PL) — 2 exits', 'Slovakia (SK) — 1 exit'], 'the countries not chosen yet, by name, with their exits');
    assert.deepEqual(await card.locator('ol.exit-choice .name').allInnerTexts(), ['Czechia (CZ) — 3 exits', 'Austria (AT) — no exit now']);

    // Austria out; Poland next, Slovakia as wanted as Poland; only these countries.
    await card.getByRole('button', { name: 'Remove Austria (AT)' }).click();
    await card.getByLabel('Country with exits').selectOption('PL');
    await card.getByRole('button', { name: 'Add', exact: true }).click();
    await card.getByLabel('Country with exits').selectOption('SK');
    await card.getByRole('button', { name: 'Add', exact: true }).click();
    await card.getByLabel('As wanted as Poland (PL)').check();
    await card.getByLabel('Fall back to other countries when none of these is reachable').uncheck();
    assert.deepEqual(await card.locator('ol.exit-choice .rank').allInnerTexts(), ['1.', '2.', '2.']);
    await card.getByText('Every country with exits now is in your list.').waitFor();
    await p.screenshot('states/dashboard-exit-location', card);
    await card.getByRole('button', { name: 'Save the exit location' }).click();
    await card.getByText('Saved.', { exact: true }).waitFor();
    assert.deepEqual(posted(box, '/api/exit-location'), { groups: [['CZ'], ['PL', 'SK']], fallback: false });
    await card.getByText('2. Poland (PL), Slovakia (SK)').waitFor();
    await card.getByText('Only these countries', { exact: false }).waitFor();

    // Changed elsewhere meanwhile: the card shows it, and no longer says "Saved." of its own choice.
    box.exitLocation = { ...EXIT_LOCATION(), groups: [['SK']], missing: [] };
    configurationChanged(box);
    await card.getByText('1. Slovakia (SK)').waitFor({ timeout: 2500 });
    assert.equal(await card.getByText('Saved.', { exact: true }).count(), 0);

    await card.getByRole('button', { name: 'Clear the choice' }).click();
    await card.getByText('Cleared: exits in any country serve.').waitFor();
    assert.deepEqual(posted(box, '/api/exit-location'), { groups: [], fallback: true });
    await card.getByText('No preference: exits in any country serve.').waitFor();
  });
});

test('dashboard, exit location: a change made elsewhere shows at once (configurationChanged); a stopped Node is said so', async () => {
  await eachSize('dashboard', () => undefined, async (p, box) => {
    const { page } = p;
    const card = page.getByRole('region', { name: 'Exit location' });
    await card.getByText('1. Czechia (CZ)').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-panel="panelExitLocation"] .updated')?.textContent?.startsWith('Updated'));
    // masq exit-location on the box: the Node tells every UI, the page server tells the dashboard.
    box.exitLocation = { ...EXIT_LOCATION(), groups: [['SK']], missing: [] };
    configurationChanged(box);
    await card.getByText('1. Slovakia (SK)').waitFor({ timeout: 2500 });

    box.exitLocation = { running: false };
    configurationChanged(box);
    await card.getByText('The Node is not running', { exact: false }).waitFor({ timeout: 2500 });
    assert.equal(await card.getByText('Choose the countries', { exact: true }).isHidden(), true);
    await p.screenshot('states/dashboard-exit-location-stopped', card);
  });
});
