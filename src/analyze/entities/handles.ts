/**
 * Messaging and payment handles: who to contact, and how to pay, outside the ad site. Ads move
 * the conversation to messaging apps and take payment through peer-to-peer apps, so a handle
 * that recurs across ads links them (DESIGN.md "Entity"; reference/detection.md §2.1, the
 * Memex "socialmedia-id" extractor).
 *
 * Three forms are read, over the folded, lower-cased text (normalize.ts):
 * - profile links: t.me/NAME, wa.me/NUMBER, snapchat.com/add/NAME, cash.app/$NAME, …;
 * - a platform keyword, then separators (":", "-", "=", "@", "id", "me", blanks; bounded), then
 *   the name: "telegram: @name", "snap: name", "whatsapp +1 212 555 0123". Spelled-out keywords
 *   ("tele gram", "what's app", "insta gram") are accepted and mark the handle obfuscated;
 * - a cashtag, "$name" (a letter first: "$200" is a price).
 * A bare "@name" with no platform keyword next to it is not a handle: it could be any site.
 *
 * Every name is checked against the platform's own rules (length, characters) and a stop-list
 * of words that follow keywords in ordinary sentences ("text me on WhatsApp only").
 *
 * Linear time: the regular expressions match literals, single classes and bounded repetitions;
 * names and separators are read by bounded hand-written scans.
 */
import type { Doc } from '../doc.js';
import type { FoldedText } from '../normalize.js';
import { type Handle, PAYMENT_PLATFORMS, type Platform } from '../types.js';

const PAYMENT: ReadonlySet<Platform> = new Set(PAYMENT_PLATFORMS);
const kindOf = (platform: Platform): Handle['kind'] =>
  PAYMENT.has(platform) ? 'payment' : 'messaging';

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isAlnum = (c: number): boolean => isLower(c) || isDigit(c);

/**
 * Words that follow a platform keyword in ordinary sentences and are never taken as a name:
 * "text me on WhatsApp only", "telegram only please", "snapchat: available now".
 */
export const HANDLE_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'about above account add after again all also always am an and any anytime app are as asap ' +
    'at available ask be because below best but by call can chat contact contacts dm details ' +
    'direct do does dont first for free from get go handle has have hello here hey hi how id if ' +
    'in info inbox is it just link me message messages messenger more msg my name need new no ' +
    'not now number of off ok okay on one only or other our page phone please pls plz prefer ' +
    'preferred private profile reply same see send serious so text texts that the then there ' +
    'this through to today too txt up us user username via video voice want we what when where ' +
    'with works yes you your ' +
    // platform names: "instagram: snapchat" is a list, not a handle
    'cashapp facebook instagram insta kik line onlyfans paypal signal snap snapchat telegram ' +
    'tiktok twitter venmo wechat whatsapp'
  ).split(' '),
);

interface NameRule {
  /** Characters of the name after folding (lower case). */
  readonly chars: (c: number) => boolean;
  readonly min: number;
  readonly max: number;
  readonly firstLetter: boolean;
  /** Full-name check on top of the characters and lengths. */
  readonly pattern?: RegExp;
}

/** Letters, digits and the given punctuation. */
function cls(extra: string): (c: number) => boolean {
  const codes = Array.from(extra, (ch) => ch.charCodeAt(0));
  return (c) => isAlnum(c) || codes.includes(c);
}

/**
 * Platform name rules, from each platform's help pages: Telegram usernames 5-32 of a-z0-9_,
 * starting with a letter; Signal usernames a 3-32 character nickname, a dot and a 2+ digit
 * discriminator; Snapchat 3-15, starting with a letter; Instagram 1-30 of a-z0-9._; WeChat IDs
 * 6-20, starting with a letter; Venmo 5-30; Cash App $Cashtags a letter and up to 20 letters or
 * digits; PayPal.me names up to 20 letters or digits.
 */
