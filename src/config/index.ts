// Configuration: the one parameter table and the resolution of values from the command line, MASQ_* variables,
// config.toml, stored values and defaults. Pure, apart from the readers passed in and sources.ts's file reading.

export { ConfigError, forParam } from './config-error.js';
export { type CountryGroup, debugList, describeGroups, type ExitLocation, exitLocationFromGroups, formatExitLocation, groupsOf, parseExitLocation, UNSET_EXIT_LOCATION } from './exit-location.js';
export { type ConfigIo, resolveWithConfigFile } from './layered.js';
export { type NodeConfig, nodeConfig } from './node-config.js';
export { DAEMON_UI_PORT, DEFAULT_PAYMENT_THRESHOLDS, LINK_MASKS, type LinkMask, MAPPING_PROTOCOLS, type MappingProtocol, envName, findParam, type Mode, type Param, type ParamName, ParamProblem, PARAMS, PAYMENT_THRESHOLD_NAMES, PROXY_USER, RATE_PACK_NAMES, RUNTIME_SETTING_ROWS, RUNTIME_SETTINGS, SCAN_INTERVAL_NAMES, SETUP_PARAMS, STORED_PARAMS, type StoredParamName, storeRowOf } from './params.js';
export { type Resolution } from './resolve.js';
export { parseParamArgs, readConfigFile, readEnv } from './sources.js';
export { parsePaymentThresholds, parseRatePack, parseScanIntervals, type PaymentThresholds, type ScanIntervalsSec } from './thresholds.js';
