// The wizard's steps: the setup values (checked by the Daemon with the same parameter table masq uses), the chain
// test, the wallets, and starting, stopping and unlocking the Node. The dashboard uses the same routes later.

import { randomInt } from 'node:crypto';
import { CHAINS } from '../chains/index.js';
import { findParam, RUNTIME_SETTINGS, SETUP_PARAMS } from '../config/index.js';
import type { SetupResponse } from '../ui/index.js';
import type { GenerateAnswer, OkAnswer, SetupAnswer, StartAnswer, WalletsAnswer } from './api.js';
import { type PageContext, pageError } from './context.js';
import { field, type Handlers } from './handler.js';
import type { NodeControl } from './node-control.js';

const CONFIRM_WORDS = 3;

/** The Daemon's setup, with each parameter's help from the table, for the page's forms. */
export function setupAnswer(r: SetupResponse): SetupAnswer {
  const values = r.values
    .filter((v) => SETUP_PARAMS.some((p) => p.name === v.name))
    .map((v) => {
      const p = findParam(v.name);
      return { name: v.name, value: v.value, status: v.status, help: p?.help ?? '', valueName: p?.valueName ?? '', secret: p?.secret === true };
    });
  return {
    running: r.running, values, errors: r.errors.map((e) => [e[0] ?? '', e[1] ?? ''] as [string, string]),
    chains: CHAINS.map((c) => ({ name: c.name, mainnet: c.mainnet })), runtimeSettings: [...RUNTIME_SETTINGS],
  };
}

/** Distinct positions, in order, of the words to type back. */
function confirmPositions(count: number): number[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(CONFIRM_WORDS, count)) picked.add(randomInt(1, count + 1));
  return [...picked].sort((a, b) => a - b);
}

export function wizardRoutes(ctx: PageContext, node: NodeControl): Handlers {
  const ok: OkAnswer = { ok: true };
  return {
    async getSetup() {
      return setupAnswer(await node.setup([]));
    },
    async putSetup({ body }) {
      const values = body.values as Array<{ name: string; value: string }>;
      const box = await ctx.link.daemon('boxStatus', {});
      // The Daemon's own parameters (the page's LAN, unattended restart) change while the Node runs.
      const nodes = values.filter((v) => !findParam(v.name)?.daemonOnly);
      if (box.nodeRunning && nodes.length > 0) {
        // The Daemon takes no setup while the Node runs (as MASQ's). During the wizard, the Node the box came up
        // with gives way to the one being set up; on the dashboard, stopping it is the administrator's choice.
        if (box.setupDone) throw pageError(409, 'NODE_RUNNING', 'These settings cannot change while the Node runs.', { fix: 'Stop the Node, change them, and start it again.' });
        await node.stop();
      }
      return setupAnswer(await node.setup(values));
    },
    async testChain({ body }) {
      return ctx.testChain(field(body, 'chain'), field(body, 'url'));
    },
    async generateWallets({ body, session }): Promise<GenerateAnswer> {
      const dbPassword = field(body, 'dbPassword');
      const g = await node.withNode(dbPassword, () => ctx.link.node('generateWallets', {
        dbPassword, seedSpecOpt: { mnemonicPhraseSizeOpt: body.wordCount as number, mnemonicPhraseLanguageOpt: 'English', ...(field(body, 'passphrase') ? { mnemonicPassphraseOpt: field(body, 'passphrase') } : {}) },
      }));
      const words = g.mnemonicPhraseOpt ?? [];
      const positions = confirmPositions(words.length);
      // Kept only until the words are confirmed, in this session's memory: never on disk, never logged.
      if (session) session.pendingWords = { words, positions };
      return { mnemonic: words, consumingAddress: g.consumingWalletAddress, earningAddress: g.earningWalletAddress, confirmPositions: positions };
    },
    async confirmWords({ body, session }) {
      const pending = session?.pendingWords;
      if (!pending) throw pageError(409, 'NO_PHRASE', 'There is no new phrase to confirm.', { fix: 'Generate the wallets first.' });
      const given = (body.words as string[]).map((w) => w.trim().toLowerCase());
      const wrong = pending.positions.filter((p, i) => given[i] !== pending.words[p - 1]);
      if (wrong.length > 0) {
        throw pageError(400, 'WORDS_WRONG', `Word${wrong.length > 1 ? 's' : ''} ${wrong.join(', ')} ${wrong.length > 1 ? 'do' : 'does'} not match the phrase.`, { fix: 'Check what you wrote down; the phrase is the only way back to these wallets.', field: 'words' });
      }
      delete session.pendingWords;
      return ok;
    },
    async recoverWallets({ body }): Promise<WalletsAnswer> {
      const dbPassword = field(body, 'dbPassword');
      const phrase = field(body, 'mnemonic').trim().toLowerCase().split(/\s+/).filter(Boolean);
      const earning = field(body, 'earningAddress').trim();
      if (phrase.length === 0 && earning === '') throw pageError(400, 'WALLETS_MISSING', 'Give a recovery phrase, or an earning address.', { field: 'mnemonic' });
      if (phrase.length === 0) {
        const r = await node.setup([{ name: 'earning-wallet', value: earning }]);
        const why = r.errors.find(([p]) => p === 'earning-wallet');
        if (why) throw pageError(400, 'CONFIG_INVALID', `The earning address ${why[1]}.`, { field: 'earningAddress' });
        return { earningAddress: earning };
      }
      return node.withNode(dbPassword, async () => {
        await ctx.link.node('recoverWallets', {
          dbPassword, seedSpecOpt: { mnemonicPhrase: phrase, mnemonicPhraseLanguageOpt: 'English', ...(field(body, 'passphrase') ? { mnemonicPassphraseOpt: field(body, 'passphrase') } : {}) },
        });
        const a = await ctx.link.node('walletAddresses', { dbPassword });
        return { consumingAddress: a.consumingWalletAddress, earningAddress: a.earningWalletAddress };
      });
    },
    async start(): Promise<StartAnswer> {
      return { pid: await node.start() };
    },
    async stop() {
      await node.stop();
      return ok;
    },
    async restart(): Promise<StartAnswer> {
      await node.stop();
      return { pid: await node.start() };
    },
    async unlock({ body }): Promise<StartAnswer> {
      const r = await node.setup([{ name: 'db-password', value: field(body, 'dbPassword') }]);
      if (r.errors.length > 0) throw pageError(400, 'CONFIG_INVALID', r.errors.map(([p, why]) => `${p}: ${why}`).join('; '), { field: 'dbPassword' });
      return { pid: await node.start() };
    },
  };
}