const NAME_RULES: Readonly<Record<Exclude<Platform, 'whatsapp'>, NameRule>> = {
  telegram: { chars: cls('_'), min: 5, max: 32, firstLetter: true },
  signal: {
    chars: cls('_.'),
    min: 6,
    max: 42,
    firstLetter: false,
    pattern: /^[a-z_][a-z0-9_]{2,31}\.[0-9]{2,9}$/,
  },
  snapchat: { chars: cls('._-'), min: 3, max: 15, firstLetter: true },
  instagram: { chars: cls('._'), min: 1, max: 30, firstLetter: false },
  wechat: { chars: cls('_-'), min: 6, max: 20, firstLetter: true },
  line: { chars: cls('._-'), min: 3, max: 20, firstLetter: false },
  kik: { chars: cls('._'), min: 2, max: 20, firstLetter: false },
  onlyfans: { chars: cls('._-'), min: 2, max: 30, firstLetter: false },
  cashapp: {
    chars: cls(''),
    min: 2,
    max: 21,
    firstLetter: true,
    pattern: /^[a-z][a-z0-9]{1,20}$/,
  },
  venmo: { chars: cls('_-'), min: 5, max: 30, firstLetter: false },
  paypal: { chars: cls(''), min: 1, max: 20, firstLetter: false },
};

interface Name {
  readonly name: string;
  readonly end: number;
}

/**
 * The name that starts at `start` under `rule`, or undefined. The run is read one character
 * past the maximum so an over-long run is rejected, not cut. Trailing "." or "-" end the
 * sentence, not the name. A run glued to "@" (an e-mail) or to ".x", "/x" (a domain or path)
 * is something else.
 */
function readName(text: string, start: number, rule: NameRule): Name | undefined {
  let end = start;
  while (end < text.length && end - start <= rule.max && rule.chars(text.charCodeAt(end))) end++;
  if (end - start > rule.max) return undefined;
  while (end > start && (text.charCodeAt(end - 1) === 0x2e || text.charCodeAt(end - 1) === 0x2d)) {
    end--;
  }
  const name = text.slice(start, end);
  if (name.length < rule.min) return undefined;
  const first = name.charCodeAt(0);
  if (!isAlnum(first) && first !== 0x5f) return undefined;
  if (rule.firstLetter && !isLower(name.charCodeAt(0))) return undefined;
  if (rule.pattern !== undefined && !rule.pattern.test(name)) return undefined;
  const next = text.charCodeAt(end);
  if (next === 0x40) return undefined;
  if ((next === 0x2e || next === 0x2f || next === 0x2d) && isAlnum(text.charCodeAt(end + 1))) {
    return undefined;
  }
  if (!/[a-z0-9]/.test(name)) return undefined;
  return { name, end };
}

/**
 * A phone number as written after "whatsapp" or in a wa.me link: optional "+" or "00", then
 * digits with at most two separators between them. Separators and digits are disjoint classes.
 */
