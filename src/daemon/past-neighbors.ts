// The Node's past neighbors, for the Daemon's neighbors default (MASQ's Daemon offers them once it has the
// database password): read from the Node's store without changing it, each descriptor checked as --neighbors
// checks it, so what setup shows can be given to the Node as it is.

import { findParam, ParamProblem } from '../config/index.js';
import { openStore, type SecretRow } from '../store/index.js';

const PAST_NEIGHBORS: SecretRow = 'past_neighbors';
/** As many as --neighbors takes. */
const MAX_NEIGHBORS = 32;

/** The usable past neighbors as one neighbors value; undefined when there is no store, no password or none of them. */
export async function readPastNeighbors(dataDir: string, chain: string, dbPassword: string): Promise<string | undefined> {
  let store;
  try {
    store = await openStore({ dataDir, chain, readOnly: true });
  } catch {
    return undefined; // no store yet, another chain's, or damaged: the Node says why when it starts
  }
  try {
    if (!store.hasPassword()) return undefined;
    await store.unlock(dbPassword);
    const past = store.getSecret(PAST_NEIGHBORS) ?? '';
    return usableNeighbors(past, chain);
  } catch {
    return undefined; // a wrong password: the Node refuses it at start, with the reason
  } finally {
    await store.close();
  }
}

/** The descriptors of a comma-separated list that --neighbors accepts, canonical, joined; undefined for none. */
export function usableNeighbors(list: string, chain: string): string | undefined {
  const p = findParam('neighbors');
  const out: string[] = [];
  for (const d of list.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    try {
      if (p && out.length < MAX_NEIGHBORS) out.push(p.check(d, chain));
    } catch (e) {
      if (!(e instanceof ParamProblem)) throw e;
    }
  }
  return out.length > 0 ? out.join(',') : undefined;
}
