/**
 * The text pieces and the geography of the synthetic corpus. Everything here is invented for
 * testing: names are common first names, companies and sites are fictional, phone numbers sit in
 * ranges reserved for drama where a regulator publishes one (see `PHONE RANGES` below).
 *
 * Content rules (DESIGN.md): non-explicit, never sexualising minors, stated ages 21-45. Ads for
 * adult companionship are written the way such ads read on classifieds sites, without explicit
 * words; the indicator language (trust, youth-suggestive wording for adults, ethnicity, manager
 * voice) follows the JIRN findings summarised in reference/detection.md §3.1-3.3.
 */

export type Lang = 'en' | 'es' | 'fr' | 'pt' | 'tl';

/** Placeholders a text piece may use, written `{name}` in the strings below. */
export const SLOTS = [
  'name',
  'age',
  'city',
  'price',
  'price2',
  'eth',
  'contact',
  'wallet',
  'company',
  'role',
  'salary',
  'dest',
  'fee',
  'hours',
  'license',
  'site',
  'rent',
  'area',
  'hobby',
  'hobby2',
  'agency',
  'email',
  'pay',
  'country',
  'rooms',
  'wage',
  'transit',
  'langs',
] as const;
export type SlotName = (typeof SLOTS)[number];

/** A kit: named sections, each a list of alternative sentences with `{slot}` placeholders. */
export type Kit = Readonly<Record<string, readonly string[]>>;

// ---------------------------------------------------------------------------------------------
// PHONE RANGES
//
// NANP (US, CA): 555-0100..555-0199 is reserved for fiction in every area code.
// GB: Ofcom's drama ranges, 1,000 numbers each: 07700 900xxx (mobile), 020 7946 0xxx (London),
//   01x1 496 0xxx, 0191 498 0xxx, 029 2018 0xxx, 028 9649 6xxx. (Nottingham 0115 496 is left
//   out: libphonenumber rejects it.)
// AU: ACMA's fictitious numbers: mobiles 0491 570 006 and 0491 570 156..159 (the mobile list is
//   30 single numbers, not a range; only these five are used) and landlines 0X 5550 xxxx.
// FR: ARCEP's blocks for audiovisual works: 06 39 98 xx xx (mobile) and 01 99 00 / 02 61 91 / 03 53 01 /
//   04 65 71 / 05 36 49 xx xx.
// Everywhere else no regulator publishes a fiction range, so numbers follow the local format
// with a 555 block (e.g. +34 612 555 xxx, +52 55 5555 xxxx); they are syntactically valid and
// meant to be recognisably fake, but are not guaranteed unassigned.
//
// libphonenumber's full metadata knows the GB and FR mobile drama blocks and reports them as
// invalid, as a scanner of real ads should; so GB and FR ads use the landline drama blocks only.
// ---------------------------------------------------------------------------------------------

export interface PhoneArea {
  readonly country: string;
  /** Country calling code without "+". */
  readonly cc: string;
  /** National trunk prefix written before the national number ("0"), or "". */
  readonly trunk: string;
  /** Leading digits of the national significant number. */
  readonly prefix: string;
  /** Digits that follow the prefix. */
  readonly lineLen: number;
  readonly min: number;
  readonly max: number;
  /** When set, only these line numbers exist (AU mobiles). */
  readonly lines?: readonly number[];
  /** Digit groups of the national significant number, for formatting. */
  readonly groups: readonly number[];
  readonly mobile: boolean;
}

const nanp = (country: 'US' | 'CA', ac: string): PhoneArea => ({
  country,
  cc: '1',
  trunk: '',
  prefix: `${ac}555`,
  lineLen: 4,
  min: 100,
  max: 199,
  groups: [3, 3, 4],
  mobile: true,
});

const gbGeo = (prefix: string, groups: readonly number[]): PhoneArea => ({
  country: 'GB',
  cc: '44',
  trunk: '0',
  prefix,
  lineLen: 3,
  min: 0,
  max: 999,
  groups,
  mobile: false,
});

const AU_MOBILE: PhoneArea = {
  country: 'AU',
  cc: '61',
  trunk: '0',
  prefix: '491570',
  lineLen: 3,
  min: 6,
  max: 159,
  lines: [6, 156, 157, 158, 159],
  groups: [3, 3, 3],
  mobile: true,
};

const auGeo = (state: string): PhoneArea => ({
  country: 'AU',
  cc: '61',
  trunk: '0',
  prefix: `${state}5550`,
  lineLen: 4,
  min: 0,
  max: 9999,
  groups: [1, 4, 4],
  mobile: false,
});

const fr = (block: string, mobile: boolean): PhoneArea => ({
  country: 'FR',
  cc: '33',
  trunk: '0',
  prefix: block,
  lineLen: 4,
  min: 0,
  max: 9999,
  groups: [1, 2, 2, 2, 2],
  mobile,
});

/** A 555 block in a country without a published fiction range (see the note above). */
const local = (
  country: string,
  cc: string,
  trunk: string,
  prefix: string,
  lineLen: number,
  groups: readonly number[],
): PhoneArea => ({
  country,
  cc,
  trunk,
  prefix,
  lineLen,
  min: 0,
  max: 10 ** lineLen - 1,
  groups,
  mobile: true,
});

const es = (p: string) => local('ES', '34', '', `${p}555`, 3, [3, 3, 3]);
const pt = (p: string) => local('PT', '351', '', `${p}555`, 3, [3, 3, 3]);
const br = (ddd: string) => local('BR', '55', '', `${ddd}95555`, 4, [2, 5, 4]);
const mx2 = (a: string) => local('MX', '52', '', `${a}5555`, 4, [2, 4, 4]);
const mx3 = (a: string) => local('MX', '52', '', `${a}555`, 4, [3, 3, 4]);

/** WhatsApp numbers scam recruiters give, in the destination country. */
export const DESTINATION_PHONES: Readonly<Record<string, readonly PhoneArea[]>> = {
  TH: [
    local('TH', '66', '0', '81555', 4, [2, 3, 4]),
    local('TH', '66', '0', '95555', 4, [2, 3, 4]),
  ],
  KH: [
    local('KH', '855', '0', '12555', 4, [2, 3, 4]),
    local('KH', '855', '0', '96555', 4, [2, 3, 4]),
  ],
  AE: [
    local('AE', '971', '0', '50555', 4, [2, 3, 4]),
    local('AE', '971', '0', '55555', 4, [2, 3, 4]),
  ],
  MY: [
    local('MY', '60', '0', '12555', 4, [2, 3, 4]),
    local('MY', '60', '0', '16555', 4, [2, 3, 4]),
  ],
  PH: [
    local('PH', '63', '0', '917555', 4, [3, 3, 4]),
    local('PH', '63', '0', '927555', 4, [3, 3, 4]),
  ],
};

// ---------------------------------------------------------------------------------------------
// GEOGRAPHY
// ---------------------------------------------------------------------------------------------

export interface CityDef {
  readonly city: string;
  /** ISO 3166-2 subdivision code. */
  readonly region: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  readonly lang: Lang;
  /** Fixed-line or local areas of the city. */
  readonly areas: readonly PhoneArea[];
  /** Mobile ranges people in the city carry (same as `areas` in NANP). */
  readonly mobiles: readonly PhoneArea[];
  readonly slug: string;
  /** Part of a large country (US census region) that circuits keep to. */
  readonly zone: string | undefined;
}

const slugify = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

function city(
  name: string,
  region: string,
  country: string,
  lang: Lang,
  areas: readonly PhoneArea[],
  mobiles: readonly PhoneArea[] = areas,
  zone: string | undefined = undefined,
): CityDef {
  return { city: name, region, country, lang, areas, mobiles, slug: slugify(name), zone };
}

/** US census regions, so a US circuit stays within one part of the country. */
const US_REGION: Readonly<Record<string, string>> = {
  NY: 'NE',
  MA: 'NE',
  PA: 'NE',
  NJ: 'NE',
  IL: 'MW',
  MI: 'MW',
  MN: 'MW',
  OH: 'MW',
  IN: 'MW',
  MO: 'MW',
  NE: 'MW',
  WI: 'MW',
  TX: 'S',
  FL: 'S',
  GA: 'S',
  DC: 'S',
  MD: 'S',
  VA: 'S',
  NC: 'S',
  TN: 'S',
  LA: 'S',
  OK: 'S',
  KY: 'S',
  NV: 'W',
  AZ: 'W',
  CO: 'W',
  WA: 'W',
  OR: 'W',
  CA: 'W',
  UT: 'W',
  NM: 'W',
  HI: 'W',
};

function us(name: string, state: string, ...codes: string[]): CityDef {
  const areas = codes.map((c) => nanp('US', c));
  return city(name, `US-${state}`, 'US', 'en', areas, areas, US_REGION[state] ?? 'S');
}

function ca(name: string, prov: string, lang: Lang, ...codes: string[]): CityDef {
  const areas = codes.map((c) => nanp('CA', c));
  return city(name, `CA-${prov}`, 'CA', lang, areas);
}

const auMob = [AU_MOBILE];

