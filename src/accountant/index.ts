// The accountant: the books (what this Node owes and is owed), MASQ's payment curve, delinquency, charges,
// financials, payments and the scans. Decisions are pure; the books sit on the store and payments on the bridge.

export { Books, serviceCharge } from './books.js';
export { ChargeBuffer } from './charges.js';
export { Delinquents } from './delinquency.js';
export { financialsPayload, type FinancialsProblem, FinancialsRequestError, parseFinancialsRequest } from './financials.js';
export { bridgePayer, Payments } from './payments.js';
export { chargeFor, chargesForRoute, type PricedHop, type RouteCharge, type Service } from './pricing.js';
export { scanReceivables } from './receivables.js';
export { SCAN_TYPES, type ScanName, scanNameOf, Scanners } from './scanners.js';
