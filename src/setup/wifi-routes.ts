// The wizard's network step: where the box's network stands, the Wi-Fi networks in range, and joining one. masq-wifi
// decides and does; these routes check the form, pass it on, and pass back only the fields the page shows. The
// password goes to masq-wifi and nowhere else: never into an answer or a log line.

import type { JoinRequest, JoinResult, WifiControl, WifiNetwork, WifiStatus } from '../wifi/index.js';
import type { WifiNetworksAnswer } from './api.js';
import { type PageContext, pageError } from './context.js';
import { joinProblem } from './forms.js';
import { field, type Handlers } from './handler.js';

/** How a call fails when masq-wifi's socket is not there (or not ours to open), or the client says so itself. */
const NO_MANAGER = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ENOTSOCK', 'WIFI_UNAVAILABLE']);

/** Whether the failure, or one of its causes, is that of a missing manager. */
export function isUnavailable(e: unknown): boolean {
  let c = e;
  for (let depth = 0; depth < 5 && typeof c === 'object' && c !== null; depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && NO_MANAGER.has(code)) return true;
    c = (c as { cause?: unknown }).cause;
  }
  return false;
}

const unavailable = () => pageError(503, 'WIFI_UNAVAILABLE', 'This machine\'s network is not managed by masq (no masq-wifi): connect it with a cable or your system\'s own tools.', {
  fix: 'Go on with the next step once the box is online.',
});

const result = (r: JoinResult): JoinResult => ({ outcome: r.outcome, ssid: r.ssid, name: r.name, message: r.message, at: r.at, ...(r.address ? { address: r.address } : {}) });

/** The manager's status, field by field: nothing else it may hold reaches the page. */
export function statusAnswer(s: WifiStatus): WifiStatus {
  return {
    mode: s.mode, hotspot: { ssid: s.hotspot.ssid, address: s.hotspot.address }, addresses: [...s.addresses], country: s.country, name: s.name, radio: s.radio,
    ...(s.ssid !== undefined ? { ssid: s.ssid } : {}), ...(s.lastJoin ? { lastJoin: result(s.lastJoin) } : {}),
  };
}

/** Named networks, strongest first (a network that hides its name is typed in by hand). */
export function networksAnswer(list: readonly WifiNetwork[]): WifiNetworksAnswer {
  const networks = list.filter((n) => n.ssid !== '').map((n) => ({ ssid: n.ssid, signalDbm: n.signalDbm, security: n.security }));
  return { networks: networks.sort((a, b) => b.signalDbm - a.signalDbm) };
}

export function wifiRoutes(ctx: PageContext): Handlers {
  const withManager = async <T>(f: (w: WifiControl) => Promise<T>): Promise<T> => {
    if (!ctx.wifi) throw unavailable();
    try {
      return await f(ctx.wifi);
    } catch (e) {
      throw isUnavailable(e) ? unavailable() : e;
    }
  };
  return {
    wifiStatus: async () => statusAnswer(await withManager((w) => w.status())),
    wifiNetworks: async () => networksAnswer(await withManager((w) => w.networks())),
    async wifiJoin({ body }) {
      const password = field(body, 'password');
      const req: JoinRequest = { ssid: field(body, 'ssid'), country: field(body, 'country'), ...(password ? { password } : {}), ...(body.hidden === true ? { hidden: true } : {}) };
      const problem = joinProblem(req);
      if (problem) throw pageError(400, 'WIFI_FORM', problem.message, { fix: problem.fix, field: problem.field });
      try {
        return statusAnswer(await withManager((w) => w.join(req)));
      } catch (e) {
        // A failure that repeats the request would carry the password into the answer or the log.
        if (password && e instanceof Error && `${e.message} ${String((e as { fix?: unknown }).fix ?? '')}`.includes(password)) {
          throw pageError(502, 'WIFI_FAILED', 'masq-wifi refused to try the network.', { fix: 'Try again; if it keeps failing, see journalctl -u masq-wifi.' });
        }
        throw e;
      }
    },
  };
}