export const CITIES: Readonly<Record<string, readonly CityDef[]>> = {
  US: [
    us('New York', 'NY', '212', '646', '917', '718', '347'),
    us('Los Angeles', 'CA', '213', '323', '310', '818'),
    us('Chicago', 'IL', '312', '773', '872'),
    us('Houston', 'TX', '713', '832', '281'),
    us('Dallas', 'TX', '214', '469', '972'),
    us('Austin', 'TX', '512', '737'),
    us('San Antonio', 'TX', '210', '726'),
    us('El Paso', 'TX', '915'),
    us('Miami', 'FL', '305', '786'),
    us('Orlando', 'FL', '407', '321'),
    us('Tampa', 'FL', '813'),
    us('Jacksonville', 'FL', '904'),
    us('Fort Lauderdale', 'FL', '954'),
    us('Atlanta', 'GA', '404', '678', '470'),
    us('Las Vegas', 'NV', '702', '725'),
    us('Reno', 'NV', '775'),
    us('Phoenix', 'AZ', '602', '480', '623'),
    us('Tucson', 'AZ', '520'),
    us('Denver', 'CO', '303', '720'),
    us('Seattle', 'WA', '206'),
    us('Portland', 'OR', '503', '971'),
    us('San Diego', 'CA', '619', '858'),
    us('San Francisco', 'CA', '415', '628'),
    us('Sacramento', 'CA', '916'),
    us('Boston', 'MA', '617', '857'),
    us('Philadelphia', 'PA', '215', '267'),
    us('Pittsburgh', 'PA', '412'),
    us('Washington', 'DC', '202'),
    us('Baltimore', 'MD', '410', '443'),
    us('Newark', 'NJ', '973', '862'),
    us('Richmond', 'VA', '804'),
    us('Charlotte', 'NC', '704', '980'),
    us('Raleigh', 'NC', '919', '984'),
    us('Nashville', 'TN', '615', '629'),
    us('Memphis', 'TN', '901'),
    us('New Orleans', 'LA', '504'),
    us('Detroit', 'MI', '313'),
    us('Minneapolis', 'MN', '612'),
    us('Columbus', 'OH', '614'),
    us('Cleveland', 'OH', '216'),
    us('Indianapolis', 'IN', '317'),
    us('St. Louis', 'MO', '314'),
    us('Kansas City', 'MO', '816'),
    us('Omaha', 'NE', '402'),
    us('Salt Lake City', 'UT', '801', '385'),
    us('Albuquerque', 'NM', '505'),
    us('Oklahoma City', 'OK', '405'),
    us('Louisville', 'KY', '502'),
    us('Milwaukee', 'WI', '414'),
    us('Honolulu', 'HI', '808'),
  ],
  CA: [
    ca('Toronto', 'ON', 'en', '416', '647', '437'),
    ca('Mississauga', 'ON', 'en', '905', '289'),
    ca('Ottawa', 'ON', 'en', '613', '343'),
    ca('Montreal', 'QC', 'fr', '514', '438'),
    ca('Quebec City', 'QC', 'fr', '418', '581'),
    ca('Vancouver', 'BC', 'en', '604', '778'),
    ca('Calgary', 'AB', 'en', '403', '587'),
    ca('Edmonton', 'AB', 'en', '780', '825'),
    ca('Winnipeg', 'MB', 'en', '204', '431'),
    ca('Halifax', 'NS', 'en', '902', '782'),
  ],
  GB: [
    city('London', 'GB-ENG', 'GB', 'en', [gbGeo('2079460', [2, 4, 4])]),
    city('Birmingham', 'GB-ENG', 'GB', 'en', [gbGeo('1214960', [3, 3, 4])]),
    city('Manchester', 'GB-ENG', 'GB', 'en', [gbGeo('1614960', [3, 3, 4])]),
    city('Leeds', 'GB-ENG', 'GB', 'en', [gbGeo('1134960', [3, 3, 4])]),
    city('Sheffield', 'GB-ENG', 'GB', 'en', [gbGeo('1144960', [3, 3, 4])]),
    city('Leicester', 'GB-ENG', 'GB', 'en', [gbGeo('1164960', [3, 3, 4])]),
    city('Bristol', 'GB-ENG', 'GB', 'en', [gbGeo('1174960', [3, 3, 4])]),
    city('Reading', 'GB-ENG', 'GB', 'en', [gbGeo('1184960', [3, 3, 4])]),
    city('Liverpool', 'GB-ENG', 'GB', 'en', [gbGeo('1514960', [3, 3, 4])]),
    city('Newcastle upon Tyne', 'GB-ENG', 'GB', 'en', [gbGeo('1914980', [3, 3, 4])]),
    city('Edinburgh', 'GB-SCT', 'GB', 'en', [gbGeo('1314960', [3, 3, 4])]),
    city('Glasgow', 'GB-SCT', 'GB', 'en', [gbGeo('1414960', [3, 3, 4])]),
    city('Cardiff', 'GB-WLS', 'GB', 'en', [gbGeo('2920180', [2, 4, 4])]),
    city('Belfast', 'GB-NIR', 'GB', 'en', [gbGeo('2896496', [2, 4, 4])]),
  ],
  AU: [
    city('Sydney', 'AU-NSW', 'AU', 'en', [auGeo('2')], auMob),
    city('Newcastle', 'AU-NSW', 'AU', 'en', [auGeo('2')], auMob),
    city('Canberra', 'AU-ACT', 'AU', 'en', [auGeo('2')], auMob),
    city('Melbourne', 'AU-VIC', 'AU', 'en', [auGeo('3')], auMob),
    city('Hobart', 'AU-TAS', 'AU', 'en', [auGeo('3')], auMob),
    city('Brisbane', 'AU-QLD', 'AU', 'en', [auGeo('7')], auMob),
    city('Gold Coast', 'AU-QLD', 'AU', 'en', [auGeo('7')], auMob),
    city('Perth', 'AU-WA', 'AU', 'en', [auGeo('8')], auMob),
    city('Adelaide', 'AU-SA', 'AU', 'en', [auGeo('8')], auMob),
  ],
  FR: [
    city('Paris', 'FR-IDF', 'FR', 'fr', [fr('19900', false)]),
    city('Lyon', 'FR-ARA', 'FR', 'fr', [fr('46571', false)]),
    city('Marseille', 'FR-PAC', 'FR', 'fr', [fr('46571', false)]),
    city('Nice', 'FR-PAC', 'FR', 'fr', [fr('46571', false)]),
    city('Toulouse', 'FR-OCC', 'FR', 'fr', [fr('53649', false)]),
    city('Bordeaux', 'FR-NAQ', 'FR', 'fr', [fr('53649', false)]),
    city('Lille', 'FR-HDF', 'FR', 'fr', [fr('35301', false)]),
    city('Strasbourg', 'FR-GES', 'FR', 'fr', [fr('35301', false)]),
    city('Nantes', 'FR-PDL', 'FR', 'fr', [fr('26191', false)]),
    city('Rennes', 'FR-BRE', 'FR', 'fr', [fr('26191', false)]),
  ],
  ES: [
    city('Madrid', 'ES-MD', 'ES', 'es', [es('612'), es('634')]),
    city('Barcelona', 'ES-CT', 'ES', 'es', [es('622'), es('655')]),
    city('Valencia', 'ES-VC', 'ES', 'es', [es('644'), es('678')]),
    city('Sevilla', 'ES-AN', 'ES', 'es', [es('690'), es('611')]),
    city('Málaga', 'ES-AN', 'ES', 'es', [es('633'), es('666')]),
    city('Bilbao', 'ES-PV', 'ES', 'es', [es('688'), es('615')]),
    city('Zaragoza', 'ES-AR', 'ES', 'es', [es('625')]),
    city('Palma', 'ES-IB', 'ES', 'es', [es('671')]),
  ],
  PT: [
    city('Lisboa', 'PT-11', 'PT', 'pt', [pt('912'), pt('915')]),
    city('Porto', 'PT-13', 'PT', 'pt', [pt('916'), pt('932')]),
    city('Faro', 'PT-08', 'PT', 'pt', [pt('961')]),
    city('Braga', 'PT-03', 'PT', 'pt', [pt('938')]),
  ],
  BR: [
    city('São Paulo', 'BR-SP', 'BR', 'pt', [br('11')]),
    city('Rio de Janeiro', 'BR-RJ', 'BR', 'pt', [br('21')]),
    city('Belo Horizonte', 'BR-MG', 'BR', 'pt', [br('31')]),
    city('Salvador', 'BR-BA', 'BR', 'pt', [br('71')]),
    city('Brasília', 'BR-DF', 'BR', 'pt', [br('61')]),
    city('Curitiba', 'BR-PR', 'BR', 'pt', [br('41')]),
    city('Porto Alegre', 'BR-RS', 'BR', 'pt', [br('51')]),
    city('Recife', 'BR-PE', 'BR', 'pt', [br('81')]),
  ],
  MX: [
    city('Ciudad de México', 'MX-CMX', 'MX', 'es', [mx2('55'), mx2('56')]),
    city('Guadalajara', 'MX-JAL', 'MX', 'es', [mx2('33')]),
    city('Monterrey', 'MX-NLE', 'MX', 'es', [mx2('81')]),
    city('Cancún', 'MX-ROO', 'MX', 'es', [mx3('998')]),
    city('Tijuana', 'MX-BCN', 'MX', 'es', [mx3('664')]),
    city('Puebla', 'MX-PUE', 'MX', 'es', [mx3('222')]),
  ],
  PH: [
    city('Manila', 'PH-00', 'PH', 'tl', DESTINATION_PHONES.PH ?? []),
    city('Quezon City', 'PH-00', 'PH', 'tl', DESTINATION_PHONES.PH ?? []),
    city('Cebu City', 'PH-CEB', 'PH', 'tl', DESTINATION_PHONES.PH ?? []),
    city('Davao City', 'PH-DAS', 'PH', 'tl', DESTINATION_PHONES.PH ?? []),
  ],
  IN: [
    city('Mumbai', 'IN-MH', 'IN', 'en', []),
    city('Delhi', 'IN-DL', 'IN', 'en', []),
    city('Chennai', 'IN-TN', 'IN', 'en', []),
    city('Hyderabad', 'IN-TG', 'IN', 'en', []),
    city('Kochi', 'IN-KL', 'IN', 'en', []),
  ],
  ID: [
    city('Jakarta', 'ID-JK', 'ID', 'en', []),
    city('Surabaya', 'ID-JI', 'ID', 'en', []),
    city('Medan', 'ID-SU', 'ID', 'en', []),
  ],
  VN: [city('Ho Chi Minh City', 'VN-SG', 'VN', 'en', []), city('Hanoi', 'VN-HN', 'VN', 'en', [])],
  KE: [city('Nairobi', 'KE-30', 'KE', 'en', []), city('Mombasa', 'KE-28', 'KE', 'en', [])],
  NG: [city('Lagos', 'NG-LA', 'NG', 'en', []), city('Abuja', 'NG-FC', 'NG', 'en', [])],
  LK: [city('Colombo', 'LK-11', 'LK', 'en', [])],
};

/** Country weights for ads posted in western markets (companion ads and their look-alikes). */
export const MARKET_WEIGHTS: readonly (readonly [string, number])[] = [
  ['US', 45],
  ['CA', 10],
  ['GB', 12],
  ['AU', 8],
  ['ES', 7],
  ['FR', 7],
  ['MX', 5],
  ['BR', 4],
  ['PT', 2],
];