const PHONE = /(?:\+|00)?[ \t]?\(?[0-9](?:[ \t.\-()]{0,2}[0-9]){6,16}/y;

/**
 * E.164 ("+" and 8-15 digits) from a written number, by digits alone (no numbering-plan
 * metadata): "+" or "00" starts an international number; in North America (or with no known
 * country) a 10-digit number gets "+1"; a national number with a trunk "0" cannot be completed
 * without the plan, so it is dropped.
 */
function toE164(written: string, country: string | undefined): string | undefined {
  let digits = written.replace(/[^0-9]/g, '');
  const plus = written.startsWith('+');
  if (!plus && written.startsWith('00')) digits = digits.slice(2);
  else if (!plus) {
    const nanp = country === undefined || country === 'US' || country === 'CA';
    if (nanp && digits.length === 10 && /^[2-9]/.test(digits)) digits = `1${digits}`;
    else if (digits.startsWith('0')) return undefined;
  }
  if (digits.length < 8 || digits.length > 15 || digits.startsWith('0')) return undefined;
  return `+${digits}`;
}

/** After a digit group: "24/7", "10:30", "24hrs" are not the end of a phone number. */
const notNumberEnd = (c: number): boolean => c === 0x2f || c === 0x3a || isLower(c);

/**
 * The number that starts at `start`. The regex may run on into the next figures of the
 * sentence ("+1 212 555 0123 24/7"), so the number ends at the last digit group that leaves a
 * valid E.164 number: not one glued to "/", ":" or a letter, and for North America (+1) one of
 * exactly 11 digits.
 */
function readPhone(text: string, start: number, country: string | undefined): Name | undefined {
  PHONE.lastIndex = start;
  const m = PHONE.exec(text);
  if (m === null) return undefined;
  const matchEnd = start + m[0].length;
  if (isDigit(text.charCodeAt(matchEnd))) return undefined; // over 17 digits: not one number
  const groupEnds: number[] = [];
  for (let i = start; i < matchEnd; i++) {
    if (isDigit(text.charCodeAt(i)) && !isDigit(text.charCodeAt(i + 1))) groupEnds.push(i + 1);
  }
  let g = groupEnds.length - 1;
  while (g > 0 && notNumberEnd(text.charCodeAt(groupEnds[g] ?? 0))) g--;
  for (; g >= 0; g--) {
    const end = groupEnds[g] ?? start;
    const e164 = toE164(text.slice(start, end), country);
    if (e164 === undefined) continue;
    if (e164.startsWith('+1') && e164.length !== 12) continue;
    return { name: e164, end };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Keywords

/**
 * Platform keywords, with the spellings ads use to dodge filters. Short forms ("tg", "sc",
 * "snap", "ig", "wx") and "line" (an ordinary word) only count with an explicit separator after
 * them. Alternatives are grouped by first letter and anchored at a word start so the scan stays
 * fast; the boundaries the regex cannot express cheaply are checked by `keywordHits`.
 */
const KEYWORD =
  /\b(?:t(?:ele[ .-]?gram|lgrm|g(?=[ \t]{0,2}[:@=]|[ \t]{1,2}-))|w(?:h?at['’]?s ?ap{1,2}|echat|eixin|x(?=[ \t]{0,2}[:@=]|[ \t]{1,2}-))|s(?:ignal|nap ?chat|nap(?=[ \t]{0,2}[:@=]|[ \t]{1,2}-)|c(?=[ \t]{0,2}[:@=]|[ \t]{1,2}-))|i(?:nsta ?gram|nsta|g(?=[ \t]{0,2}[:@=]|[ \t]{1,2}-))|line(?: ?(?:id|app|messenger)|(?=[ \t]{0,2}[:@=]|[ \t]{1,2}-))|kik|only ?fans|ca[s$]h ?app|venmo|pay ?pal)|微信/g;

/** Not a keyword when glued to these: "api.whatsapp.com", "/telegram", "bob@kik". */
const NOT_BEFORE_KEYWORD = './@';

/** Spellings that are the platform's own name or a common short form; others are disguises. */
const PLAIN_KEYWORDS: ReadonlySet<string> = new Set([
  'telegram',
  'tg',
  'whatsapp',
  'signal',
  'snapchat',
  'snap',
  'sc',
  'instagram',
  'insta',
  'ig',
  'wechat',
  'weixin',
  '微信',
  'wx',
  'line',
  'line id',
  'lineid',
  'line app',
  'line messenger',
  'kik',
  'onlyfans',
  'cashapp',
  'cash app',
  'venmo',
  'paypal',
]);

interface Keyword {
  readonly platform: Platform;
  readonly obfuscated: boolean;
}

/**
 * Keywords as matched, classified: ads repeat a few spellings, and classifying one takes a
 * regex replace and several comparisons. Bounded: cleared when full. `null`: not a keyword.
 */
const classified = new Map<string, Keyword | null>();
const MAX_CLASSIFIED = 256;

function classifyCached(raw: string): Keyword | undefined {
  let keyword = classified.get(raw);
  if (keyword === undefined) {
    if (classified.size >= MAX_CLASSIFIED) classified.clear();
    keyword = classifyKeyword(raw) ?? null;
    classified.set(raw, keyword);
  }
  return keyword ?? undefined;
}

function classifyKeyword(raw: string): Keyword | undefined {
  const squashed = raw.replace(/[ .'’-]/g, '');
  const obfuscated = !PLAIN_KEYWORDS.has(raw);
  let platform: Platform | undefined;
  if (squashed === 'telegram' || squashed === 'tlgrm' || squashed === 'tg') platform = 'telegram';
  else if (/^wh?ats/.test(squashed)) platform = 'whatsapp';
  else if (squashed === 'signal') platform = 'signal';
  else if (squashed.startsWith('snap') || squashed === 'sc') platform = 'snapchat';
  else if (squashed.startsWith('insta') || squashed === 'ig') platform = 'instagram';
  else if (
    squashed === 'wechat' ||
    squashed === 'weixin' ||
    squashed === '微信' ||
    squashed === 'wx'
  )
    platform = 'wechat';
  else if (squashed.startsWith('line')) platform = 'line';
  else if (squashed === 'kik') platform = 'kik';
  else if (squashed === 'onlyfans') platform = 'onlyfans';
  else if (squashed === 'cashapp' || squashed === 'ca$happ') platform = 'cashapp';
  else if (squashed === 'venmo') platform = 'venmo';
  else if (squashed === 'paypal') platform = 'paypal';
  return platform === undefined ? undefined : { platform, obfuscated };
}

/** Words that may stand between a keyword and its name; "id" and "username" say a name follows. */
const SEPARATOR_WORD =
  /(?:id|username|user|name|handle|number|num\.?|no\.?|nr\.?|me|is|at)(?![a-z0-9_])/y;
const EXPLICIT_WORDS: ReadonlySet<string> = new Set(['id', 'username']);
/** ':' '=' '-' '#' '~' en and em dashes, Chinese 号 ("微信号", WeChat number). */
const SEPARATOR_CHARS = ':=-#~\u2013\u2014号';
const MAX_SEPARATORS = 5;
const MAX_PAD = 3;

interface Separators {
  /** Where the name starts. */
  readonly end: number;
  /** A ':'-like character, "id" or a marker said a name follows. */
  readonly explicit: boolean;
  /** '@' or '$' directly before the name. */
  readonly marker: string | undefined;
}

function readSeparators(text: string, start: number): Separators {
  let pos = start;
  let explicit = false;
  for (let i = 0; i < MAX_SEPARATORS; i++) {
    let q = pos;
    while (q < text.length && q - pos < MAX_PAD && isBlank(text.charCodeAt(q))) q++;
    const c = text.charAt(q);
    if (c === '@' || c === '$') return { end: q + 1, explicit: true, marker: c };
    // A hyphen glued on both sides joins words ("telegram-friendly"); it separates otherwise.
    const glued = c === '-' && q === pos && !isBlank(text.charCodeAt(q + 1));
    if (c !== '' && SEPARATOR_CHARS.includes(c) && !glued) {
      explicit = true;
      pos = q + 1;
      continue;
    }
    // A separator word must stand alone: after a blank or a separator character.
    const before = text.charCodeAt(q - 1);
    if (q > 0 && !isAlnum(before)) {
      SEPARATOR_WORD.lastIndex = q;
      const w = SEPARATOR_WORD.exec(text);
      if (w !== null) {
        if (EXPLICIT_WORDS.has(w[0])) explicit = true;
        pos = q + w[0].length;
        continue;
      }
    }
    return { end: q, explicit, marker: undefined };
  }
  return { end: pos, explicit, marker: undefined };
}

/** Without an explicit separator, a name must look like a handle: "telegram bob_92", not "telegram works". */
const HANDLE_LIKE = /[0-9_.]/;

/** Which finding wins where two overlap: a link, then a keyword form, then a bare cashtag. */
const PRIORITY = { link: 0, keyword: 1, cashtag: 2 } as const;

interface FoundHandle {
  readonly start: number;
  readonly end: number;
  readonly platform: Platform;
  readonly handle: string;
  readonly obfuscated: boolean;
  /** PRIORITY of the form it was found in. */
  readonly priority: number;
}

function nameAfterKeyword(
  text: string,
  platform: Platform,
  from: number,
  country: string | undefined,
): Name | undefined {
  const sep = readSeparators(text, from);
  if (platform === 'paypal') return undefined; // PayPal names are e-mails or paypal.me links
  if (platform === 'whatsapp' || platform === 'signal') {
    if (sep.marker === undefined) {
      const phone = readPhone(text, sep.end, country);
      if (phone !== undefined) return phone;
    }
    if (platform === 'whatsapp') return undefined;
  }
  if (sep.marker === '$' && platform !== 'cashapp') return undefined;
  const name = readName(text, sep.end, NAME_RULES[platform]);
  if (name === undefined || HANDLE_STOP_WORDS.has(name.name)) return undefined;
  if (!sep.explicit && !HANDLE_LIKE.test(name.name)) return undefined;
  return name;
}

/** "@name on telegram", "@name (snapchat)": a marked name right before the keyword. */
const BACK_WORDS = ['on', 'via', 'at', 'in'];

/** Where the marked name before a keyword starts (at its "@" or "$"), and the name. */
interface NameBefore {
  readonly start: number;
  readonly name: string;
}

function nameBeforeKeyword(
  text: string,
  platform: Platform,
  keywordStart: number,
): NameBefore | undefined {
  if (platform === 'whatsapp' || platform === 'paypal') return undefined;
  let q = keywordStart;
  let k = 0;
  while (q > 0 && k < MAX_PAD && '( \t-:,'.includes(text.charAt(q - 1))) {
    q--;
    k++;
  }
  for (const word of BACK_WORDS) {
    if (
      q > word.length &&
      text.endsWith(word, q) &&
      isBlank(text.charCodeAt(q - word.length - 1))
    ) {
      q -= word.length;
      k = 0;
      while (q > 0 && k < MAX_PAD && isBlank(text.charCodeAt(q - 1))) {
        q--;
        k++;
      }
      break;
    }
  }
  const rule = NAME_RULES[platform];
  let start = q;
  while (start > 0 && q - start <= rule.max && rule.chars(text.charCodeAt(start - 1))) start--;
  if (start === q || q - start > rule.max) return undefined;
  const marker = platform === 'cashapp' ? '$' : '@';
  if (text.charAt(start - 1) !== marker) return undefined;
  if (start >= 2 && isAlnum(text.charCodeAt(start - 2))) return undefined; // an e-mail
  const name = readName(text, start, rule);
  if (name === undefined || name.end !== q || HANDLE_STOP_WORDS.has(name.name)) return undefined;
  return { start: start - 1, name: name.name };
}

// ---------------------------------------------------------------------------------------------
// Links

/**
 * Profile links, matched from the platform's host on (a word start, so "bat.me/x" is not
 * "t.me/x"); `findLinks` extends the match back over "www.", "api." and the scheme. The name
 * after the prefix is read by the platform's name rule.
 */
const LINK =
  /\b(?:t(?:\.me\/(?:s\/)?|elegram\.(?:me|dog)\/)|w(?:a\.me\/|hatsapp\.com\/send\/?\?phone=)|s(?:ignal\.me\/#(?:p|eu)\/|napchat\.com\/add\/)|instagr(?:am\.com|\.am)\/|line\.me\/(?:r\/)?ti\/p\/~?|kik\.me\/|onlyfans\.com\/|cash\.app\/\$?|venmo\.com\/(?:u\/)?|paypal\.(?:me|com\/paypalme)\/)/g;

/**
 * Every profile link has ".me/", ".dog/", ".com/", ".am/" or ".app/"; most texts have none, and
 * then LINK never runs. Checked at each "/" (rare, found by `indexOf`) rather than by a regex
 * over the whole text.
 */
const LINK_HOSTS_ENDS = ['.me', '.com', '.app', '.am', '.dog'] as const;

function hasLinkHint(text: string): boolean {
  for (let slash = text.indexOf('/'); slash >= 0; slash = text.indexOf('/', slash + 1)) {
    for (const end of LINK_HOSTS_ENDS) if (text.endsWith(end, slash)) return true;
  }
  return false;
}

/** What may stand before a profile link's host: "https://www.", "api.". */
const LINK_PREFIXES = ['www.', 'api.', 'm.', 'https://', 'http://'];

/** The start of a link whose host starts at `host`, extended back over its prefixes. */
function linkStart(text: string, host: number): number {
  let start = host;
  for (const prefix of LINK_PREFIXES) {
    if (text.endsWith(prefix, start)) start -= prefix.length;
  }
  return start;
}

/** Paths of the platforms' own pages, not profiles. */
const RESERVED_PATHS: Readonly<Partial<Record<Platform, ReadonlySet<string>>>> = {
  telegram: new Set([
    'joinchat',
    'addstickers',
    'addemoji',
    'addlist',
    'addtheme',
    'share',
    'proxy',
    'socks',
    'login',
    'setlanguage',
    'confirmphone',
    'invoice',
    'boost',
  ]),
  instagram: new Set([
    'p',
    'reel',
    'reels',
    'explore',
    'stories',
    'accounts',
    'tv',
    'direct',
    'about',
    'developer',
    'legal',
    'web',
  ]),
  onlyfans: new Set(['my', 'files', 'about', 'terms', 'privacy', 'help', 'faq', 'legal']),
  venmo: new Set(['about', 'legal', 'signup', 'account', 'business', 'pay']),
};

function linkPlatform(p: string): Platform | undefined {
  if (p.startsWith('t.me') || p.startsWith('telegram')) return 'telegram';
  if (p.startsWith('wa.me') || p.includes('whatsapp')) return 'whatsapp';
  if (p.startsWith('signal')) return 'signal';
  if (p.startsWith('snapchat')) return 'snapchat';
  if (p.startsWith('instagr')) return 'instagram';
  if (p.startsWith('line')) return 'line';
  if (p.startsWith('kik')) return 'kik';
  if (p.startsWith('onlyfans')) return 'onlyfans';
  if (p.startsWith('cash')) return 'cashapp';
  if (p.startsWith('venmo')) return 'venmo';
  if (p.startsWith('paypal')) return 'paypal';
  return undefined;
}

/** signal.me/#eu/… carries an encrypted username link: base64url, case-sensitive. */
const SIGNAL_LINK_TOKEN = /[A-Za-z0-9_-]{16,128}(?![A-Za-z0-9_-])/y;

function findLinks(doc: Doc): FoundHandle[] | undefined {
  const { text, cased } = doc.folded;
  if (!hasLinkHint(text)) return undefined;
  let out: FoundHandle[] | undefined;
  LINK.lastIndex = 0;
  for (let m = LINK.exec(text); m !== null; m = LINK.exec(text)) {
    const start = linkStart(text, m.index);
    const platform = linkPlatform(m[0]);
    if (platform === undefined) continue;
    const from = m.index + m[0].length;
    let name: Name | undefined;
    if (platform === 'whatsapp' || (platform === 'signal' && m[0].endsWith('#p/'))) {
      const plus = text.startsWith('%2b', from) ? 3 : 0;
      const digits = /^\+?[0-9]{8,15}(?![0-9])/.exec(text.slice(from + plus, from + plus + 17));
      if (digits !== null) {
        const e164 = toE164(digits[0].startsWith('+') ? digits[0] : `+${digits[0]}`, undefined);
        if (e164 !== undefined) name = { name: e164, end: from + plus + digits[0].length };
      }
    } else if (platform === 'signal') {
      SIGNAL_LINK_TOKEN.lastIndex = from;
      const token = SIGNAL_LINK_TOKEN.exec(cased);
      if (token !== null) name = { name: token[0], end: from + token[0].length };
    } else {
      name = readName(text, from, NAME_RULES[platform]);
      if (name !== undefined && RESERVED_PATHS[platform]?.has(name.name) === true) name = undefined;
    }
    if (name === undefined) continue;
    out ??= [];
    out.push({
      start,
      end: name.end,
      platform,
      handle: name.name,
      obfuscated: doc.folded.isDisguised(start, name.end),
      priority: PRIORITY.link,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cashtags

/**
 * Cash App $Cashtag: "$" then a letter then 1-20 letters or digits ("$200", "$20/hr" are
 * prices). `cashtagEnd` reads one character more than a cashtag may have; `findCashtags`
 * rejects runs that are too long or glued to a word ("US$abc") on either side.
 */
const MAX_CASHTAG_READ = 22;

/** The end of "$", a letter and 1-21 letters or digits at `dollar`, or -1. */
function cashtagEnd(text: string, dollar: number): number {
  if (!isLower(text.charCodeAt(dollar + 1))) return -1;
  let end = dollar + 2;
  while (end - dollar - 1 < MAX_CASHTAG_READ && isAlnum(text.charCodeAt(end))) end++;
  return end - dollar - 1 >= 2 ? end : -1;
}

/** Currency codes and rate words written after "$": "$USD", "$ea". */
const CASHTAG_STOP: ReadonlySet<string> = new Set(
  'aud cad eur gbp hr hrs hour hours mxn nzd usd ea each per half full hh qv'.split(' '),
);

function findCashtags(doc: Doc): FoundHandle[] | undefined {
  const { text } = doc.folded;
  let out: FoundHandle[] | undefined;
  // Each "$" in turn (prices mostly): `indexOf` finds them faster than a regex scan.
  for (let at = text.indexOf('$'); at >= 0; at = text.indexOf('$', at + 1)) {
    const end = cashtagEnd(text, at);
    if (end < 0) continue;
    const name = text.slice(at + 1, end);
    // Not after a letter, digit or "$" ("US$abc"), not longer than 21 characters.
    const before = text.charCodeAt(at - 1);
    if (isAlnum(before) || before === 0x24 || name.length > 21) continue;
    if (CASHTAG_STOP.has(name) || HANDLE_STOP_WORDS.has(name)) continue;
    // "$name.com" or "$name@…" is something else.
    const next = text.charCodeAt(end);
    if (isAlnum(next)) continue;
    if (next === 0x40 || ((next === 0x2e || next === 0x2f) && isAlnum(text.charCodeAt(end + 1)))) {
      continue;
    }
    out ??= [];
    out.push({
      start: at,
      end,
      platform: 'cashapp',
      handle: name,
      obfuscated: doc.folded.isDisguised(at, end),
      priority: PRIORITY.cashtag,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

interface KeywordHit {
  readonly start: number;
  readonly end: number;
  readonly keyword: Keyword;
}

/** The keyword of an "OF:" written in capitals (OnlyFans), found by its rare ":". */
const ONLYFANS_SHORT: Keyword = { platform: 'onlyfans', obfuscated: false };

function keywordHits(doc: Doc): KeywordHit[] | undefined {
  const { text, cased } = doc.folded;
  let hits: KeywordHit[] | undefined;
  KEYWORD.lastIndex = 0;
  for (let m = KEYWORD.exec(text); m !== null; m = KEYWORD.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (start > 0 && NOT_BEFORE_KEYWORD.includes(text.charAt(start - 1))) continue;
    const next = text.charCodeAt(end);
    if (isAlnum(next) || next === 0x5f) continue;
    // A bare "line" before a colon is the app when written as a name ("LINE:", "Line:") or
    // after "id" (Thai ads: "ID Line: …"); "bottom line: …" is a figure of speech.
    if (m[0] === 'line' && cased.charAt(start) !== 'L' && !text.endsWith('id ', start)) continue;
    const keyword = classifyCached(m[0]);
    if (keyword === undefined) continue;
    hits ??= [];
    hits.push({ start, end, keyword });
  }
  // "OF:" in capitals, not glued to a word before it: looked for at each ":" of the text
  // (the same offsets in `text` and `cased`), so `cased` is only read there.
  for (let colon = text.indexOf(':', 2); colon >= 0; colon = text.indexOf(':', colon + 1)) {
    if (cased.charCodeAt(colon - 2) !== 0x4f || cased.charCodeAt(colon - 1) !== 0x46) continue;
    if (isWordChar(cased.charCodeAt(colon - 3))) continue;
    hits ??= [];
    hits.push({ start: colon - 2, end: colon, keyword: ONLYFANS_SHORT });
  }
  return hits;
}

/** A letter of either case, a digit or "_". */
const isWordChar = (c: number): boolean => isAlnum(c) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;

interface Scan {
  readonly keywords: readonly KeywordHit[];
  readonly links: readonly FoundHandle[];
  readonly cashtags: readonly FoundHandle[];
}

/** Nothing found: most texts. Shared, and never changed. */
const NOTHING: Scan = { keywords: [], links: [], cashtags: [] };

/**
 * The context-free part of the scan, shared by `extractHandles` and `mentionsPlatforms`: both
 * run on every item, and the keyword scan is the costliest step. The engine asks both about
 * one document before the next, so the last document's scan is kept: one entry, cheaper than
 * a WeakMap insertion per document. The folded text is immutable, so the entry holds for as
 * long as it is the same object.
 */
let scannedText: FoldedText | undefined;
let lastScan: Scan = NOTHING;

function scan(doc: Doc): Scan {
  if (doc.folded === scannedText) return lastScan;
  const links = findLinks(doc);
  const cashtags = findCashtags(doc);
  const keywords = keywordHits(doc);
  lastScan =
    keywords === undefined && links === undefined && cashtags === undefined
      ? NOTHING
      : {
          keywords: keywords ?? NOTHING.keywords,
          links: links ?? NOTHING.links,
          cashtags: cashtags ?? NOTHING.cashtags,
        };
  scannedText = doc.folded;
  return lastScan;
}

/** Messaging and payment handles, in text order. */
export function extractHandles(doc: Doc): Handle[] {
  const { text } = doc.folded;
  const found = scan(doc);
  if (found === NOTHING) return [];
  return handlesOf(doc, text, found);
}

function handlesOf(doc: Doc, text: string, { keywords, links, cashtags }: Scan): Handle[] {
  // In this order, which the stable sort below keeps among findings that tie.
  const found: FoundHandle[] = [...links];
  const country = doc.context.country;
  for (const hit of keywords) {
    const { platform } = hit.keyword;
    const name = nameAfterKeyword(text, platform, hit.end, country);
    if (name !== undefined) {
      found.push({
        start: hit.start,
        end: name.end,
        platform,
        handle: name.name,
        obfuscated: hit.keyword.obfuscated || doc.folded.isDisguised(hit.start, name.end),
        priority: PRIORITY.keyword,
      });
      continue;
    }
    const before = nameBeforeKeyword(text, platform, hit.start);
    if (before !== undefined) {
      found.push({
        start: before.start,
        end: hit.end,
        platform,
        handle: before.name,
        obfuscated: hit.keyword.obfuscated || doc.folded.isDisguised(before.start, hit.end),
        priority: PRIORITY.keyword,
      });
    }
  }
  for (const h of cashtags) found.push(h);
  if (found.length === 0) return [];

  // One sweep in text order; where two findings overlap, the one of higher priority stays.
  if (found.length > 1) found.sort((a, b) => a.start - b.start || a.priority - b.priority);
  const kept: FoundHandle[] = [];
  for (const h of found) {
    const last = kept[kept.length - 1];
    if (last !== undefined && h.start < last.end) {
      if (h.priority < last.priority) kept[kept.length - 1] = h;
      continue;
    }
    kept.push(h);
  }
  return kept.map((h) => {
    const span = doc.spanOfFolded(h.start, h.end);
    return {
      platform: h.platform,
      kind: kindOf(h.platform),
      handle: h.handle,
      raw: span.text,
      span,
      obfuscated: h.obfuscated,
    };
  });
}

/** Words around "signal" that make it the app, not the everyday word. */
const SIGNAL_BEFORE =
  /(?:on|via|through|use|using|add me on|text me on|message me on|by)[ \t]{1,3}$/;
const SIGNAL_AFTER = /^(?:[ \t]{0,2}[:@=-]|[ \t]{1,3}(?:app|messenger|only|id|username|number|\+))/;

/**
 * The messaging and payment platforms that a document names at all: keywords (also spelled
 * out), profile links and cashtags. Rules use it for "contact only through a messaging app".
 * "signal" counts only where it reads as the app ("on signal", "signal app", "signal: …").
 */
export function mentionsPlatforms(doc: Doc): Set<Platform> {
  const { text } = doc.folded;
  const platforms = new Set<Platform>();
  const { keywords, links, cashtags } = scan(doc);
  for (const hit of keywords) {
    const { platform } = hit.keyword;
    if (platform === 'signal') {
      const before = text.slice(Math.max(0, hit.start - 20), hit.start);
      const after = text.slice(hit.end, hit.end + 16);
      if (!SIGNAL_BEFORE.test(before) && !SIGNAL_AFTER.test(after)) continue;
    }
    platforms.add(platform);
  }
  for (const h of links) platforms.add(h.platform);
  for (const h of cashtags) platforms.add(h.platform);
  return platforms;
}
