// What the applier did last, in its own state directory, for the Daemon to show: the serial of the wanted access it
// applied, whether that worked and in what words.

export const APPLIER_DIRECTORY = '/var/lib/masq-ssh-access';
export const STATUS_FILE = 'status.json';
/** The accounts the applier made, "name uid" a line (accounts.ts, parseMade). */
export const MADE_FILE = 'made';
const MAX_MESSAGE_CHARS = 2000;

export interface ApplyStatus {
  serial: number;
  ok: boolean;
  message: string;
  /** When, in ms since the epoch. */
  at: number;
}

export function parseApplyStatus(v: unknown): ApplyStatus | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  if (r.version !== 1 || !Number.isSafeInteger(r.serial) || typeof r.ok !== 'boolean' || typeof r.message !== 'string' || typeof r.at !== 'number') return undefined;
  return { serial: r.serial as number, ok: r.ok, message: r.message.slice(0, MAX_MESSAGE_CHARS), at: r.at };
}

export function applyStatusText(s: ApplyStatus): string {
  return `${JSON.stringify({ version: 1, ...s })}\n`;
}