/** Where scam recruiters post: countries their victims come from. */
export const SCAM_SOURCE_WEIGHTS: readonly (readonly [string, number])[] = [
  ['PH', 34],
  ['IN', 14],
  ['ID', 12],
  ['VN', 9],
  ['KE', 9],
  ['NG', 8],
  ['LK', 4],
  ['GB', 5],
  ['US', 5],
];

export const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  US: 'the US',
  CA: 'Canada',
  GB: 'the UK',
  AU: 'Australia',
  ES: 'España',
  FR: 'France',
  MX: 'México',
  BR: 'Brasil',
  PT: 'Portugal',
};

export interface Money {
  readonly symbol: string;
  /** Symbol written before the amount. */
  readonly before: boolean;
  readonly thousands: string;
  readonly decimal: string;
  /** Multiplier from a USD-like base price. */
  readonly scale: number;
  /** Monthly wage bases (USD-like) are converted with this when the market pays monthly. */
  readonly monthly: boolean;
  readonly suffix?: string;
}

export const MONEY: Readonly<Record<string, Money>> = {
  US: { symbol: '$', before: true, thousands: ',', decimal: '.', scale: 1, monthly: false },
  CA: { symbol: '$', before: true, thousands: ',', decimal: '.', scale: 1.3, monthly: false },
  GB: { symbol: '£', before: true, thousands: ',', decimal: '.', scale: 0.75, monthly: false },
  AU: { symbol: '$', before: true, thousands: ',', decimal: '.', scale: 1.5, monthly: false },
  ES: { symbol: '€', before: false, thousands: '.', decimal: ',', scale: 0.75, monthly: true },
  FR: { symbol: '€', before: false, thousands: ' ', decimal: ',', scale: 0.85, monthly: true },
  PT: { symbol: '€', before: false, thousands: '.', decimal: ',', scale: 0.6, monthly: true },
  MX: {
    symbol: '$',
    before: true,
    thousands: ',',
    decimal: '.',
    scale: 12,
    monthly: true,
    suffix: ' MXN',
  },
  BR: { symbol: 'R$ ', before: true, thousands: '.', decimal: ',', scale: 2.2, monthly: true },
};

// ---------------------------------------------------------------------------------------------
// PEOPLE
// ---------------------------------------------------------------------------------------------

export const NAMES: Readonly<Record<string, readonly string[]>> = {
  asian: ['Mei', 'Lin', 'Yuki', 'Hana', 'Sakura', 'Jenny', 'Amy', 'Cindy', 'Vicky', 'Tina', 'Kim'],
  asian2: ['Joy', 'Nana', 'Ami', 'Sora', 'Min', 'Lisa', 'Mika', 'Ploy', 'Linh', 'Trang', 'Rose'],
  latina: ['Valeria', 'Camila', 'Daniela', 'Sofia', 'Lucia', 'Paola', 'Isabella', 'Gabriela'],
  latina2: ['Carolina', 'Natalia', 'Mariana', 'Ximena', 'Luna', 'Andrea', 'Yesenia', 'Karla'],
  eastern: ['Katya', 'Nadia', 'Olga', 'Irina', 'Dasha', 'Alina', 'Vera', 'Milena', 'Sasha'],
  local: ['Amber', 'Chloe', 'Jade', 'Summer', 'Ruby', 'Sophie', 'Kayla', 'Brooke', 'Megan'],
  local2: ['Leah', 'Tara', 'Erin', 'Holly', 'Nicole', 'Laura', 'Hannah', 'Grace', 'Claire'],
  fr: ['Chloé', 'Manon', 'Léa', 'Inès', 'Camille', 'Élodie', 'Clara', 'Julie', 'Lou', 'Margaux'],
  br: ['Bruna', 'Larissa', 'Juliana', 'Fernanda', 'Bianca', 'Thaís', 'Rafaela', 'Beatriz', 'Inês'],
  male: ['James', 'Daniel', 'Marco', 'Lucas', 'Omar', 'Ethan', 'Noah', 'Kevin', 'David', 'Andre'],
  male2: ['Mateo', 'Julien', 'Thiago', 'Sam', 'Chris', 'Ravi', 'Tomás', 'Hugo', 'Ben', 'Alex'],
};

export interface Ethnicity {
  readonly en: string;
  readonly es: string;
  readonly fr: string;
  readonly pt: string;
  readonly names: readonly string[];
}

const n = (a: string, b?: string): readonly string[] => [
  ...(NAMES[a] ?? []),
  ...(b === undefined ? [] : (NAMES[b] ?? [])),
];

export const ETHNICITIES: readonly Ethnicity[] = [
  { en: 'Asian', es: 'asiática', fr: 'asiatique', pt: 'asiática', names: n('asian', 'asian2') },
  { en: 'Thai', es: 'tailandesa', fr: 'thaïlandaise', pt: 'tailandesa', names: n('asian2') },
  { en: 'Korean', es: 'coreana', fr: 'coréenne', pt: 'coreana', names: n('asian') },
  { en: 'Japanese', es: 'japonesa', fr: 'japonaise', pt: 'japonesa', names: n('asian') },
  { en: 'Chinese', es: 'china', fr: 'chinoise', pt: 'chinesa', names: n('asian') },
  { en: 'Vietnamese', es: 'vietnamita', fr: 'vietnamienne', pt: 'vietnamita', names: n('asian2') },
  { en: 'Filipina', es: 'filipina', fr: 'philippine', pt: 'filipina', names: n('asian2') },
  { en: 'Latina', es: 'latina', fr: 'latina', pt: 'latina', names: n('latina', 'latina2') },
  { en: 'Colombian', es: 'colombiana', fr: 'colombienne', pt: 'colombiana', names: n('latina') },
  {
    en: 'Venezuelan',
    es: 'venezolana',
    fr: 'vénézuélienne',
    pt: 'venezuelana',
    names: n('latina2'),
  },
  { en: 'Dominican', es: 'dominicana', fr: 'dominicaine', pt: 'dominicana', names: n('latina2') },
  { en: 'Brazilian', es: 'brasileña', fr: 'brésilienne', pt: 'brasileira', names: n('br') },
  { en: 'Paraguayan', es: 'paraguaya', fr: 'paraguayenne', pt: 'paraguaia', names: n('latina') },
  { en: 'Russian', es: 'rusa', fr: 'russe', pt: 'russa', names: n('eastern') },
  { en: 'Ukrainian', es: 'ucraniana', fr: 'ukrainienne', pt: 'ucraniana', names: n('eastern') },
  { en: 'Romanian', es: 'rumana', fr: 'roumaine', pt: 'romena', names: n('eastern') },
];

/** First names of local independent advertisers, by language. */
export const LOCAL_NAMES: Readonly<Record<Lang, readonly string[]>> = {
  en: n('local', 'local2'),
  es: n('latina', 'latina2'),
  fr: n('fr'),
  pt: n('br'),
  tl: n('asian2'),
};

export const HOBBIES: Readonly<Record<'en' | 'es', readonly string[]>> = {
  en: [
    'hiking',
    'cooking for friends',
    'salsa dancing',
    'film photography',
    'yoga',
    'board games',
    'live music',
    'painting',
    'running by the river',
    'reading thrillers',
    'baking bread',
    'cycling',
    'gardening',
    'trying new restaurants',
  ],
  es: [
    'el senderismo',
    'cocinar para mis amigos',
    'bailar salsa',
    'la fotografía',
    'el yoga',
    'los juegos de mesa',
    'la música en vivo',
    'pintar',
    'correr',
    'leer novelas',
  ],
};

export const AREAS: Readonly<Record<Lang, readonly string[]>> = {
  en: [
    'Downtown',
    'Midtown',
    'the West End',
    'Riverside',
    'Northgate',
    'Old Town',
    'Eastside',
    'the Harbourfront',
    'Parkview',
    'the University District',
  ],
  es: ['el centro', 'el casco antiguo', 'la zona norte', 'el barrio del puerto', 'el ensanche'],
  // French and Portuguese areas carry their preposition: "au centre-ville", "no centro".
  fr: ['au centre-ville', 'dans le quartier de la gare', 'dans la vieille ville', 'près du port'],
  pt: ['no centro', 'na zona norte', 'na baixa', 'no bairro universitário'],
  tl: ['the city centre'],
};

export const HOURS: Readonly<Record<Lang, readonly string[]>> = {
  en: ['Mon-Fri 9am-8pm, Sat 10am-4pm', 'daily 10am-9pm', 'Tue-Sat 8am-6pm', 'Mon-Sat 9am-7pm'],
  es: ['de lunes a viernes de 9 a 20 h', 'de lunes a sábado, de 10 a 21 h'],
  fr: ['du lundi au vendredi de 9 h à 19 h', 'du mardi au samedi de 10 h à 20 h'],
  pt: ['de segunda a sexta, das 9h às 20h', 'de segunda a sábado, das 10h às 21h'],
  tl: ['Mon-Sat 9am-7pm'],
};

export const CLINIC_WORDS: readonly (readonly [string, string])[] = [
  ['Calm', 'Hands'],
  ['Harbour', 'Wellness'],
  ['Willow', 'Physio'],
  ['Cedar', 'Massage Therapy'],
  ['Blue Lotus', 'Wellness'],
  ['Riverside', 'Physio'],
  ['Evergreen', 'Health'],
  ['Maple', 'Massage Therapy'],
  ['Summit', 'Sports Physio'],
  ['Lighthouse', 'Wellness'],
  ['Sunrise', 'Health'],
  ['Northside', 'Massage Therapy'],
];

export const COMPANY_WORDS: readonly (readonly [string, string])[] = [
  ['Northwind', 'Logistics'],
  ['Greenfield', 'Foods'],
  ['Bluebird', 'Home Care'],
  ['Harbor', 'Hotels'],
  ['Pinecrest', 'Senior Living'],
  ['Metro', 'Cleaning Services'],
  ['Redline', 'Couriers'],
  ['Oakridge', 'Hospital'],
  ['Silverline', 'Warehousing'],
  ['Brightside', 'Catering'],
  ['Lakeshore', 'Clinic'],
  ['Union', 'Bakery'],
];

