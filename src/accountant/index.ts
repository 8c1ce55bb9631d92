// The accountant folder's entry: what the rest of the program may use of it.

export { Books, serviceCharge } from './books.js';
export { ChargeBuffer } from './charges.js';
export { parsePaymentThresholds } from './curve.js';
export { Delinquents } from './delinquency.js';
export { financialsPayload, type FinancialsProblem, FinancialsRequestError, parseFinancialsRequest } from './financials.js';
export { bridgePayer, Payments } from './payments.js';
export { chargeFor, chargesForRoute, type PricedHop, type RouteCharge, type Service } from './pricing.js';
export { scanReceivables } from './receivables.js';
export { SCAN_TYPES, type ScanName, scanNameOf, Scanners } from './scanners.js';
