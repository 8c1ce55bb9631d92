// masq-wifi's contract, as other folders see it. (A placeholder of the entry: types and constants of api.ts only.)

export type { JoinOutcome, JoinRequest, JoinResult, WifiControl, WifiMode, WifiNetwork, WifiSecurity, WifiStatus } from './api.js';
export { WIFI_ROUTES, WIFI_SOCKET } from './api.js';