export const AGENCY_NAMES: readonly string[] = [
  'Northstar Staffing',
  'BlueRiver Recruitment',
  'Keystone Workforce',
  'Atlas Temp Services',
  'Crestview Staffing Group',
  'Pioneer Personnel',
  'Everline Recruiting',
  'Summit Labour Partners',
  'Harborview Staffing',
  'Beacon Employment',
];

export const PROPERTY_MANAGERS: readonly string[] = [
  'Parkside Rentals',
  'Oak & Elm Property Management',
  'Hillcrest Lettings',
  'Riverbend Homes',
  'Cornerstone Apartments',
  'Greenway Lettings',
];

export const SCAM_COMPANIES: readonly string[] = [
  'Golden Ocean Tech',
  'Asia Bright Digital',
  'Pacific Star Online',
  'Lucky Dragon Trading',
  'Sunrise Global Services',
  'BlueWave Customer Care',
  'Mekong Digital Group',
  'Royal Pearl Marketing',
  'Jade Harbor Solutions',
  'Silver Lotus Gaming',
];

export interface Destination {
  readonly text: string;
  readonly transit: string;
  /** Country of the WhatsApp numbers recruiters give. */
  readonly phones: string;
  /** Scam compounds in border zones or SEZs rather than an office job abroad. */
  readonly compound: boolean;
}

export const DESTINATIONS: readonly Destination[] = [
  { text: 'Bangkok, Thailand', transit: 'Bangkok', phones: 'TH', compound: false },
  { text: 'Sihanoukville, Cambodia', transit: 'Phnom Penh', phones: 'KH', compound: true },
  { text: 'Phnom Penh, Cambodia', transit: 'Phnom Penh', phones: 'KH', compound: true },
  { text: 'Myawaddy (Myanmar-Thailand border)', transit: 'Mae Sot', phones: 'TH', compound: true },
  { text: 'Dubai, UAE', transit: 'Dubai', phones: 'AE', compound: false },
  { text: 'Kuala Lumpur, Malaysia', transit: 'Kuala Lumpur', phones: 'MY', compound: false },
  { text: 'the Golden Triangle SEZ, Laos', transit: 'Chiang Rai', phones: 'TH', compound: true },
];

export const SCAM_ROLES: readonly string[] = [
  'customer service representative',
  'data entry clerk',
  'typist',
  'crypto sales agent',
  'digital marketing executive',
  'chat support agent',
  'call center agent',
  'game support agent',
  'translator',
];

export const SCAM_SALARIES: readonly string[] = [
  '$3,000-5,000',
  '$2,500-4,000',
  'USD 3,500',
  '$4,000+',
  '$3,000-4,500',
];
/**
 * What a recruiter's ad promises and what it says the job involves. Each template lists its own
 * few of them in its own order, so that two recruiter groups that chose the same stock
 * sentences still write distinguishable ads, as real recruiters, each with their own copy, do.
 */
export const SCAM_PERKS: Readonly<Record<'en' | 'tl', readonly string[]>> = {
  en: [
    'free airport pickup',
    'air-conditioned dormitory',
    'monthly performance bonus',
    'free Wi-Fi in the rooms',
    'paid training in the first week',
    'a company phone',
    'free laundry service',
    'a gym and swimming pool on site',
    'two meals a day',
    'a friendly international team',
    'a yearly flight home',
    'health insurance after probation',
    'a birthday bonus',
    'weekly team dinners',
    'a shuttle bus to the office',
    'a signing bonus on arrival',
  ],
  tl: [
    'libreng sundo sa airport',
    'aircon na dormitoryo',
    'buwanang performance bonus',
    'libreng Wi-Fi sa kwarto',
    'bayad na training sa unang linggo',
    'company phone',
    'libreng laba',
    'gym at swimming pool sa loob',
    'dalawang libreng kain kada araw',
    'mababait na kasamahan',
    'libreng uwi kada taon',
    'health insurance pagkatapos ng probation',
    'birthday bonus',
    'lingguhang team dinner',
    'shuttle papunta sa office',
    'signing bonus pagdating',
  ],
};

export const SCAM_TASKS: Readonly<Record<'en' | 'tl', readonly string[]>> = {
  en: [
    'answering customer chats',
    'updating client spreadsheets',
    'posting on social media pages',
    'replying to emails',
    'translating short messages',
    'following up with new contacts',
    'testing mobile apps',
    'keeping sales records',
    'making friendly calls to clients',
    'writing product reviews',
    'managing online shop listings',
    'checking payment records',
  ],
  tl: [
    'pagsagot sa chat ng customer',
    'pag-update ng spreadsheet ng client',
    'pag-post sa social media pages',
    'pagsagot sa email',
    'pag-translate ng maiikling message',
    'pag-follow up sa bagong contacts',
    'pag-test ng mobile apps',
    'pag-record ng sales',
    'pagtawag sa mga client',
    'pagsulat ng product reviews',
    'pag-manage ng online shop listings',
    'pag-check ng payment records',
  ],
};

/** Sentence frames for the lists above; `{list}` is filled with the template's picks. */
export const SCAM_LIST_FRAMES: Readonly<
  Record<'en' | 'tl', { readonly perks: readonly string[]; readonly tasks: readonly string[] }>
> = {
  en: {
    perks: ['Benefits: {list}.', 'We also give {list}.', 'You will enjoy {list}.'],
    tasks: ['Daily work: {list}.', 'Your tasks are {list}.', 'The job is mostly {list}.'],
  },
  tl: {
    perks: ['Benefits: {list}.', 'May {list} pa.', 'Kasama na ang {list}.'],
    tasks: ['Trabaho araw-araw: {list}.', 'Ang gagawin mo: {list}.'],
  },
};

export const SCAM_FEES: readonly string[] = ['$300', '$500', 'USD 450', '150 USDT', '$250'];
export const SCAM_LANGS: readonly string[] = [
  'English, Chinese, Thai, Vietnamese or Indonesian',
  'English and Tagalog',
  'Hindi and English',
  'Japanese or Korean',
  'English and Swahili',
];

/** Job roles by language; `plural` roles read well with an appended "s". */
export const JOB_ROLES: Readonly<Record<'en' | 'es' | 'fr' | 'pt', readonly string[]>> = {
  en: [
    'warehouse associate',
    'forklift operator',
    'housekeeper',
    'live-out cook',
    'elder care companion',
    'registered nurse',
    'healthcare assistant',
    'hotel room attendant',
    'line cook',
    'office cleaner',
    'delivery driver',
    'retail associate',
  ],
  es: [
    'mozo de almacén',
    'carretillero',
    'empleada de hogar',
    'cocinero',
    'camarero',
    'auxiliar de enfermería',
    'cuidador de personas mayores',
    'limpiador de oficinas',
    'repartidor',
  ],
  fr: [
    'préparateur de commandes',
    'cariste',
    'aide à domicile',
    'cuisinier',
    'serveur',
    'aide-soignant',
    "agent d'entretien",
    'livreur',
  ],
  pt: [
    'operador de armazém',
    'empregada doméstica',
    'cozinheiro',
    'empregado de mesa',
    'auxiliar de enfermagem',
    'cuidador de idosos',
    'técnico de limpeza',
    'estafeta',
  ],
};

/** Roles a staffing agency places; all take a plain "s" plural in English. */
export const STAFFING_ROLES: readonly string[] = [
  'warehouse associate',
  'forklift operator',
  'healthcare assistant',
  'cleaner',
  'line cook',
  'delivery driver',
  'room attendant',
  'care worker',
  'security officer',
  'production operator',
];

export const ROOMS: Readonly<Record<'en' | 'es' | 'fr' | 'pt', readonly string[]>> = {
  en: ['one-bedroom', 'two-bedroom', 'three-bedroom'],
  es: ['un dormitorio', 'dos dormitorios', 'tres dormitorios'],
  fr: ['T2', 'T3', 'T4'],
  pt: ['um quarto', 'dois quartos', 'três quartos'],
};

export const HANDLE_WORDS_A: readonly string[] = [
  'sweet',
  'velvet',
  'sunny',
  'lux',
  'golden',
  'silk',
  'star',
  'royal',
  'angel',
  'ocean',
  'honey',
  'lotus',
  'jade',
  'ruby',
  'pearl',
  'moon',
  'vip',
];
export const HANDLE_WORDS_B: readonly string[] = [
  'garden',
  'lounge',
  'bookings',
  'house',
  'club',
  'spa',
  'diamonds',
  'dreams',
  'time',
  'angels',
];

export const EMAIL_DOMAINS: readonly string[] = ['example.com', 'example.net', 'example.org'];

/** Digit words for spelled-out phone numbers. */
export const DIGIT_WORDS: Readonly<Record<'en' | 'es' | 'fr' | 'pt', readonly string[]>> = {
  en: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
  es: ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'],
  fr: ['zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf'],
  pt: ['zero', 'um', 'dois', 'três', 'quatro', 'cinco', 'seis', 'sete', 'oito', 'nove'],
};

// ---------------------------------------------------------------------------------------------
// TEXT KITS
// ---------------------------------------------------------------------------------------------

