import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { recoverAddress, Signature } from 'ethers';
import {
  DEFAULT_CONSUMING_PATH, DEFAULT_EARNING_PATH, LANGUAGE_NAMES, PAYER_BYTES, WORD_COUNTS, WalletError, addressOf, checkPhrase,
  checksumAddress, decodePayer, deriveKey, encodePayer, generatePair, hopDigest, newPhrase, parseAddress, parseLanguage, parsePath,
  parsePrivateKey, recoverPair, seedOf, signHopProof, splitPhrase, verifyHopProof,
} from '../../src/wallet/index.js';

// trezor/python-mnemonic vectors.json (English, passphrase "TREZOR").
const TREZOR = [
  ['abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
    'c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04'],
  ['legal winner thank year wave sausage worth useful legal winner thank yellow',
    '2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607'],
  ['letter advice cage absurd amount doctor acoustic avoid letter advice cage above',
    'd71de856f81a8acc65e6fc851a38d4d7ec216fd0796d0a6827a3ad6ed5511a30fa280f12eb2e47ed2ac03b5c462a0358d18d69fe4f985ec81778c1b370b652a8'],
  [`${'abandon '.repeat(23)}art`,
    'bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4a10be8ed2a5e608d68f92fcc8'],
  [`${'zoo '.repeat(23)}vote`,
    'dd48c104698c30cfe2b6142103248622fb7bb0ff692eebb00089b32d22484e1613912f0a5b694407be899ffd31ed3992c456cdf60f5d4564b8ba3f05a69890ad'],
] as const;

// bip32JP/bip32JP.github.io test_JP_BIP39.json: ideographic spaces, passphrase with compatibility characters.
const JP_SALT = '㍍ガバヴァぱばぐゞちぢ十人十色';
const JP = [
  [`${'あいこくしん　'.repeat(11)}あおぞら`,
    'a262d6fb6122ecf45be09c50492b31f92e9beb7d9a845987a02cefda57a15f9c467a17872029a9e92299b5cbdf306e3a0ee620245cbd508959b6cb7ca637bd55'],
  [`${'あいこくしん　'.repeat(23)}いってい`,
    '23f500eec4a563bf90cfda87b3e590b211b959985c555d17e88f46f7183590cd5793458b094a4dccc8f05807ec7bd2d19ce269e20568936a751f6f1ec7c14ddd'],
] as const;

const HARDHAT = 'test test test test test test test test test test test junk';

test('BIP-39: Trezor English vectors with passphrase TREZOR (12 and 24 words)', async () => {
  for (const [phrase, seed] of TREZOR) {
    const checked = await checkPhrase(splitPhrase(phrase), 'English');
    assert.equal(seedOf(checked, 'TREZOR').toString('hex'), seed, phrase);
  }
});

test('BIP-39: Japanese vectors (ideographic spaces, NFKD passphrase)', async () => {
  for (const [phrase, seed] of JP) {
    const words = splitPhrase(phrase);
    assert.ok(words.length === 12 || words.length === 24);
    assert.equal(seedOf(await checkPhrase(words, 'Japanese'), JP_SALT).toString('hex'), seed);
  }
});

test('BIP-39: generated phrases have the asked length and validate in their language', async () => {
  for (const language of LANGUAGE_NAMES) {
    for (const count of WORD_COUNTS) {
      const words = await newPhrase(count, language);
      assert.equal(words.length, count, `${language} ${String(count)}`);
      await checkPhrase(words, language);
    }
  }
  assert.throws(() => parseLanguage('Klingon'), (e: unknown) => e instanceof WalletError && e.problem === 'language');
  await assert.rejects(checkPhrase(splitPhrase(TREZOR[0][0].replace('about', 'abandon')), 'English'),
    (e: unknown) => e instanceof WalletError && e.problem === 'phrase', 'bad checksum');
  await assert.rejects(checkPhrase(splitPhrase(TREZOR[0][0]), 'French'), WalletError, 'words of another language');
});

