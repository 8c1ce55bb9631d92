// A scenario's script (scenarios.ts, Step) as engine events: churn's departures, restarts, joins and address
// changes at exponential gaps, a partition's cut and heal. The times are drawn when the script is laid out; whom an
// event hits is drawn when it fires, among the Nodes live then, so both come from the seed alone.

import type { Engine } from './engine.js';
import type { SimNetwork } from './network.js';
import { type Member, type Population, pick } from './population.js';
import type { Random } from './random.js';
import { HOUR_MS, type Step } from './scenarios.js';

export interface Tally {
  joins: number;
  leaves: number;
  crashes: number;
  restarts: number;
  moves: number;
}

export interface Cut {
  side: ReadonlySet<string>;
  /** Elapsed ms. */
  fromMs: number;
  toMs: number;
}

export interface Laid {
  /** Elapsed ms when the last step ends. */
  endMs: number;
  cuts: Cut[];
  tally: Tally;
  /** Moments to mark on the chart: elapsed s and what happened. */
  marks: { s: number; label: string }[];
}

export interface ScriptContext {
  engine: Engine;
  net: SimNetwork;
  population: Population;
  random: Random;
  /** Nodes the scenario grew: churn's rates are shares of it. */
  nodes: number;
}

/** Times of a Poisson process of `perHour` events per hour over `ms` from `fromMs` (none for a rate of 0). */
function arrivals(random: Random, perHour: number, fromMs: number, ms: number): number[] {
  if (perHour <= 0) return [];
  const gap = (): number => (-Math.log(1 - random.next()) * HOUR_MS) / perHour;
  const out: number[] = [];
  for (let t = fromMs + gap(); t < fromMs + ms; t += gap()) out.push(t);
  return out;
}

/** Lays out `steps` from now on; returns when they end and what they will do. */
export function layOut(steps: readonly Step[], ctx: ScriptContext): Laid {
  const { engine, population, random } = ctx;
  const tally: Tally = { joins: 0, leaves: 0, crashes: 0, restarts: 0, moves: 0 };
  const laid: Laid = { endMs: engine.elapsed(), cuts: [], tally, marks: [] };
  const at = (ms: number, run: () => void): void => void engine.after(ms - engine.elapsed(), run);
  const anyLive = (f: (m: Member) => boolean): Member | undefined => {
    const live = population.live().filter(f);
    return live[random.below(live.length)];
  };
  for (const step of steps) {
    const from = laid.endMs;
    switch (step.kind) {
      case 'wait':
        break;
      case 'churn': {
        const departures = step.perHour * ctx.nodes;
        for (const t of arrivals(random, departures, from, step.ms)) {
          at(t, () => {
            const m = anyLive(() => true);
            if (!m) return;
            const crash = random.next() < step.crashShare;
            const back = random.next() < step.restartShare;
            if (crash) tally.crashes++;
            else tally.leaves++;
            population.depart(m, crash);
            if (back) {
              engine.after(step.restartAfterMs, () => {
                tally.restarts++;
                population.restart(m);
              });
            }
          });
        }
        // New Nodes replace those that do not come back.
        for (const t of arrivals(random, departures * (1 - step.restartShare), from, step.ms)) {
          at(t, () => {
            tally.joins++;
            population.start(population.spawn(false, true).member, 0);
          });
        }
        for (const t of arrivals(random, step.movesPerHour * ctx.nodes, from, step.ms)) {
          at(t, () => {
            const m = anyLive((l) => l.node.neighborhood.descriptor() !== undefined);
            if (!m) return;
            tally.moves++;
            population.move(m);
          });
        }
        break;
      }
      case 'partition': {
        const live = population.live();
        const cut: Cut = { side: new Set(pick(random, live, Math.round(step.share * live.length)).map((m) => m.node.key)), fromMs: from, toMs: from + step.ms };
        laid.cuts.push(cut);
        at(cut.fromMs, () => ctx.net.partition(cut.side));
        at(cut.toMs, () => ctx.net.heal());
        laid.marks.push({ s: cut.fromMs / 1000, label: 'cut' }, { s: cut.toMs / 1000, label: 'healed' });
        break;
      }
    }
    laid.endMs = from + step.ms;
  }
  return laid;
}