/** Ads a trafficking network writes for its personas (manager voice, indicator language). */
export const NETWORK_KITS: Readonly<Record<'en' | 'es' | 'fr' | 'pt', Kit>> = {
  en: {
    title: [
      '{eth} {name} {age} - new in {city}, sweet and friendly',
      'NEW {eth} sweetheart {name} in {city} - 100% real pics',
      '{name} {age} • young and sweet {eth} companion • {city}',
      'Fresh face in {city}: {name}, {age}, {eth}, relaxing time',
      '{city} - {eth} {name} ({age}) real photos, available now',
      'Sweet {eth} lady {name}, {age}, just arrived in {city}',
      'Young {eth} {name} {age} | friendly companion | {city} today',
    ],
    open: [
      'Hi gentlemen, meet {name}, a sweet {eth} companion who just arrived in {city}.',
      'Say hello to {name}, {age}, our newest {eth} companion in {city}.',
      '{name} is {age}, {eth}, friendly and very easy to talk to.',
      'Beautiful {eth} lady {name}, {age} years old, now available in {city}.',
      'Gentlemen of {city}, {name} ({age}) is here for you, sweet and polite.',
    ],
    youth: [
      'Fresh face, young and sweet, new to this.',
      'Young and sweet with a fresh face and a lovely smile.',
      'Brand new to this, a bit shy at first but very sweet.',
      'Just started this week, fresh face and always polite.',
    ],
    eth: [
      'Real {eth} beauty, speaks a few words of English.',
      'Authentic {eth} girl, sweet and caring.',
      '{eth}, elegant and well mannered.',
    ],
    trust: [
      '100% real pics, no fakes, no games.',
      'Real photos, what you see is what you get.',
      'All pictures are real and recent, verified by our team.',
      'No fakes, no deposit scams, 100% real and legit.',
    ],
    manager: [
      'My girls are sweet, friendly and always on time. She is available now.',
      'She does not speak much English, so text me and I will arrange everything.',
      'Booking through me only; she will be ready when you arrive.',
      'I manage her schedule, just text me the time you want.',
      'Ask for {name}; other ladies are also available every day.',
    ],
    relax: [
      'Relaxing time with a sweet friendly companion, incall or outcall.',
      'Available day and night, short notice is ok.',
      'Clean, quiet and discreet place close to the highway.',
      'Available 24/7 for relaxing company, hotels welcome.',
    ],
    move: ['New in town, only a few days in {city}.', 'Limited time in {city}, leaving soon.'],
    price: [
      'Rates: {price} per hour, {price2} half hour.',
      'Special today: {price} for one hour.',
      '{price} hr / {price2} hh, cash only.',
      'Donation {price} per hour, no negotiation.',
    ],
    cryptoBtc: [
      'Deposit required by Bitcoin to {wallet} before the visit.',
      'We accept crypto deposit, BTC: {wallet}',
    ],
    cryptoUsdt: [
      'Deposit in USDT (TRC20) to {wallet} to confirm your time.',
      'Crypto deposit only, USDT TRC20: {wallet}',
    ],
    gift: [
      'Gift cards accepted for deposit (Amazon, Steam, Apple).',
      'Deposit with gift cards only, send a photo of the card.',
    ],
    cashapp: ['Deposit by Cash App {pay} to hold your time.'],
    phone: [
      'Call or text {contact}.',
      'Text {contact}, no blocked numbers, no emails.',
      'Contact: {contact} (text first please).',
      'Call or text {contact} anytime.',
    ],
    whatsapp: [
      'Text only on WhatsApp {contact}, no calls.',
      'WhatsApp only: {contact}',
      'Message on WhatsApp {contact}, fast reply.',
    ],
    telegram: ['Message me on Telegram {contact}.', 'Telegram only: {contact}'],
    wechat: ['Booking by {contact} only.', 'Add {contact} and send the time you want.'],
  },
  es: {
    title: [
      '{name} {age} años, {eth}, nueva en {city}, dulce y cariñosa',
      'NUEVA en {city}: {name}, {eth}, fotos 100% reales',
      '{name} {age} • joven y dulce • {eth} • {city}',
      'Cara fresca en {city}: {name}, {age} años, chica {eth}',
    ],
    open: [
      'Hola caballeros, les presento a {name}, una compañera {eth} que acaba de llegar a {city}.',
      '{name} tiene {age} años, es {eth}, simpática y muy cariñosa.',
      'Conoce a {name}, {age} años, nuestra nueva compañera {eth} en {city}.',
    ],
    youth: [
      'Cara fresca, joven y dulce, nueva en esto.',
      'Recién empezando, un poco tímida pero muy dulce.',
      'Cara nueva en {city}, dulce y con una sonrisa preciosa.',
    ],
    eth: ['Auténtica chica {eth}, dulce y atenta.', 'Belleza {eth}, habla poco español.'],
    trust: [
      'Fotos 100% reales, sin engaños.',
      'Fotos reales y recientes, lo que ves es lo que hay.',
      'Nada de fakes, todo 100% real.',
    ],
    manager: [
      'Mis chicas están disponibles 24 horas; ella te espera.',
      'Ella no habla mucho español, escríbeme a mí y lo organizo todo.',
      'Reservas solo conmigo, ella estará lista cuando llegues.',
      'Pregunta por {name}; también hay otras chicas disponibles.',
    ],
    relax: [
      'Momentos relajantes con una compañera dulce y amable.',
      'Disponible día y noche, también a hoteles.',
    ],
    move: ['Nueva en la ciudad, solo unos días en {city}.', 'Por tiempo limitado en {city}.'],
    price: ['{price} la hora, media hora {price2}.', 'Oferta de hoy: {price} la hora.'],
    cryptoBtc: ['Depósito por Bitcoin a {wallet} antes de la cita.'],
    cryptoUsdt: ['Depósito en USDT (TRC20) a {wallet} para confirmar.'],
    gift: ['Se aceptan tarjetas regalo como depósito.'],
    cashapp: ['Depósito por Cash App {pay}.'],
    phone: ['Llama o escribe al {contact}.', 'Contacto: {contact}, primero mensaje.'],
    whatsapp: ['Solo WhatsApp {contact}, no llamadas.', 'Escríbeme por WhatsApp {contact}.'],
    telegram: ['Escríbeme por Telegram {contact}.'],
    wechat: ['Reservas por {contact}.'],
  },
  fr: {
    title: [
      '{name} {age} ans, {eth}, nouvelle à {city}, douce et souriante',
      'NOUVELLE à {city} : {name}, {eth}, photos 100% réelles',
      '{name} {age} • jeune et douce • {eth} • {city}',
      'Visage frais à {city} : {name}, {age} ans, {eth}',
    ],
    open: [
      'Bonjour messieurs, voici {name}, une compagne {eth} tout juste arrivée à {city}.',
      '{name} a {age} ans, elle est {eth}, gentille et très souriante.',
      'Découvrez {name}, {age} ans, notre nouvelle compagne {eth} à {city}.',
    ],
    youth: [
      'Visage frais, jeune et douce, nouvelle dans ce milieu.',
      'Elle débute, un peu timide mais très douce.',
    ],
    eth: [
      'Authentique beauté {eth}, parle peu français.',
      'Jeune femme {eth}, douce et attentionnée.',
    ],
    trust: [
      'Photos 100% réelles, pas de fake.',
      'Photos réelles et récentes, aucune mauvaise surprise.',
    ],
    manager: [
      'Mes filles sont disponibles 24h/24, elle vous attend.',
      "Elle ne parle pas bien français, écrivez-moi et j'organise tout.",
      'Réservation uniquement avec moi, elle sera prête à votre arrivée.',
      "Demandez {name} ; d'autres compagnes sont aussi disponibles.",
    ],
    relax: [
      'Moment de détente avec une compagne douce et agréable.',
      'Disponible jour et nuit, hôtels acceptés.',
    ],
    move: [
      'Nouvelle en ville, quelques jours seulement à {city}.',
      'De passage à {city} pour peu de temps.',
    ],
    price: ["{price} l'heure, {price2} la demi-heure.", "Offre du jour : {price} l'heure."],
    cryptoBtc: ['Acompte en Bitcoin à {wallet} avant le rendez-vous.'],
    cryptoUsdt: ['Acompte en USDT (TRC20) à {wallet} pour confirmer.'],
    gift: ['Cartes cadeaux acceptées pour l’acompte.'],
    cashapp: ['Acompte par Cash App {pay}.'],
    phone: ['Appelez ou écrivez au {contact}.', "Contact : {contact}, SMS d'abord."],
    whatsapp: ["WhatsApp uniquement {contact}, pas d'appels.", 'Écrivez sur WhatsApp {contact}.'],
    telegram: ['Contact Telegram {contact}.'],
    wechat: ['Réservation par {contact}.'],
  },
  pt: {
    title: [
      '{name} {age} anos, {eth}, novidade em {city}, doce e carinhosa',
      'NOVA em {city}: {name}, {eth}, fotos 100% reais',
      '{name} {age} • jovem e doce • {eth} • {city}',
      'Rosto fresco em {city}: {name}, {age} anos, {eth}',
    ],
    open: [
      'Olá senhores, conheçam {name}, uma acompanhante {eth} que acabou de chegar a {city}.',
      '{name} tem {age} anos, é {eth}, simpática e muito carinhosa.',
      'Apresentamos {name}, {age} anos, a nossa nova acompanhante {eth} em {city}.',
    ],
    youth: [
      'Rosto fresco, jovem e doce, nova nisso.',
      'Está começando agora, um pouco tímida mas muito doce.',
    ],
    eth: ['Autêntica beleza {eth}, fala pouco português.', 'Moça {eth}, doce e atenciosa.'],
    trust: ['Fotos 100% reais, sem enganação.', 'Fotos reais e recentes, sem surpresas.'],
    manager: [
      'Temos várias acompanhantes disponíveis 24 horas; ela espera por você.',
      'Ela não fala bem português, fale comigo e eu organizo tudo.',
      'Reservas só comigo, ela estará pronta quando você chegar.',
      'Pergunte pela {name}; outras acompanhantes também disponíveis.',
    ],
    relax: [
      'Momentos relaxantes com uma acompanhante doce e simpática.',
      'Atendo dia e noite, também em hotéis.',
    ],
    move: ['Novidade na cidade, só por poucos dias em {city}.', 'Por tempo limitado em {city}.'],
    price: ['{price} a hora, meia hora {price2}.', 'Promoção de hoje: {price} a hora.'],
    cryptoBtc: ['Depósito em Bitcoin para {wallet} antes do encontro.'],
    cryptoUsdt: ['Depósito em USDT (TRC20) para {wallet} para confirmar.'],
    gift: ['Aceitamos cartões-presente como depósito.'],
    cashapp: ['Depósito por Cash App {pay}.'],
    phone: ['Ligue ou mande mensagem para {contact}.', 'Contato: {contact}, mensagem primeiro.'],
    whatsapp: ['Só WhatsApp {contact}, sem ligações.', 'Chama no WhatsApp {contact}.'],
    telegram: ['Telegram: {contact}'],
    wechat: ['Reservas pelo {contact}.'],
  },
};

