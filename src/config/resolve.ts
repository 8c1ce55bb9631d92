// Pure resolution of parameter values from prioritised layers into MASQ's setup cluster
// (Set > Configured > Default; Blank or Required when nothing applies). No I/O here.

import { type DefaultContext, type Mode, type Param, ParamProblem, SETUP_PARAMS, findParam } from './params.js';
import { DEFAULT_CHAIN } from '../chains/index.js';

export type Status = 'Default' | 'Configured' | 'Set' | 'Blank' | 'Required';

export interface SetupValue {
  name: string;
  value: string;
  status: Status;
}

/** One source of values. `status` is what a value from it shows in setup output. */
export interface Layer {
  source: string;
  status: 'Set' | 'Configured';
  values: Readonly<Record<string, string>>;
}

export interface Resolution {
  values: Map<string, SetupValue>;
  /** [parameter, reason] pairs, as in MASQ's setup response. */
  errors: Array<[string, string]>;
  mode: Mode;
  chain: string;
}

export type Environment = Omit<DefaultContext, 'chain'>;

function checkValue(p: Param, raw: string, chain: string): { value: string } | { problem: string } {
  try {
    return { value: p.check(raw, chain) };
  } catch (e) {
    if (e instanceof ParamProblem) return { problem: e.message };
    throw e;
  }
}

/** The first layer (highest priority first) holding a valid value for `p`; invalid values are reported and skipped. */
function pick(p: Param, layers: readonly Layer[], chain: string, errors: Array<[string, string]>): SetupValue | undefined {
  for (const layer of layers) {
    const raw = layer.values[p.name];
    if (raw === undefined || raw === '') continue;
    const r = checkValue(p, raw, chain);
    if ('value' in r) return { name: p.name, value: r.value, status: layer.status };
    errors.push([p.name, `${r.problem} (from ${layer.source})`]);
  }
  return undefined;
}

export function resolve(layers: readonly Layer[], env: Environment, params: readonly Param[] = SETUP_PARAMS): Resolution {
  const errors: Array<[string, string]> = [];
  const chainParam = findParam('chain') as Param;
  const modeParam = findParam('neighborhood-mode') as Param;
  const chain = pick(chainParam, layers, DEFAULT_CHAIN, errors)?.value ?? DEFAULT_CHAIN;
  const mode = (pick(modeParam, layers, chain, []) ?.value ?? 'standard') as Mode;
  const ctx: DefaultContext = { ...env, chain };

  const values = new Map<string, SetupValue>();
  for (const p of params) {
    const given = p === chainParam || p === modeParam ? pick(p, layers, chain, []) : pick(p, layers, chain, errors);
    if (given) {
      values.set(p.name, given);
      const forbidden = p.forbiddenIn?.[mode];
      if (forbidden) errors.push([p.name, `not allowed in ${mode} mode: ${forbidden}`]);
      continue;
    }
    const dflt = p.defaultValue?.(ctx);
    if (dflt !== undefined && dflt !== '') {
      values.set(p.name, { name: p.name, value: dflt, status: 'Default' });
    } else {
      values.set(p.name, { name: p.name, value: '', status: p.requiredIn?.(mode) ? 'Required' : 'Blank' });
    }
  }
  return { values, errors, mode, chain };
}
