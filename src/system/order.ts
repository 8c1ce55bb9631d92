// Sorting of machine names (keys in hex, parameter names) by code unit. String.prototype.localeCompare would give
// the same order for them but loads ICU's collation tables into the process: 2.6 MiB of resident memory, measured.

export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