/** Independent adults advertising their own companionship: first person, own phone, one city. */
export const INDEPENDENT_KITS: Readonly<Record<'en' | 'es' | 'fr' | 'pt', Kit>> = {
  en: {
    title: [
      '{name}, {age} - warm and easygoing companion in {city}',
      'In {city} this week only: {name}, relaxed and discreet',
      '{name} here - good conversation and relaxing time, {city}',
      'Visiting {city} until Sunday - {name} ({age})',
      'Mature and friendly {name}, {age}, {city} - screening required',
      'Independent companion {name} in {city}, call or text',
    ],
    intro: [
      "Hi, I'm {name}, {age}, an independent companion based in {city}.",
      'Hello! {name} here, {age}, easygoing, well read and always on time.',
      "I'm {name}, a warm and friendly companion who loves good food and honest conversation.",
      "My name is {name}; I'm {age} and I work for myself, on my own schedule.",
    ],
    about: [
      'I enjoy live music, long dinners and a good laugh.',
      'Expect a relaxed, unhurried time with someone who listens.',
      "I'm a little nerdy, love museums and always have a book in my bag.",
      'I keep things calm, respectful and discreet.',
    ],
    move: [
      'In town this week only and leaving soon, so book ahead.',
      'Touring: in {city} until Sunday, then back home.',
      'New in town for a few days and happy to meet respectful gentlemen.',
      'Limited time in {city}; my calendar fills fast.',
    ],
    screen: [
      'Light screening is required for first meetings: your name and a work email or a reference.',
      'I screen everyone for my safety; please introduce yourself politely.',
      "Please read my full ad before texting; I don't reply to rude messages.",
      'References from other providers are welcome and speed things up.',
    ],
    trust: ['My photos are recent and real.', 'All photos are mine and current.'],
    eth: ["I'm half {eth}, born and raised here.", '{eth} by background, local by heart.'],
    price: [
      'My rates: {price} for one hour, {price2} for two hours.',
      '{price} per hour; dinner dates by arrangement.',
      'Rates start at {price} an hour and are not negotiable.',
    ],
    site: ['More about me at {site}.', 'Full rates and availability on my website {site}.'],
    pay: ['Deposits for outcalls via {pay}.'],
    contact: [
      'Call or text {contact} between 11am and 9pm.',
      'Text me at {contact}; I answer myself.',
      'Best way to reach me: {contact}.',
      'Text or call {contact}, no blocked numbers please.',
    ],
  },
  es: {
    title: [
      '{name}, {age} años - acompañante independiente en {city}',
      'Solo esta semana en {city}: {name}, tranquila y discreta',
      '{name}, buena conversación y momentos relajantes en {city}',
    ],
    intro: [
      'Hola, soy {name}, tengo {age} años y soy acompañante independiente en {city}.',
      'Soy {name}, cariñosa y sincera, y trabajo por mi cuenta.',
    ],
    about: [
      'Me encanta la buena cocina, la música en vivo y una buena charla.',
      'Conmigo todo es tranquilo, respetuoso y discreto.',
    ],
    move: ['Solo esta semana en {city}, me voy pronto.', 'Nueva en la ciudad por unos días.'],
    screen: [
      'Pido una breve verificación en la primera cita, por mi seguridad.',
      'Por favor, preséntate con educación; no respondo mensajes groseros.',
    ],
    trust: ['Mis fotos son recientes y reales.'],
    eth: ['Soy {eth} de nacimiento y vivo aquí desde hace años.'],
    price: ['Mis tarifas: {price} una hora, {price2} dos horas.'],
    site: ['Más sobre mí en {site}.'],
    pay: ['Depósito para salidas por {pay}.'],
    contact: [
      'Llámame o escríbeme al {contact}, respondo yo misma.',
      'Escríbeme al {contact} entre las 11 y las 21 h.',
    ],
  },
  fr: {
    title: [
      '{name}, {age} ans - accompagnatrice indépendante à {city}',
      'À {city} cette semaine seulement : {name}, douce et discrète',
      '{name}, conversation agréable et moment de détente à {city}',
    ],
    intro: [
      'Bonjour, je suis {name}, {age} ans, accompagnatrice indépendante à {city}.',
      "Je m'appelle {name}, souriante et sincère, et je travaille à mon compte.",
    ],
    about: [
      "J'aime la bonne cuisine, les concerts et les longues discussions.",
      'Avec moi tout est calme, respectueux et discret.',
    ],
    move: [
      'À {city} cette semaine seulement, je repars bientôt.',
      'Nouvelle en ville pour quelques jours.',
    ],
    screen: [
      'Une courte vérification est demandée au premier rendez-vous, pour ma sécurité.',
      'Merci de vous présenter poliment ; je ne réponds pas aux messages grossiers.',
    ],
    trust: ['Mes photos sont récentes et réelles.'],
    eth: ["Je suis {eth} d'origine et je vis ici depuis des années."],
    price: ["Mes tarifs : {price} l'heure, {price2} les deux heures."],
    site: ["Plus d'infos sur {site}."],
    pay: ['Acompte pour les déplacements par {pay}.'],
    contact: [
      'Appelez-moi ou écrivez au {contact}, je réponds moi-même.',
      'Écrivez-moi au {contact} entre 11 h et 21 h.',
    ],
  },
  pt: {
    title: [
      '{name}, {age} anos - acompanhante independente em {city}',
      'Só esta semana em {city}: {name}, tranquila e discreta',
      '{name}, boa conversa e momentos relaxantes em {city}',
    ],
    intro: [
      'Olá, sou a {name}, tenho {age} anos e sou acompanhante independente em {city}.',
      'Sou a {name}, carinhosa e sincera, e trabalho por conta própria.',
    ],
    about: [
      'Adoro boa comida, música ao vivo e uma boa conversa.',
      'Comigo tudo é tranquilo, respeitoso e discreto.',
    ],
    move: ['Só esta semana em {city}, vou embora logo.', 'Novidade na cidade por poucos dias.'],
    screen: ['Peço uma breve verificação no primeiro encontro, pela minha segurança.'],
    trust: ['Minhas fotos são recentes e reais.'],
    eth: ['Sou {eth} de nascimento e moro aqui há anos.'],
    price: ['Meus valores: {price} uma hora, {price2} duas horas.'],
    site: ['Mais sobre mim em {site}.'],
    pay: ['Depósito para deslocações por {pay}.'],
    contact: ['Ligue ou mande mensagem para {contact}, eu mesma respondo.'],
  },
};

export const CLINIC_KITS: Readonly<Record<'en' | 'es' | 'fr' | 'pt', Kit>> = {
  en: {
    title: [
      '{company} - licensed massage therapy in {city}',
      'Relaxing therapeutic massage, {price} per 60 min - {city}',
      'New in town? Registered massage and physiotherapy at {company}',
      'Sports and deep tissue massage in {area}, {city} - book today',
    ],
    intro: [
      '{company} is a licensed massage and physiotherapy clinic in {area}, {city}.',
      'Welcome to {company}, a friendly wellness clinic serving {area} and the rest of {city}.',
    ],
    staff: [
      'All our therapists are registered and insured ({license}).',
      'Treatments are given by licensed therapists only ({license}).',
    ],
    services: [
      'We offer Swedish, deep tissue, prenatal and sports massage.',
      'Physiotherapy, sports massage and relaxing aromatherapy treatments.',
    ],
    price: [
      'Prices: {price} per 60 min, {price2} per 90 min.',
      '60 min {price}, 90 min {price2}; packages of five sessions available.',
    ],
    hours: ['Open {hours}.', 'Opening hours: {hours}.'],
    extra: [
      'Just moved to the area? Ask about our first-visit discount.',
      'Gift cards available at reception.',
      'Direct billing to most extended health plans.',
      'Relaxing, professional and friendly; walk-ins welcome when a therapist is free.',
    ],
    contact: [
      'Call or text {contact} to book, or book online at {site}.',
      'Book online at {site} or call {contact}.',
    ],
  },
  es: {
    title: [
      '{company} - fisioterapia y masaje terapéutico en {city}',
      'Masaje relajante y deportivo, {price} la sesión de 60 min - {city}',
    ],
    intro: ['{company} es un centro de fisioterapia y masaje terapéutico en {area}, {city}.'],
    staff: ['Fisioterapeutas colegiados ({license}).'],
    services: ['Masaje relajante, descontracturante y deportivo, y drenaje linfático.'],
    price: ['Tarifas: {price} 60 min, {price2} 90 min.'],
    hours: ['Horario: {hours}.'],
    extra: [
      '¿Nuevo en la ciudad? Primera sesión con descuento.',
      'Tarjetas regalo disponibles en recepción.',
    ],
    contact: ['Llama o escribe al {contact} o reserva en {site}.'],
  },
  fr: {
    title: [
      '{company} - kinésithérapie et massage bien-être à {city}',
      'Massage relaxant et sportif, {price} les 60 min - {city}',
    ],
    intro: ['{company} est un cabinet de kinésithérapie et de massage bien-être {area}, à {city}.'],
    staff: ["Praticiens diplômés d'État ({license})."],
    services: ['Massage relaxant, sportif et drainage lymphatique.'],
    price: ['Tarifs : {price} les 60 min, {price2} les 90 min.'],
    hours: ['Ouvert {hours}.'],
    extra: [
      'Nouveau dans le quartier ? Première séance à tarif réduit.',
      "Cartes cadeaux disponibles à l'accueil.",
    ],
    contact: ['Appelez ou écrivez au {contact} ou réservez sur {site}.'],
  },
  pt: {
    title: [
      '{company} - fisioterapia e massagem terapêutica em {city}',
      'Massagem relaxante e desportiva, {price} 60 min - {city}',
    ],
    intro: ['{company} é uma clínica de fisioterapia e massagem terapêutica {area}, {city}.'],
    staff: ['Fisioterapeutas registados ({license}).'],
    services: ['Massagem relaxante, desportiva e drenagem linfática.'],
    price: ['Preços: {price} 60 min, {price2} 90 min.'],
    hours: ['Horário: {hours}.'],
    extra: [
      'Chegou agora à cidade? Primeira sessão com desconto.',
      'Vales-presente disponíveis na receção.',
    ],
    contact: ['Ligue ou mande mensagem para {contact} ou marque em {site}.'],
  },
};

