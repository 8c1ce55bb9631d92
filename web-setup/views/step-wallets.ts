// Step 4: the wallets. Create new ones (the recovery phrase shown once, in a numbered grid, then some of its words
// typed back to prove it was written down), recover them from a phrase, or give only an address to earn into.

import type { GenerateAnswer, WalletsAnswer } from '../../src/setup/api.js';
import { phraseWords } from '../core/text-lists.js';
import { fill, h } from '../ui/dom.js';
import { choices, field, type Field, Form, Invalid } from '../ui/form.js';
import { type Step, type Wizard, withBack } from './wizard-step.js';

const WAYS = [
  { value: 'generate', title: 'Create new wallets', explain: 'The box makes a wallet to pay with and one to earn into, from a new recovery phrase that you write down.' },
  { value: 'recover', title: 'Recover from a recovery phrase', explain: 'You have the 12 to 24 words of wallets you made before.' },
  { value: 'earning', title: 'Only an address to earn into', explain: 'Use a wallet you already have (for example in MetaMask) to receive earnings. Without a paying wallet this Node cannot pay other Nodes to carry its own traffic.' },
] as const;
type Way = (typeof WAYS)[number]['value'];

const PASSPHRASE_HINT = 'Optional: an extra secret added to the phrase. If you use one, you need both the words and the passphrase to recover the wallets.';

const passphraseField = (): Field => field({ name: 'passphrase', label: 'Passphrase (optional)', type: 'password', hint: PASSPHRASE_HINT });

function addresses(a: WalletsAnswer): HTMLElement {
  return h('dl', { class: 'facts' },
    a.consumingAddress ? h('dt', {}, 'Pays from') : null, a.consumingAddress ? h('dd', { class: 'mono' }, a.consumingAddress) : null,
    h('dt', {}, 'Earns into'), h('dd', { class: 'mono' }, a.earningAddress));
}

function render(w: Wizard): HTMLElement {
  const body = h('div');
  // Asked here only when this visit did not pass step 2 (the page was reloaded): it is kept nowhere but in memory.
  const db = w.dbPassword === undefined ? field({ name: 'dbPassword', label: 'Database password', type: 'password', autocomplete: 'current-password', hint: 'The one you chose in step 2: it seals the wallet keys.' }) : undefined;
  const dbPassword = (): string => w.dbPassword ?? db?.control.value ?? '';
  /** Once the box accepted the password typed here, it is not asked again. */
  const accepted = (): void => { w.dbPassword = dbPassword(); };
  /** A form of this step: the database password first while it must be asked, errors naming it shown there. */
  const stepForm = (label: string, submit: () => Promise<void>, ...fields: Field[]): Form => {
    const all = db && w.dbPassword === undefined ? [db, ...fields] : fields;
    const form = new Form(label, submit, ...all.map((f) => f.row));
    form.add(...all);
    return form;
  };

  const done = (a: WalletsAnswer): void => {
    accepted();
    w.wallets = a;
    show();
  };

  const confirm = (g: GenerateAnswer): void => {
    const inputs = g.confirmPositions.map((p) => field({ name: `word-${p}`, label: `Word number ${p}`, attrs: { autocapitalize: 'none', autocorrect: 'off' } }));
    const form = stepForm('Check the words', async () => {
      const words = inputs.map((f) => phraseWords(f.control.value).join(' '));
      const empty = inputs.find((f, i) => words[i] === '');
      if (empty) throw new Invalid(empty.name, 'This word is missing.', 'Type the word from your paper.');
      await w.app.call('confirmWords', { words });
      done({ consumingAddress: g.consumingAddress, earningAddress: g.earningAddress });
    }, ...inputs);
    // An error about the words as a whole names the body's field.
    form.add({ name: 'words', error: form.status });
    form.el.querySelector('.actions')?.prepend(h('button', { class: 'secondary', attrs: { type: 'button' }, on: { click: () => phrase(g) } }, 'Show the words again'));
    fill(body, h('p', {}, 'To be sure your paper is right, type these words from it.'), form.el);
  };

  const phrase = (g: GenerateAnswer): void => {
    fill(body,
      h('div', { class: 'warning', attrs: { role: 'alert' } },
        h('strong', {}, 'Write these words down on paper, in this order, now.'),
        h('span', {}, 'They are shown only once. Anyone who has them controls the wallets; if the box is lost and you do not have them, its funds are lost. Do not photograph them or store them online.')),
      h('ol', { class: 'phrase' }, ...g.mnemonic.map((word) => h('li', {}, h('span', { class: 'word' }, word)))),
      h('div', { class: 'actions' }, h('button', { class: 'primary', attrs: { type: 'button' }, on: { click: () => confirm(g) } }, 'I have written them down')));
  };

  const forms: Record<Way, () => Form> = {
    generate: () => {
      const count = field({ name: 'wordCount', label: 'Number of words', options: [12, 15, 18, 21, 24].map((n) => [String(n), `${n} words`] as const), value: '12', hint: '12 words are already very safe; more words are not needed at home.' });
      const pass = passphraseField();
      return stepForm('Create the wallets', async () => {
        const answer = await w.app.call('generateWallets', { dbPassword: dbPassword(), wordCount: Number(count.control.value), ...(pass.control.value ? { passphrase: pass.control.value } : {}) });
        accepted();
        phrase(answer);
      }, count, pass);
    },
    recover: () => {
      const words = field({ name: 'mnemonic', label: 'Recovery phrase', rows: 4, hint: 'The words in order, separated by spaces.', attrs: { autocapitalize: 'none' } });
      const pass = passphraseField();
      return stepForm('Recover the wallets', async () => {
        const mnemonic = phraseWords(words.control.value).join(' ');
        done(await w.app.call('recoverWallets', { dbPassword: dbPassword(), mnemonic, ...(pass.control.value ? { passphrase: pass.control.value } : {}) }));
      }, words, pass);
    },
    earning: () => {
      const address = field({ name: 'earningAddress', label: 'Earning address', placeholder: '0x…', hint: '0x followed by 40 digits and letters a–f, as your wallet app shows it.' });
      return stepForm('Use this address', async () => {
        done(await w.app.call('recoverWallets', { dbPassword: dbPassword(), earningAddress: address.control.value.trim() }));
      }, address);
    },
  };

  const show = (way?: Way): void => {
    if (w.wallets && way === undefined) {
      const next = new Form('Next', async () => w.next());
      fill(body,
        h('div', { class: 'result ok', attrs: { role: 'status' } }, h('strong', {}, 'The wallets are ready.'),
          w.wallets === 'restored' ? h('span', {}, 'They came with the backup.') : addresses(w.wallets)),
        withBack(w, next),
        h('button', { class: 'link', attrs: { type: 'button' }, on: { click: () => show('generate') } }, 'Set up different wallets'));
      return;
    }
    const sub = h('div', { class: 'sub' });
    const pick = choices('way', 'How do you want to set up the wallets?', WAYS, way ?? 'generate', (v) => fill(sub, forms[v as Way]().el));
    fill(sub, forms[way ?? 'generate']().el);
    fill(body, pick.el, sub, h('div', { class: 'actions' },
      h('button', { class: 'secondary', attrs: { type: 'button' }, on: { click: () => w.back() } }, 'Back'),
      h('button', { class: 'link', attrs: { type: 'button' }, on: { click: () => w.next() } }, 'Skip: this box has its wallets already')));
  };
  show();
  return body;
}

export const walletsStep: Step = { title: 'Wallets', render };
