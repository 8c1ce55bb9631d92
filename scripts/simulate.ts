// `make simulate`: the neighborhood code over simulated links and clock (docs/SIMULATION.md).
// Usage: node --import tsx scripts/simulate.ts --nodes N[,N…] --seed S --scenario NAME [--svg FILE] [--scale-svg FILE]
// Prints `name=value unit` figures per run; with --svg, the share of Nodes with a route over time, one curve per N
// (for a scenario with a script, the shares of live Nodes whose route is found and works, over the script).

import { writeFileSync } from 'node:fs';
import { type Figure, formatFigure } from './sim/measure.js';
import { SCENARIOS } from './sim/scenarios.js';
import { simulate } from './sim/simulation.js';
import { type Mark, type Series, scaleChart, shareChart } from './sim/svg.js';

/** 10 000 Nodes `join` took 26 CPU minutes and 2.8 GiB of memory (peak RSS) on a 2-core, 24 GiB machine; more is untried. */
const MAX_NODES = 10_000;
const MIN_NODES = 4;

class UsageError extends Error {}

interface Args {
  nodes: number[];
  seed: number;
  scenario: string;
  svg?: string;
  /** With more than one N: figures over N (scaleChart). */
  scaleSvg?: string;
}

function parse(argv: readonly string[]): Args {
  const got = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    if (!['--nodes', '--seed', '--scenario', '--svg', '--scale-svg'].includes(flag)) throw new UsageError(`unknown argument ${flag}`);
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    got.set(flag, value);
  }
  const nodes = (got.get('--nodes') ?? '100').split(',').map((t) => {
    const n = Number(t);
    if (!Number.isInteger(n) || n < MIN_NODES || n > MAX_NODES) throw new UsageError(`--nodes takes whole numbers from ${MIN_NODES} to ${MAX_NODES}, not ${t}`);
    return n;
  });
  const seed = Number(got.get('--seed') ?? '1');
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed takes a whole number from 0 to ${0xffffffff}`);
  const scenario = got.get('--scenario') ?? 'join';
  if (!(scenario in SCENARIOS)) throw new UsageError(`no scenario ${scenario}; there are: ${Object.keys(SCENARIOS).join(', ')}`);
  const svg = got.get('--svg');
  const scaleSvg = got.get('--scale-svg');
  return { nodes, seed, scenario, ...(svg !== undefined ? { svg } : {}), ...(scaleSvg !== undefined ? { scaleSvg } : {}) };
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parse(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`simulate: ${e.message}\nUsage: simulate.ts --nodes N[,N…] --seed S --scenario NAME [--svg FILE] [--scale-svg FILE]\n`);
    process.exit(2);
  }
  const scenario = SCENARIOS[args.scenario];
  if (!scenario) return;
  const series: Series[] = [];
  const runs: Figure[][] = [];
  let marks: Mark[] = [];
  const scripted = scenario.script.length > 0;
  for (const nodes of args.nodes) {
    const started = process.cpuUsage();
    const r = await simulate({ nodes, seed: args.seed, scenario });
    const cpu = process.cpuUsage(started);
    process.stdout.write(`# ${scenario.name}: ${scenario.description}; ${nodes} Nodes, seed ${args.seed}\n`);
    for (const f of r.figures) process.stdout.write(`${formatFigure(f)}\n`);
    runs.push(r.figures);
    process.stdout.write(`events=${r.events} events\nsignature_checks=${r.signatureChecks} checks\ncpu=${((cpu.user + cpu.system) / 1e6).toFixed(1)} s\nevent_log_sha256=${r.logHash} hex\n`);
    if (scripted) {
      const min = (s: number): number => s / 60;
      series.push(
        { label: `${nodes} Nodes: route found`, points: r.probes.map((p) => ({ x: min(p.s), y: p.found })) },
        { label: `${nodes} Nodes: route works`, points: r.probes.map((p) => ({ x: min(p.s), y: p.works })) },
        ...(r.marks.length > 0 ? [{ label: `${nodes} Nodes: working route crosses the cut`, points: r.probes.map((p) => ({ x: min(p.s), y: p.across })) }] : []),
      );
      marks = r.marks.map((m) => ({ x: min(m.s), label: m.label }));
    } else {
      series.push({ label: `${nodes} Nodes`, points: r.curve.map((p) => ({ x: p.s, y: p.share })) });
    }
  }
  if (args.svg) {
    const title = scripted ? `Share of live Nodes with a route (${scenario.name}, seed ${args.seed})` : `Share of Nodes with a route (${scenario.name}, seed ${args.seed})`;
    writeFileSync(args.svg, shareChart(title, scripted ? 'simulated minutes' : 'simulated seconds', series, marks));
    process.stdout.write(`# wrote ${args.svg}\n`);
  }
  if (args.scaleSvg && args.nodes.length > 1) {
    const of = (name: string, scale: number): number[] => runs.map((fs) => (fs.find((f) => f.name === name)?.value ?? NaN) / scale);
    writeFileSync(args.scaleSvg, scaleChart(`How ${scenario.name} scales with N (seed ${args.seed})`, args.nodes, [
      { label: 'seconds until 95 % have a route', values: of('routes_95_at', 1) },
      { label: 'p95 seconds from joining to a route', values: of('route_after_join_p95', 1) },
      { label: 'Gossip MB per Node until then', values: of('gossip_bytes_per_node_until_95', 1e6) },
      { label: 'heap KB per Node', values: of('heap_per_node', 1e3) },
    ]));
    process.stdout.write(`# wrote ${args.scaleSvg}\n`);
  }
}

await main();
