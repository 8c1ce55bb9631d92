// ISO 3166-1 alpha-2: the codes a user may name (exit location) and the table may state. Facts, kept as one string:
// the 249 officially assigned codes, and XK (Kosovo), a user-assigned code the IP-to-country table uses.

const CODES =
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT ' +
  'JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY ' +
  'MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM ' +
  'PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ ' +
  'UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW';

/** Every valid code, in alphabetical order. */
export const COUNTRY_CODES: readonly string[] = Object.freeze(CODES.split(' '));

/** What an address outside every range of the table (private, reserved, unassigned, or not an address) is in. */
export const UNKNOWN_COUNTRY = 'ZZ';

const VALID: ReadonlySet<string> = new Set(COUNTRY_CODES);

/** Whether `code` is a valid ISO 3166-1 alpha-2 code, in capitals ('ZZ', the unknown country, is not). */
export function isCountryCode(code: string): boolean {
  return VALID.has(code);
}

let names: Intl.DisplayNames | undefined;

/** The country's English name ("Germany" for DE), from the runtime's ICU data; anything else is returned as it is. */
export function countryName(code: string): string {
  if (!isCountryCode(code)) return code;
  names ??= new Intl.DisplayNames(['en'], { type: 'region' });
  return names.of(code) ?? code;
}
