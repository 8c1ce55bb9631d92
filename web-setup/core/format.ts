// Values as people read them: sizes, durations, countdowns, MASQ amounts, times of day, the parameter names of the
// Node's configuration answer (blockchainServiceUrlOpt → Blockchain service URL), and the box's name on the LAN.

export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return u === 0 ? `${Math.round(v)} ${units[0]}` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** 3 days 4 h, 5 h 12 min, 7 min, 40 s. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} day${d === 1 ? '' : 's'} ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

/** m:ss for a lockout countdown. */
export function countdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(Number.isFinite(seconds) ? seconds : 0));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** gwei of the MASQ token (10^9 per MASQ) in MASQ, with up to 6 decimals. */
export function masq(gwei: number): string {
  if (!Number.isFinite(gwei)) return '?';
  const v = gwei / 1e9;
  return `${v.toLocaleString('en-US', { maximumFractionDigits: v !== 0 && Math.abs(v) < 0.001 ? 9 : 6 })} MASQ`;
}

/** A short axis label for a gwei amount: 0, 1.5k, 2M gwei. */
export function shortGwei(gwei: number): string {
  const a = Math.abs(gwei);
  const [d, unit] = a >= 1e9 ? [1e9, ' MASQ'] : a >= 1e6 ? [1e6, 'M gwei'] : a >= 1e3 ? [1e3, 'k gwei'] : [1, ' gwei'];
  return `${Number((gwei / d).toFixed(2))}${unit}`;
}

/** Local time of day for a log line (ms since the epoch). */
export function clock(ms: number): string {
  const t = new Date(ms);
  return Number.isNaN(t.getTime()) ? '?' : t.toLocaleTimeString('en-GB', { hour12: false });
}

const WORDS: Record<string, string> = { url: 'URL', ip: 'IP', gwei: 'gwei', id: 'ID' };

/** A camelCase key of the Node's answer as words, without MASQ's Opt suffix. */
export function keyWords(key: string): string {
  const parts = key.replace(/Opt$/, '').split(/(?=[A-Z])/).map((p) => p.toLowerCase());
  const words = parts.map((p) => WORDS[p] ?? p);
  const first = words[0] ?? '';
  return [first === first.toLowerCase() ? first.charAt(0).toUpperCase() + first.slice(1) : first, ...words.slice(1)].join(' ');
}

/** The box's name on the local network (mDNS), where devices find it. */
export const localName = (boxName: string): string => (boxName.endsWith('.local') ? boxName : `${boxName}.local`);
