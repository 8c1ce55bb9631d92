// The countries the radio's regulatory domain is chosen from (ISO 3166-1 alpha-2, as the kernel's regulatory database
// and masq-wifi take them), named in English by the browser, and the one to offer first: the region of the browser's
// language (en-GB → GB). The names serve the exit location and the neighborhood too.

const CODES = `
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA
CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA
GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS
MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS
RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW
TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`.trim().split(/\s+/);

/** The browser's English names of countries (Intl.DisplayNames); undefined where it has none. */
export function regionNames(): (code: string) => string | undefined {
  const names = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : undefined;
  return (code) => {
    try {
      return names?.of(code);
    } catch {
      return undefined; // not a code it reads (RangeError)
    }
  };
}

/** A country as the page names it, "Czechia (CZ)"; the code alone where there is no name. */
export function countryLabel(nameOf: (code: string) => string | undefined): (code: string) => string {
  return (code) => {
    const name = nameOf(code);
    return name !== undefined && name !== code ? `${name} (${code})` : code;
  };
}

/** A country in the browser's English, "Czechia (CZ)": the exit location's and the neighborhood's words. */
export const countryName = countryLabel(regionNames());

/** [code, name] pairs sorted by name; `nameOf` is regionNames() in the page. */
export function countryChoices(nameOf: (code: string) => string | undefined): Array<readonly [string, string]> {
  const label = countryLabel(nameOf);
  return CODES.map((c) => [c, label(c)] as const).sort((a, b) => a[1].localeCompare(b[1], 'en'));
}

/** The region of a BCP 47 language tag (en-GB, zh-Hant-TW, es-419 has none), when it is a country of the table. */
export function countryOfLanguage(tag: string): string | undefined {
  const region = /^[a-z]{2,3}(?:-[a-z]{4})?-([a-z]{2})(?:-|$)/i.exec(tag)?.[1]?.toUpperCase();
  return region !== undefined && CODES.includes(region) ? region : undefined;
}

export const isCountry = (code: string): boolean => CODES.includes(code);