test('BIP-32 + Ethereum: the well-known test-junk accounts', async () => {
  const seed = seedOf(await checkPhrase(splitPhrase(HARDHAT), 'English'));
  const k0 = deriveKey(seed, DEFAULT_CONSUMING_PATH);
  const k1 = deriveKey(seed, DEFAULT_EARNING_PATH);
  assert.equal(k0.toString('hex'), 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
  assert.equal(checksumAddress(addressOf(k0)), '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
  assert.equal(checksumAddress(addressOf(k1)), '0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
});

test('addresses and keys: EIP-55 checked when mixed case, keys in range', () => {
  const a = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
  assert.equal(checksumAddress(parseAddress(a)), a);
  assert.equal(checksumAddress(parseAddress(a.toLowerCase())), a);
  assert.throws(() => parseAddress(a.replace('F39', 'f39').replace('0xf39Fd', '0xF39Fd')), WalletError);
  assert.throws(() => parseAddress('0x1234'), WalletError);
  assert.equal(parsePrivateKey('AC0974BEC39A17E36BA4A6B4D238FF944BACB478CBED5EFCAE784D7BF4F2FF80').toString('hex').slice(0, 6), 'ac0974');
  assert.throws(() => parsePrivateKey('00'.repeat(32)), WalletError, 'zero is no key');
  assert.throws(() => parsePrivateKey('ff'.repeat(32)), WalletError, 'above the curve order');
});

test('derivation paths: MASQ needs more than two hardened components', () => {
  assert.equal(parsePath("m/44'/60'/0'/0/7"), "m/44'/60'/0'/0/7");
  for (const bad of ["m/44'/60'/0/0", 'm', "44'/60'/0'/0", "m/44'/60'/0'/x", "m/44'/60'/2147483648'/0", "m/44'/60'/01'/0", `m${"/0'".repeat(11)}`]) {
    assert.throws(() => parsePath(bad), (e: unknown) => e instanceof WalletError && e.problem === 'path', bad);
  }
});

test('fuzz: the path parser returns its input or throws WalletError, never anything else', () => {
  const component = fc.tuple(fc.nat({ max: 2 ** 31 + 5 }), fc.boolean()).map(([n, h]) => `${String(n)}${h ? "'" : ''}`);
  const pathish = fc.oneof(fc.array(component, { maxLength: 12 }).map((c) => ['m', ...c].join('/')), fc.string({ maxLength: 200 }));
  fc.assert(fc.property(pathish, (p) => {
    try {
      assert.equal(parsePath(p), p);
    } catch (e) {
      assert.ok(e instanceof WalletError, String(e));
    }
  }), { numRuns: 3000, seed: 5 });
});

test('fuzz: phrase parsing accepts only valid phrases and fails only with WalletError', async () => {
  const english = fc.constantFrom('abandon', 'about', 'zoo', 'vote', 'legal', 'winner', 'wrong', 'art', 'xyzzy');
  const words = fc.oneof(fc.array(english, { maxLength: 26 }), fc.array(fc.string({ maxLength: 12 }), { maxLength: 30 }));
  await fc.assert(fc.asyncProperty(words, fc.constantFrom(...LANGUAGE_NAMES), async (w, language) => {
    try {
      await checkPhrase(w, language);
    } catch (e) {
      assert.ok(e instanceof WalletError, String(e));
    }
  }), { numRuns: 2000, seed: 7 });
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), (s) => {
    try {
      assert.ok(splitPhrase(s).every((x) => x.length > 0 && !x.includes(' ')));
    } catch (e) {
      assert.ok(e instanceof WalletError && s.length > 1024);
    }
  }), { numRuns: 2000, seed: 11 });
});

test('pairs: generate derives from the phrase; recover needs exactly one source per wallet', async () => {
  const g = await generatePair({ seed: { wordCount: 12, language: 'Spanish', passphrase: 'p' } });
  assert.equal(g.phrase.length, 12);
  const r = await recoverPair({ seed: { phrase: g.phrase, language: 'Spanish', passphrase: 'p' }, consumingPath: DEFAULT_CONSUMING_PATH, earningPath: DEFAULT_EARNING_PATH });
  assert.ok(r.consumingKey.equals(g.consumingKey));
  assert.ok(r.earningAddress.equals(addressOf(g.earningKey)));
  assert.equal((await generatePair({})).phrase.length, 24, 'the Node makes 24 words without a seed spec');
  const missing = (e: unknown): boolean => e instanceof WalletError && e.problem === 'missing';
  await assert.rejects(generatePair({ consumingPath: DEFAULT_CONSUMING_PATH }), missing);
  await assert.rejects(recoverPair({ consumingPath: DEFAULT_CONSUMING_PATH, earningAddress: '0x' + '11'.repeat(20) }), missing);
  await assert.rejects(recoverPair({ consumingKey: '11'.repeat(32) }), missing);
  const direct = await recoverPair({ consumingKey: '11'.repeat(32), earningAddress: '0x' + '22'.repeat(20) });
  assert.equal(direct.earningAddress.toString('hex'), '22'.repeat(20));
});

test('hop proof: signs keccak(hop key ‖ contract), recovers to the wallet, rejects tampering; 85-byte payer slot', () => {
  const key = parsePrivateKey('ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
  const hop = Buffer.alloc(64, 7);
  const contract = Buffer.from('ee9a352f6aac4af1a5b9f467f6a93e0ffbe9dd35', 'hex');
  const payer = signHopProof(key, hop, contract);
  const digest = hopDigest(hop, contract);
  assert.equal(checksumAddress(payer.wallet), '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
  assert.equal(verifyHopProof(payer.wallet, payer.proof, digest), true);
  // ethers recovers the same signer from r, s, v (27 + recovery id): the proof is a plain Ethereum signature.
  const sig = Signature.from({ r: '0x' + payer.proof.subarray(0, 32).toString('hex'), s: '0x' + payer.proof.subarray(32, 64).toString('hex'), v: 27 + (payer.proof[64] as number) });
  assert.equal(recoverAddress(digest, sig), '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
  assert.equal(verifyHopProof(payer.wallet, payer.proof, hopDigest(Buffer.alloc(64, 8), contract)), false, 'another hop');
  assert.equal(verifyHopProof(Buffer.alloc(20, 1), payer.proof, digest), false, 'another wallet');
  const bent = Buffer.from(payer.proof);
  bent[64] = 5;
  assert.equal(verifyHopProof(payer.wallet, bent, digest), false, 'bad v');
  assert.equal(verifyHopProof(payer.wallet, Buffer.alloc(65), digest), false, 'zero r and s');
  const slot = encodePayer(payer);
  assert.equal(slot.length, PAYER_BYTES);
  const back = decodePayer(slot);
  assert.ok(back.wallet.equals(payer.wallet) && back.proof.equals(payer.proof));
  assert.throws(() => decodePayer(Buffer.alloc(84)), RangeError);
});
