// The setup page's side of the route table: src/setup/api.ts holds no server code, so its table and the CSRF
// header are bundled into the page as they are, and its types say what each route takes and answers.

import type {
  BackupAnswer, BackupBody, ChainTestAnswer, ChainTestBody, ChangePasswordBody, CodeBody, ConfigurationPanel,
  ConfirmBody, DescriptorPanel, EarningsPanel, ExitLocationBody, ExitLocationPanel, ExitLocationSaved, GenerateAnswer, GenerateBody, LanPanel, LogsPanel,
  NeighborhoodPanel, OkAnswer, PasswordBody, RecoverBody, RestoreAnswer, RestoreBody, RouteName,
  SetConfigurationBody, SetupAnswer, SetupBody, SshKeyBody, SshPanel, SshRemoveBody, SshUserBody, StartAnswer,
  StateAnswer, StatusPanel, SystemPanel, UnlockBody, WalletsAnswer, AutomapPanel, WifiJoinBody, WifiNetworksAnswer, WifiStatus,
} from '../../src/setup/api.js';
import { CSRF_HEADER, CSRF_VALUE, ROUTES } from '../../src/setup/api.js';

export const ROUTE = ROUTES;
export const CSRF = { header: CSRF_HEADER, value: CSRF_VALUE } as const;

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
  confirmWords: [ConfirmBody, OkAnswer];
  recoverWallets: [RecoverBody, WalletsAnswer];
  start: [undefined, StartAnswer];
  stop: [undefined, OkAnswer];
  restart: [undefined, StartAnswer];
  unlock: [UnlockBody, StartAnswer];
  panelStatus: [undefined, StatusPanel];
  panelDescriptor: [undefined, DescriptorPanel];
  panelNeighborhood: [undefined, NeighborhoodPanel];
  panelAutomap: [undefined, AutomapPanel];
  panelEarnings: [undefined, EarningsPanel];
  panelSystem: [undefined, SystemPanel];
  panelLogs: [undefined, LogsPanel];
  panelConfiguration: [undefined, ConfigurationPanel];
  panelExitLocation: [undefined, ExitLocationPanel];
  setConfiguration: [SetConfigurationBody, OkAnswer];
  setExitLocation: [ExitLocationBody, ExitLocationSaved];
  changePassword: [ChangePasswordBody, OkAnswer];
  backup: [BackupBody, BackupAnswer];
  restore: [RestoreBody, RestoreAnswer];
  panelSsh: [undefined, SshPanel];
  sshAddKey: [SshKeyBody, SshPanel];
  sshRemoveKey: [SshRemoveBody, SshPanel];
  sshUser: [SshUserBody, SshPanel];
  wifiStatus: [undefined, WifiStatus];
  wifiNetworks: [undefined, WifiNetworksAnswer];
  wifiJoin: [WifiJoinBody, WifiStatus];
  panelLan: [undefined, LanPanel];
}>;

/** Only names of the route table, each with a [body, answer] pair. */
type OfRoutes<T extends Partial<Record<RouteName, [unknown, unknown]>>> = T;

export type CallName = keyof Calls;
export type BodyOf<N extends CallName> = Calls[N][0];
export type AnswerOf<N extends CallName> = Calls[N][1];
