// The product's version, set at build time from package.json.
declare const __MASQ_VERSION__: string | undefined;
export const VERSION: string = typeof __MASQ_VERSION__ === 'string' ? __MASQ_VERSION__ : '0.0.0-dev';