export const RENTAL_KITS: Readonly<Record<'en' | 'es' | 'fr' | 'pt', Kit>> = {
  en: {
    title: [
      'Bright room for rent in {area}, {city} - {rent}/month',
      'Bright {rooms} apartment near downtown {city}, {rent} per month',
      'New in town? Furnished room available now in {city}',
      'Sunny {rooms} flat in {area} - {rent} a month, utilities included',
    ],
    intro: [
      'Furnished room in a quiet shared apartment in {area}, {city}.',
      'A {rooms} apartment on the second floor of a small building in {area}.',
      'Sunny {rooms} unit with a balcony, close to shops in {area}, {city}.',
    ],
    rent: [
      'Rent is {rent} per month, utilities and wifi included.',
      '{rent} monthly plus utilities; one month deposit.',
    ],
    details: [
      'Close to the bus line, the supermarket and a park.',
      'Laundry in the building and a bike storage room.',
      'Quiet street, ten minutes from the train station.',
    ],
    terms: [
      'Looking for a tidy, friendly tenant; references and a deposit of one month are required.',
      'Minimum stay six months, no smoking, small pets considered.',
      'Perfect if you are new in town and starting a job nearby.',
    ],
    move: ["Viewings this week only; I'm leaving soon for a new job and must fill the room."],
    manager: ['Listed by {company}; more homes on our website {site}.'],
    contact: [
      'Call or text {contact} to arrange a viewing.',
      'Send a message to {contact} with a little about yourself.',
      'Contact {contact} for photos and a viewing.',
    ],
    contactEmail: [
      'Email {email} to arrange a viewing.',
      'Write to {email} with a little about yourself and when you could move in.',
    ],
  },
  es: {
    title: [
      'Habitación amueblada en {area}, {city} - {rent}/mes',
      'Piso de {rooms} cerca del centro de {city}, {rent} al mes',
    ],
    intro: [
      'Habitación amueblada en piso compartido y tranquilo en {area}, {city}.',
      'Piso de {rooms} en un edificio pequeño en {area}.',
    ],
    rent: [
      'Alquiler {rent} al mes, gastos e internet incluidos.',
      '{rent} mensuales más gastos; una fianza de un mes.',
    ],
    details: [
      'Cerca del autobús, del supermercado y de un parque.',
      'Calle tranquila, a diez minutos de la estación.',
    ],
    terms: [
      'Busco inquilino ordenado y amable; se piden referencias.',
      'Ideal si eres nuevo en la ciudad y empiezas a trabajar cerca.',
    ],
    move: ['Visitas solo esta semana, me mudo pronto por trabajo.'],
    manager: ['Gestionado por {company}; más pisos en {site}.'],
    contact: [
      'Llama o escribe al {contact} para verlo.',
      'Escribe al {contact} y te mando más fotos.',
    ],
    contactEmail: ['Escribe a {email} para concertar una visita.'],
  },
  fr: {
    title: [
      'Chambre meublée à louer {area}, {city} - {rent}/mois',
      'Appartement {rooms} proche du centre de {city}, {rent} par mois',
    ],
    intro: [
      'Chambre meublée dans une colocation calme {area}, à {city}.',
      "Appartement {rooms} au deuxième étage d'un petit immeuble {area}.",
    ],
    rent: [
      'Loyer {rent} par mois, charges et internet compris.',
      '{rent} par mois hors charges ; un mois de dépôt de garantie.',
    ],
    details: [
      "Proche du bus, d'un supermarché et d'un parc.",
      'Rue calme, à dix minutes de la gare.',
    ],
    terms: [
      'Je cherche un locataire soigneux et sympathique ; garant demandé.',
      'Idéal si vous êtes nouveau en ville et commencez un travail à côté.',
    ],
    move: ['Visites cette semaine seulement, je déménage bientôt.'],
    manager: ["Géré par {company} ; d'autres logements sur {site}."],
    contact: [
      'Appelez ou écrivez au {contact} pour une visite.',
      'Envoyez un message au {contact} pour plus de photos.',
    ],
    contactEmail: ['Écrivez à {email} pour organiser une visite.'],
  },
  pt: {
    title: [
      'Quarto mobilado para alugar {area}, {city} - {rent}/mês',
      'Apartamento de {rooms} perto do centro de {city}, {rent} por mês',
    ],
    intro: [
      'Quarto mobilado num apartamento partilhado e tranquilo {area}, {city}.',
      'Apartamento de {rooms} num prédio pequeno {area}.',
    ],
    rent: [
      'Renda de {rent} por mês, despesas e internet incluídas.',
      '{rent} por mês mais despesas; caução de um mês.',
    ],
    details: [
      'Perto do autocarro, do supermercado e de um parque.',
      'Rua sossegada, a dez minutos da estação.',
    ],
    terms: [
      'Procuro inquilino arrumado e simpático; pedem-se referências.',
      'Ideal para quem é novo na cidade e começa a trabalhar perto.',
    ],
    move: ['Visitas só esta semana, vou mudar-me em breve.'],
    manager: ['Gerido por {company}; mais casas em {site}.'],
    contact: ['Ligue ou mande mensagem para {contact} para visitar.'],
    contactEmail: ['Escreva para {email} para marcar uma visita.'],
  },
};

export const DATING_KITS: Readonly<Record<'en' | 'es', Kit>> = {
  en: {
    title: [
      '{name}, {age} - new in {city} and looking for a real connection',
      'Coffee lover {name} ({age}) in {city}',
      '{name}, {age}: {hobby} and good conversation in {city}',
      'Sweet and friendly {name}, {age}, new in town',
    ],
    intro: [
      "Hi! I'm {name}, {age}, new in town and still learning my way around {city}.",
      'Hey, {name} here. I moved to {city} for work a few months ago.',
      "I'm {name}, {age}, a nurse by day and a terrible singer by night.",
      "{name}, {age}. Born in {city}, left, came back, and I'm glad I did.",
    ],
    hobbies: [
      'I love {hobby} and {hobby2}.',
      'Weekends are for {hobby}, and weeknights for {hobby2}.',
      'Ask me about {hobby}; I could talk about it for hours. Also into {hobby2}.',
    ],
    looking: [
      'Looking for someone kind and honest, no games.',
      'Hoping to meet someone who laughs easily and texts back.',
      'Not here for anything casual, please respect that.',
    ],
    trait: [
      'Sweet, friendly and a bit shy at first.',
      'Half {eth}, half Irish, and fully addicted to coffee.',
    ],
    trust: ['Real photos, all recent.', 'Yes, the photos are really me.'],
    contact: [
      'Follow me on {contact} and say hi.',
      'Find me on {contact}.',
      'Message me here or on {contact}.',
    ],
  },
  es: {
    title: [
      '{name}, {age} - nueva en {city} y buscando algo real',
      '{name} ({age}), amante del café en {city}',
    ],
    intro: [
      '¡Hola! Soy {name}, tengo {age} años y acabo de llegar a {city}.',
      'Soy {name}, me mudé a {city} por trabajo hace unos meses.',
    ],
    hobbies: ['Me encanta {hobby} y {hobby2}.', 'Los fines de semana son para {hobby}.'],
    looking: ['Busco a alguien amable y sincero, sin juegos.', 'Nada casual, por favor.'],
    trait: ['Dulce, simpática y un poco tímida al principio.', 'Mitad {eth}, mitad gallega.'],
    trust: ['Fotos reales y recientes.'],
    contact: ['Sígueme en {contact} y salúdame.', 'Búscame en {contact}.'],
  },
};

export const JOB_KITS: Readonly<Record<'en' | 'es' | 'fr' | 'pt', Kit>> = {
  en: {
    title: [
      'Now hiring: {role} in {city} ({wage})',
      '{company} is hiring a {role} - {city}',
      '{role}, full time, {wage} - start this month',
      'Job: {role} wanted in {area}, {city}',
    ],
    intro: [
      '{company} is hiring a {role} for our {city} location.',
      'We are a family-run business in {area}, {city}, looking for a reliable {role}.',
      'Busy {city} employer seeks an experienced {role} to join a friendly team.',
    ],
    pay: [
      'Pay: {wage}, weekly pay, overtime after 40 hours.',
      'Starting at {wage} depending on experience, paid every two weeks.',
    ],
    req: [
      'No experience needed, paid training provided.',
      'At least one year of experience preferred; we will train the right person.',
      'Must have the right to work in {country} and reliable transport.',
    ],
    hours: [
      'Shifts of 8 hours, 5 days a week, weekends rotate.',
      'Monday to Friday, 7am to 3:30pm.',
      'Part time or full time, flexible hours.',
    ],
    benefits: [
      'Benefits include health insurance, paid time off and a pension plan.',
      'Free parking, staff meals and uniform provided.',
    ],
    urgent: ['Interviews this week, start immediately.', 'Urgent hiring for the new season.'],
    intl: [
      'International applicants welcome: visa sponsorship through the official skilled-worker route and help with relocation.',
    ],
    contact: [
      'Apply online at {site} or call or text {contact}.',
      'Send your CV to {email}.',
      'Call or text {contact} to book an interview.',
      'Apply at {site}; questions to {email}.',
    ],
  },
  es: {
    title: ['Se busca {role} en {city} - {wage}', '{company} contrata {role} - {city}'],
    intro: [
      '{company} busca {role} para su centro de {city}.',
      'Empresa familiar en {area}, {city}, busca {role} responsable.',
    ],
    pay: ['Salario: {wage}, pago mensual y horas extra pagadas.'],
    req: [
      'No se necesita experiencia, ofrecemos formación pagada.',
      'Se valora experiencia de un año; permiso de trabajo en vigor.',
    ],
    hours: [
      'Jornada completa de lunes a viernes, 8 horas.',
      'Turnos rotativos, fines de semana alternos.',
    ],
    benefits: [
      'Contrato indefinido tras el periodo de prueba.',
      'Comida de personal y uniforme incluidos.',
    ],
    urgent: ['Incorporación inmediata.'],
    intl: ['Se tramita el permiso de trabajo por la vía oficial para candidatos extranjeros.'],
    contact: ['Envía tu CV a {email} o llama al {contact}.', 'Inscríbete en {site}.'],
  },
  fr: {
    title: ['Recherche {role} à {city} - {wage}', '{company} recrute : {role} - {city}'],
    intro: [
      '{company} recrute un(e) {role} pour son site de {city}.',
      'Entreprise familiale située {area}, à {city}, cherche un(e) {role} fiable.',
    ],
    pay: ['Salaire : {wage}, heures supplémentaires payées.'],
    req: [
      'Débutants acceptés, formation rémunérée.',
      'Une première expérience est un plus ; autorisation de travail requise.',
    ],
    hours: [
      '35 heures par semaine, du lundi au vendredi.',
      'Horaires en équipes, un week-end sur deux.',
    ],
    benefits: ['Mutuelle, tickets restaurant et tenue fournie.'],
    urgent: ['Prise de poste immédiate.'],
    intl: [
      'Candidats étrangers bienvenus : titre de séjour salarié demandé par la voie officielle.',
    ],
    contact: ['Envoyez votre CV à {email} ou appelez le {contact}.', 'Postulez sur {site}.'],
  },
  pt: {
    title: ['Procura-se {role} em {city} - {wage}', '{company} contrata {role} - {city}'],
    intro: [
      '{company} procura {role} para a unidade de {city}.',
      'Empresa familiar {area} de {city} procura {role} responsável.',
    ],
    pay: ['Salário: {wage}, horas extra pagas.'],
    req: ['Não é preciso experiência, damos formação paga.', 'Experiência de um ano é valorizada.'],
    hours: ['Horário completo, de segunda a sexta.', 'Turnos rotativos.'],
    benefits: ['Subsídio de alimentação e farda incluídos.'],
    urgent: ['Entrada imediata.'],
    intl: ['Candidatos estrangeiros bem-vindos: visto de trabalho pela via oficial.'],
    contact: ['Envie o CV para {email} ou ligue para {contact}.', 'Candidate-se em {site}.'],
  },
};

