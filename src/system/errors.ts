// Typed errors: every failure a user can meet carries a stable code and a sentence saying what to do.

export const ERROR_CODES = {
  CONFIG_INVALID: 'a configuration value is invalid',
  CONFIG_FILE: 'the configuration file cannot be used',
  STORE_OPEN: 'the database cannot be opened',
  STORE_WRONG_PASSWORD: 'the database password is wrong',
  STORE_NO_PASSWORD: 'the database has no password yet',
  STORE_SCHEMA: 'the database schema cannot be migrated',
  STORE_WRONG_CHAIN: 'the database belongs to another chain',
  STORE_LOCKED: 'the database password was not supplied',
  PORT_IN_USE: 'a port is already taken',
  UI_CONNECT: 'the Daemon or Node cannot be reached',
  UI_TIMEOUT: 'the Daemon or Node did not answer in time',
  UI_PROTOCOL: 'the Daemon or Node sent something unexpected',
  UI_REFUSED: 'the Daemon or Node refused a request (with one of MASQ\'s numeric UI error codes)',
  UI_PERMISSION: 'this user may not drive the Daemon or Node',
  LAUNCH: 'the Node could not be launched',
  USAGE: 'a command was used wrongly',
  LINK_AUTH: 'a neighbor link failed its handshake or a record did not decrypt',
  WIRE_DECODE: 'a neighbor sent bytes that do not parse or exceed a limit',
  ONION: 'a route header slot or a sealed cell body did not open with its key',
  STREAM_PROTOCOL: 'a stream\'s cells broke its sequence or flow-control rules',
  STREAM_OPEN: 'a stream to a target could not be opened (name lookup, connection, route or payment)',
  PEER_UNREACHABLE: 'a neighbor cannot be reached or is banned',
  BLOCKCHAIN_RPC: 'the blockchain service did not answer or refused a request',
  BLOCKCHAIN_TX: 'a payment transaction was rejected or failed on chain',
  WALLET: 'a wallet phrase, path, key or address is invalid or cannot be stored',
  ACCOUNTANT: 'the books refused an update or a financials query (bad wallet, amount, hash or range)',
  AUTOMAP: 'the router refused or did not answer a port-mapping request',
  IMAGER: 'Raspberry Pi Imager\'s settings on the card\'s boot partition cannot be used (too large, malformed, a plain-text password or a bad value)',
  BACKUP: 'a backup file cannot be made, read or restored (not one, damaged, from a newer masq-pi, wrong password or chain)',
  SSH_ACCESS: 'an ssh public key or login name is refused, ssh access from the setup page is off, or it cannot be applied',
  DNS: 'the system\'s DNS settings cannot be read, changed or restored, or a DNS message does not parse',
  WIFI: 'the Wi-Fi manager refused a request (network name, password, country) or could not drive the radio (no radio, a tool failed or did not answer)',
  GEO: 'the IP-to-country table is missing or damaged, or its source CSV does not parse',
  CIPHER: 'the cipher addon (masq-cipher.node beside the programs) is missing or does not load',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class MasqError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the user can do about it; printed after the message. */
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'MasqError';
  }

  /** One or two sentences for a terminal: never a stack trace. */
  describe(): string {
    return this.fix ? `${this.message} ${this.fix}` : this.message;
  }
}

/** Text for any thrown value, without a stack trace. */
export function describeError(err: unknown): string {
  if (err instanceof MasqError) return err.describe();
  if (err instanceof Error) return err.message;
  return String(err);
}
