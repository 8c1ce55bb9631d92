// What masq-wifi (the box's Wi-Fi and hotspot manager, root) and masq-setup (the page, unprivileged) say to each
// other: HTTP with JSON bodies over a unix socket that only the masq-setup group may open. One table of routes; the
// page's server is a client of it, the manager serves it.

/** How a network in range is protected, as the page shows it. */
export type WifiSecurity = 'open' | 'wep' | 'wpa' | 'wpa2' | 'wpa3' | 'wpa2/wpa3' | 'enterprise';

export interface WifiNetwork {
  ssid: string;
  /** The strongest signal heard for this name, in dBm (−30 near, −90 far). */
  signalDbm: number;
  security: WifiSecurity;
}

/** Where the box's network stands. */
export type WifiMode =
  /** Looking for a network after boot or after losing one; no hotspot yet. */
  | 'waiting'
  /** On a network (wired or Wi-Fi), no hotspot. */
  | 'online'
  /** MASQ-Setup-XXXX is up. */
  | 'hotspot'
  /** Trying a network the page chose (the hotspot is down meanwhile). */
  | 'joining';

export type JoinOutcome = 'joined' | 'wrong-password' | 'not-found' | 'no-lease' | 'failed';

export interface JoinResult {
  outcome: JoinOutcome;
  ssid: string;
  /** The box's address on the joined network. */
  address?: string;
  /** The box's mDNS name (masq-xxxx.local). */
  name: string;
  /** What happened, in words for the page. */
  message: string;
  /** When the attempt ended (ms since the epoch). */
  at: number;
}

export interface WifiStatus {
  mode: WifiMode;
  /** The hotspot's name and address, also while it is down (the page shows them in its help). */
  hotspot: { ssid: string; address: string };
  /** The box's addresses on other networks (wired or Wi-Fi), when online. */
  addresses: string[];
  /** The network the box's Wi-Fi is on, if any. */
  ssid?: string;
  /** ISO 3166-1 alpha-2 code the radio is set to, or '' while unset. */
  country: string;
  name: string;
  lastJoin?: JoinResult;
  /** False when the box has no Wi-Fi radio: the page then says to use a cable. */
  radio: boolean;
}

export interface JoinRequest {
  ssid: string;
  /** 8–63 characters, or 64 hex digits; absent for an open network. */
  password?: string;
  /** Scan for the name explicitly (a network that does not broadcast it). */
  hidden?: boolean;
  /** ISO 3166-1 alpha-2 code for the radio's regulatory domain. */
  country: string;
}

/** Why the manager refused a request: the `code` of a failure's { error: { code, message, fix? } }. */
export type WifiErrorCode =
  /** The body is not JSON, too large, or a field breaks its rule (the message names it). */
  | 'bad-request'
  /** No such route or method. */
  | 'no-route'
  /** The box has no Wi-Fi radio (yet): use a cable. */
  | 'no-radio'
  /** A join is already under way. */
  | 'busy'
  /** The network's protection cannot be joined from the page (WEP, enterprise, WPA3 only). */
  | 'unsupported'
  /** The request took too long to arrive. */
  | 'timeout'
  /** Something on the box failed; the message says what. */
  | 'internal';

export interface WifiErrorBody {
  error: { code: WifiErrorCode; message: string; fix?: string };
}

/** The manager's routes; answers are JSON, a failure is { error: { code, message, fix? } } with a 4xx/5xx status. */
export const WIFI_ROUTES = {
  status: { method: 'GET', path: '/status' },
  networks: { method: 'GET', path: '/networks' },
  /** Answers at once (202, the status in 'joining'); the outcome comes as status.lastJoin. */
  join: { method: 'POST', path: '/join' },
} as const;

/** The manager's socket (masq-wifi.service's RuntimeDirectory). */
export const WIFI_SOCKET = '/run/masq-wifi/api.sock';

/** What the page's server needs of the manager; the manager's client implements it, tests fake it. */
export interface WifiControl {
  status(): Promise<WifiStatus>;
  networks(): Promise<WifiNetwork[]>;
  join(req: JoinRequest): Promise<WifiStatus>;
}
