// Signature checks shared by every virtual Node of a run: each record is signed once and gossiped to many Nodes,
// and each of them would check the same bytes under the same signature again (most of the simulator's CPU). The
// check is the Node's own openRecord; only its result is remembered, per (signature, signed bytes).

import { type NodeRecord, type SignedRecord, openRecord } from '../../src/wire/index.js';

/** Records a run remembers; beyond it the memo starts afresh (a bound, not an expectation). */
const MAX_REMEMBERED = 1 << 20;

export class SignatureMemo {
  private readonly opened = new Map<string, { chainId: number; signed: Buffer; record: NodeRecord }>();
  checks = 0;

  /** openRecord, remembered; a failed check throws as openRecord does and is not remembered. */
  readonly open = (chainId: number, s: SignedRecord): NodeRecord => {
    const id = s.signature.toString('base64');
    const held = this.opened.get(id);
    if (held && held.chainId === chainId && held.signed.equals(s.signed)) return held.record;
    this.checks++;
    const record = openRecord(chainId, s);
    if (this.opened.size >= MAX_REMEMBERED) this.opened.clear();
    // A copy: the Gossip the bytes came in can go.
    this.opened.set(id, { chainId, signed: Buffer.from(s.signed), record });
    return record;
  };
}
