import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { areaOf, NANP_AREA_CODES } from './nanp.js';

describe('areaOf', () => {
  it('maps area codes to states and provinces', () => {
    expect(areaOf('2125550123')).toBe('US-NY');
    expect(areaOf('+1 (213) 555-0123')).toBe('US-CA');
    expect(areaOf('12025550123')).toBe('US-DC');
    expect(areaOf('4165550123')).toBe('CA-ON');
    expect(areaOf('514')).toBe('CA-QC');
    expect(areaOf('604-555-0123')).toBe('CA-BC');
    expect(areaOf('7875550123')).toBe('US-PR');
  });

  it('leaves out non-geographic, shared and malformed numbers', () => {
    expect(areaOf('8005550123')).toBeUndefined(); // toll free
    expect(areaOf('8675550123')).toBeUndefined(); // three territories
    expect(areaOf('9025550123')).toBeUndefined(); // Nova Scotia and Prince Edward Island
    expect(areaOf('8765550123')).toBeUndefined(); // Jamaica: a country of its own
    expect(areaOf('212555012')).toBeUndefined();
    expect(areaOf('212555012345')).toBeUndefined();
    expect(areaOf('')).toBeUndefined();
  });
});

describe('NANP_AREA_CODES', () => {
  // US territories have their own ISO 3166-1 code and a US subdivision code.
  const TERRITORIES: Record<string, string> = {
    'US-PR': 'PR',
    'US-VI': 'VI',
    'US-GU': 'GU',
    'US-MP': 'MP',
    'US-AS': 'AS',
  };

  it('covers every state, DC and every province', () => {
    const areas = new Set(NANP_AREA_CODES.values());
    const states =
      'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY';
    for (const s of states.split(' ')) expect(areas, s).toContain(`US-${s}`);
    // Nova Scotia and Prince Edward Island share 902/782, the territories 867: left out.
    for (const p of ['AB', 'BC', 'MB', 'NB', 'NL', 'ON', 'QC', 'SK']) {
      expect(areas, p).toContain(`CA-${p}`);
    }
    for (const code of NANP_AREA_CODES.keys()) expect(code).toMatch(/^[2-9]\d\d$/);
  });

  it('agrees with libphonenumber on the country of each area code', () => {
    // Codes that went into service after the libphonenumber-js release in use.
    const newer = new Set(['679']);
    const countryOf = (code: string): string | undefined => {
      for (const rest of ['2345678', '5550123', '3456789', '7654321', '9876543', '7331234']) {
        const parsed = parsePhoneNumberFromString(`+1${code}${rest}`);
        if (parsed?.isValid()) return parsed.country;
      }
      return undefined;
    };
    for (const [code, area] of NANP_AREA_CODES) {
      if (newer.has(code)) continue;
      const expected = area.startsWith('CA-') ? 'CA' : (TERRITORIES[area] ?? 'US');
      expect(countryOf(code), `${code} ${area}`).toBe(expected);
    }
  });

  it('has every geographic US and Canadian code libphonenumber knows, bar the documented gaps', () => {
    const gaps = new Set(['867', '902', '782', '273']);
    const missing: string[] = [];
    for (let code = 200; code <= 999; code++) {
      const key = String(code);
      const parsed = parsePhoneNumberFromString(`+1${key}2345678`);
      const alt = parsePhoneNumberFromString(`+1${key}5550123`);
      const p = parsed?.isValid() ? parsed : alt?.isValid() ? alt : undefined;
      if (p === undefined || (p.country !== 'US' && p.country !== 'CA')) continue;
      const type = p.getType();
      if (type !== 'FIXED_LINE' && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') continue;
      if (!NANP_AREA_CODES.has(key) && !gaps.has(key)) missing.push(key);
    }
    expect(missing).toEqual([]);
  });
});
