// Step 3: the blockchain the Node pays and earns on, and the JSON-RPC service it reaches that chain through,
// with a button that asks the box to try the service (its chain id against the chain's, its latest block, the time).

import type { ChainTestAnswer } from '../../src/setup/api.js';
import { fill, h } from '../ui/dom.js';
import { field, Form } from '../ui/form.js';
import { type Step, type Wizard, withBack } from './wizard-step.js';

/** Words for the chains the server lists (src/chains' table); a chain without words here shows its name. */
const CHAIN_WORDS: Readonly<Record<string, string>> = {
  'base-mainnet': 'Base — real MASQ (the usual choice)',
  'polygon-mainnet': 'Polygon — real MASQ',
  'eth-mainnet': 'Ethereum — real MASQ, high fees',
  'base-sepolia': 'Base Sepolia — test network, play money',
  'polygon-amoy': 'Polygon Amoy — test network, play money',
  dev: 'dev — a local test chain, for developers',
};

function chainChoices(w: Wizard): Array<readonly [string, string]> {
  // Real networks first, then test networks, as the table orders them.
  const chains = [...w.setup.chains].sort((a, b) => Number(b.mainnet) - Number(a.mainnet));
  return chains.map((c) => [c.name, CHAIN_WORDS[c.name] ?? c.name] as const);
}

function result(a: ChainTestAnswer): HTMLElement {
  return h('div', { class: a.matches ? 'result ok' : 'result bad', attrs: { role: 'status' } },
    h('strong', {}, a.matches ? 'The service works.' : 'The service is for another chain.'),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Chain id'), h('dd', {}, `${a.chainId} (this chain's is ${a.expectedChainId})`),
      h('dt', {}, 'Latest block'), h('dd', {}, a.blockNumber.toLocaleString('en-US')),
      h('dt', {}, 'Answered in'), h('dd', {}, `${Math.round(a.latencyMs)} ms`)),
    a.matches ? null : h('span', { class: 'fix' }, 'Pick the chain this service is for, or use a service for the chain you picked.'));
}

function render(w: Wizard): HTMLElement {
  const chain = field({ name: 'chain', label: 'Blockchain', options: chainChoices(w), value: w.value('chain')?.value || 'base-mainnet', hint: 'Where this Node is paid for carrying traffic, and pays others. Test networks use worthless tokens, for trying things out.' });
  const url = field({
    name: 'blockchain-service-url', label: 'Blockchain service URL', type: 'url', inputmode: 'url', value: w.value('blockchain-service-url')?.value ?? '',
    placeholder: 'https://…', hint: 'The address of a JSON-RPC service for that chain (an RPC provider, or your own Ethereum-style node). It starts with https:// or wss://.',
  });
  const outcome = h('div');
  const test = h('button', { class: 'secondary', attrs: { type: 'button' } }, 'Test the connection');
  const form = new Form('Next', async () => {
    if (await w.save(form, [{ name: 'chain', value: chain.control.value }, { name: 'blockchain-service-url', value: url.control.value.trim() }])) w.next();
  }, chain.row, url.row, h('div', { class: 'inline-action' }, test), outcome);
  // The test's errors may name its body's field.
  form.add(chain, url, { name: 'url', error: url.error });
  test.addEventListener('click', () => {
    fill(outcome, h('p', { class: 'muted' }, 'Asking the service…'));
    void form.run(async () => {
      try {
        fill(outcome, result(await w.app.call('testChain', { chain: chain.control.value, url: url.control.value.trim() })));
      } catch (e) {
        fill(outcome);
        throw e;
      }
    }, test);
  });
  return withBack(w, form);
}

export const chainStep: Step = { title: 'Blockchain', render };