export const STAFFING_KITS: Readonly<Record<'en' | 'es' | 'fr', Kit>> = {
  en: {
    title: [
      '{role}s needed in {city} - {wage} - apply today',
      'Now hiring: {role}s in {city}, weekly pay',
      '{agency}: {role} jobs in {city}, start next week',
    ],
    intro: [
      '{agency} is recruiting {role}s for clients in {city} and nearby.',
      'Our clients in {city} need {role}s for day, evening and weekend shifts.',
    ],
    pay: ['Pay {wage} depending on the assignment, paid weekly.', 'Competitive pay from {wage}.'],
    terms: [
      'Temporary and permanent positions, no fees charged to candidates.',
      'We never ask candidates for money, and we never keep your documents.',
      'Bring proof of your right to work to the interview.',
    ],
    urgent: ['Immediate starts available.', 'New positions added every week.'],
    contact: [
      'Call or text our recruitment line {contact} (Monday to Friday, 8am to 6pm).',
      'Call {contact} or apply at {site}.',
      'Questions? Call or text {contact}.',
    ],
  },
  es: {
    title: [
      'Se busca personal: {role} en {city} - {wage}',
      '{agency}: ofertas de {role} en {city}',
    ],
    intro: ['{agency} selecciona {role} para empresas clientes en {city} y alrededores.'],
    pay: ['Salario {wage} según el puesto.'],
    terms: ['Contratos temporales y fijos; nunca cobramos a los candidatos.'],
    urgent: ['Incorporación inmediata.'],
    contact: [
      'Llama o escribe a nuestra línea de selección {contact} (de lunes a viernes, de 8 a 18 h).',
      'Llama al {contact} o inscríbete en {site}.',
    ],
  },
  fr: {
    title: ['{agency} : missions de {role} à {city}', 'Intérim {role} à {city} - {wage}'],
    intro: ['{agency} recrute pour ses entreprises clientes à {city} : poste de {role}.'],
    pay: ['Rémunération {wage} selon la mission.'],
    terms: ["Missions d'intérim et CDI ; aucun frais pour les candidats."],
    urgent: ['Démarrage immédiat.'],
    contact: [
      'Appelez ou écrivez à notre ligne recrutement {contact} (du lundi au vendredi, 8 h - 18 h).',
    ],
  },
};

export const TUTORING_KIT: Kit = {
  title: [
    'Statistics and calculus tutoring in {city}, {price}/hour',
    'University maths tutor - online or in {city}',
  ],
  intro: [
    'Experienced tutor offering university-level statistics, calculus and programming help in {city}.',
    'PhD student in {city} tutoring adult learners in maths and data science.',
  ],
  details: [
    'Sessions online or at the public library, {price} per hour.',
    'First session half price; exam preparation packages available.',
  ],
  pay: [
    'Payment by bank transfer, or ETH to {wallet} if you prefer.',
    'I also accept Bitcoin: {wallet}.',
  ],
  contact: [
    'Email {email} with your course and timetable.',
    'Write to {email} to book a first session.',
  ],
};

export const CRYPTO_KIT: Kit = {
  title: [
    'Crypto investing basics meetup in {city} - free, donations welcome',
    'Open-source wallet workshop in {city}, all levels',
  ],
  intro: [
    'Monthly meetup in {city} for people learning how self-custody wallets and exchanges work.',
    'Volunteer-run workshop on keeping your crypto safe: backups, scams to avoid, hardware wallets.',
  ],
  details: [
    'No financial advice and no guaranteed returns - anyone promising those is scamming you.',
    'Bring a laptop; coffee is on us. New in town? Everyone is welcome.',
  ],
  pay: [
    'Donations toward the room rental: {wallet}.',
    'Tips for the speakers are welcome at {wallet}.',
  ],
  contact: ['RSVP to {email}.', 'Questions: {email}.'],
};

/** Fake job offers abroad that lead to forced labour in scam compounds (§3.3). */
export const SCAM_KITS: Readonly<Record<'en' | 'tl', Kit>> = {
  en: {
    title: [
      'URGENT HIRING: {role} in {dest} - {salary}, free flight',
      'Work abroad in {dest}! {role}, no experience, {salary}',
      '{company} hiring {role}s - visa arranged, accommodation provided',
      'Easy job in {dest}: {role}, {salary} monthly + bonus',
    ],
    intro: [
      '{company} is urgently hiring {role}s for our office in {dest}.',
      'Big opportunity! A fast-growing {company} team in {dest} needs {role}s now.',
      'We are recruiting {role}s for an international online company in {dest}.',
    ],
    salary: [
      'Salary {salary} per month plus commission, no experience needed.',
      'Earn {salary} monthly, training provided, only basic computer skills.',
    ],
    reqs: [
      'Only basic English and typing skills required; age 21-35.',
      'Speakers of {langs} preferred, age 22-40, any education background.',
    ],
    travel: [
      'Free flight ticket and visa arranged by company; tourist visa is fine.',
      'The company pays your ticket; you travel on a tourist visa and we change it later.',
      'Fly to {transit}; our driver will pick you up and take you across to the office.',
    ],
    living: [
      'Accommodation provided inside the company compound, meals included.',
      'Free dormitory in the company compound, no need to go outside.',
    ],
    docs: [
      'For your safety the company keeps your passport during the contract.',
      'Passport will be kept by HR for visa processing.',
    ],
    fee: [
      'Processing fee {fee} deducted from your first salary.',
      'Ticket and visa costs are repaid from your salary over the first months.',
    ],
    feeWallet: ['Training fee {fee} payable in USDT (TRC20) to {wallet}'],
    hours: [
      'Work 12 hours a day, 6 days a week, overtime paid.',
      'Shifts of 12 hours, one day off per week.',
    ],
    urgent: [
      'Limited slots, interview by chat, depart within 7 days.',
      'Urgent! Only 10 positions left, apply today.',
    ],
    telegram: [
      'Contact only on Telegram {contact}.',
      'Send your CV and passport photo to Telegram {contact}.',
    ],
    whatsapp: ['WhatsApp {contact} for details, no calls.'],
  },
  tl: {
    title: [
      'HIRING AGAD: {role} sa {dest} - {salary}, libre ang flight',
      'Trabaho abroad sa {dest}! {role}, walang experience, {salary}',
      '{company} hiring ng {role} - visa at tirahan sagot ng company',
    ],
    intro: [
      'Urgent hiring ang {company} ng {role} para sa office namin sa {dest}.',
      'Malaking opportunity! Kailangan ng {role} sa {dest} ngayon na.',
    ],
    salary: [
      'Sahod {salary} kada buwan plus commission, walang experience na kailangan.',
      'Kikita ka ng {salary} buwan-buwan, may training, basic computer skills lang.',
    ],
    reqs: [
      'Basic English at typing lang ang kailangan; edad 21-35.',
      'Marunong ng {langs}, edad 22-40, kahit anong natapos.',
    ],
    travel: [
      'Libre ang plane ticket at ang company ang bahala sa visa; pwede ang tourist visa.',
      'Lilipad ka papuntang {transit}, susunduin ka ng driver at dadalhin sa office.',
    ],
    living: [
      'May libreng tirahan sa loob ng company compound, kasama na ang pagkain.',
      'Libreng dormitoryo sa compound, hindi na kailangang lumabas.',
    ],
    docs: [
      'Ang company ang magtatago ng passport mo habang may kontrata, para sa safety.',
      'Itatago ng HR ang passport para sa visa processing.',
    ],
    fee: [
      'Processing fee {fee}, ibabawas sa unang sahod.',
      'Ang ticket at visa ay babayaran mula sa sahod sa unang mga buwan.',
    ],
    feeWallet: ['Training fee {fee} na babayaran sa USDT (TRC20) sa {wallet}'],
    hours: [
      '12 oras kada araw, 6 na araw kada linggo, may overtime pay.',
      'Shift na 12 oras, isang day off kada linggo.',
    ],
    urgent: [
      'Limited slots, interview sa chat, alis within 7 days.',
      'Urgent! 10 slots na lang, mag-apply na ngayon.',
    ],
    telegram: [
      'Message lang sa Telegram {contact}.',
      'I-send ang CV at passport photo sa Telegram {contact}.',
    ],
    whatsapp: ['WhatsApp {contact} para sa details.'],
  },
};

/** Sentences appended when a body comes out shorter than the minimum length. */
export const FILLERS: Readonly<Record<Lang, readonly string[]>> = {
  en: [
    'Thanks for reading and have a lovely day.',
    'Serious enquiries only, please.',
    'Replies usually within the hour.',
  ],
  es: ['Gracias por leer y que tengas un buen día.', 'Solo consultas serias, por favor.'],
  fr: ['Merci de votre lecture et bonne journée.', 'Demandes sérieuses uniquement, merci.'],
  pt: ['Obrigada pela leitura e bom dia.', 'Apenas contactos sérios, por favor.'],
  tl: ['Salamat sa pagbasa.', 'Seryosong applicants lang po.'],
};
