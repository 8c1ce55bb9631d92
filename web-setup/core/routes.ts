// The setup page's side of the route table. src/setup/api.ts is imported for its types only (no server code in the
// page's bundle), so every method, path and the CSRF header below is checked by the compiler against ROUTES: a
// wrong or missing entry does not compile.

import type {
  BackupAnswer, BackupBody, ChainTestAnswer, ChainTestBody, ChangePasswordBody, CodeBody, ConfigurationPanel,
  ConfirmBody, CSRF_HEADER, CSRF_VALUE, DescriptorPanel, EarningsPanel, GenerateAnswer, GenerateBody, LogsPanel,
  NeighborhoodPanel, OkAnswer, PasswordBody, RecoverBody, RestoreAnswer, RestoreBody, RouteName, ROUTES,
  SetConfigurationBody, SetupAnswer, SetupBody, StartAnswer, StateAnswer, StatusPanel, SystemPanel, UnlockBody,
  WalletsAnswer, AutomapPanel,
} from '../../src/setup/api.js';

type Spec<N extends RouteName> = Pick<(typeof ROUTES)[N], 'method' | 'path'>;

export const ROUTE: { [N in RouteName]: Spec<N> } = {
  state: { method: 'GET', path: '/api/state' },
  claimCode: { method: 'POST', path: '/api/claim/code' },
  claimPassword: { method: 'POST', path: '/api/claim/password' },
  login: { method: 'POST', path: '/api/login' },
  logout: { method: 'POST', path: '/api/logout' },
  getSetup: { method: 'GET', path: '/api/setup' },
  putSetup: { method: 'POST', path: '/api/setup' },
  testChain: { method: 'POST', path: '/api/chain/test' },
  generateWallets: { method: 'POST', path: '/api/wallets/generate' },
  confirmWords: { method: 'POST', path: '/api/wallets/confirm' },
  recoverWallets: { method: 'POST', path: '/api/wallets/recover' },
  start: { method: 'POST', path: '/api/node/start' },
  stop: { method: 'POST', path: '/api/node/stop' },
  restart: { method: 'POST', path: '/api/node/restart' },
  unlock: { method: 'POST', path: '/api/node/unlock' },
  events: { method: 'GET', path: '/api/events' },
  panelStatus: { method: 'GET', path: '/api/panel/status' },
  panelDescriptor: { method: 'GET', path: '/api/panel/descriptor' },
  panelNeighborhood: { method: 'GET', path: '/api/panel/neighborhood' },
  panelAutomap: { method: 'GET', path: '/api/panel/automap' },
  panelEarnings: { method: 'GET', path: '/api/panel/earnings' },
  panelSystem: { method: 'GET', path: '/api/panel/system' },
  panelLogs: { method: 'GET', path: '/api/panel/logs' },
  panelConfiguration: { method: 'GET', path: '/api/panel/configuration' },
  downloadLogs: { method: 'GET', path: '/api/logs/download' },
  setConfiguration: { method: 'POST', path: '/api/configuration' },
  changePassword: { method: 'POST', path: '/api/password' },
  backup: { method: 'POST', path: '/api/backup' },
  restore: { method: 'POST', path: '/api/restore' },
};

export const CSRF: { header: typeof CSRF_HEADER; value: typeof CSRF_VALUE } = { header: 'x-masq-setup', value: '1' };

/**
 * What each JSON route takes and answers. api.ts names the shapes; which answer goes with which route is the
 * server's and the page's shared reading of it (events is an EventSource, downloadLogs a plain link).
 */
export type Calls = OfRoutes<{
  state: [undefined, StateAnswer];
  claimCode: [CodeBody, OkAnswer];
  claimPassword: [PasswordBody, OkAnswer];
  login: [PasswordBody, OkAnswer];
  logout: [undefined, OkAnswer];
  getSetup: [undefined, SetupAnswer];
  putSetup: [SetupBody, SetupAnswer];
  testChain: [ChainTestBody, ChainTestAnswer];
  generateWallets: [GenerateBody, GenerateAnswer];
  confirmWords: [ConfirmBody, WalletsAnswer];
  recoverWallets: [RecoverBody, WalletsAnswer];
  start: [undefined, StartAnswer];
  stop: [undefined, OkAnswer];
  restart: [undefined, StartAnswer];
  unlock: [UnlockBody, OkAnswer];
  panelStatus: [undefined, StatusPanel];
  panelDescriptor: [undefined, DescriptorPanel];
  panelNeighborhood: [undefined, NeighborhoodPanel];
  panelAutomap: [undefined, AutomapPanel];
  panelEarnings: [undefined, EarningsPanel];
  panelSystem: [undefined, SystemPanel];
  panelLogs: [undefined, LogsPanel];
  panelConfiguration: [undefined, ConfigurationPanel];
  setConfiguration: [SetConfigurationBody, OkAnswer];
  changePassword: [ChangePasswordBody, OkAnswer];
  backup: [BackupBody, BackupAnswer];
  restore: [RestoreBody, RestoreAnswer];
}>;

/** Only names of the route table, each with a [body, answer] pair. */
type OfRoutes<T extends Partial<Record<RouteName, [unknown, unknown]>>> = T;

export type CallName = keyof Calls;
export type BodyOf<N extends CallName> = Calls[N][0];
export type AnswerOf<N extends CallName> = Calls[N][1];
