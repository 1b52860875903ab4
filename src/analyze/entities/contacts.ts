/**
 * Contact entities: e-mail addresses, web addresses (URLs, `www.` hosts and bare domains) and
 * Tor v3 onion addresses, written plainly or obfuscated against keyword search ("name at gmail
 * dot com", "name[at]mail[.]com", "site dot com", look-alike letters).
 *
 * Everything reads the folded, lower-cased text (normalize.ts), so fullwidth, styled and
 * Cyrillic look-alike letters are already plain ASCII here, and maps its findings back to the
 * original text through `doc.spanOfFolded`. A domain only counts when it ends in a public
 * suffix of the ICANN section of the Public Suffix List (tldts): that single check rejects
 * "meet me at noon dot", "at home dot ok", "photo.jpg" and "1.50".
 *
 * Linear time: every regular expression here either matches literals, single character classes
 * or bounded repetitions whose neighbours cannot match the same characters; everything else is
 * a hand-written scan with a fixed bound per candidate (64-char local part, 16 labels of at
 * most 63 characters), so adversarial text costs O(n).
 */
import { sha3_256 } from '@noble/hashes/sha3.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base32 } from '@scure/base';
import { parse as parseHost } from 'tldts';
import type { Doc } from '../doc.js';
import type { FoldedText } from '../normalize.js';
import type { Email, Onion, Span, Url } from '../types.js';

/** Private-section suffixes (blogspot.com, github.io) are hosting brands, not registries. */
const TLDTS_OPTIONS = { allowPrivateDomains: false, extractHostname: false } as const;

/** RFC 1035 §2.3.4: labels of at most 63 characters, names of at most 253. */
const MAX_LABEL = 63;
const MAX_HOST = 253;
/** More labels than any real host needs; a longer dotted run is something else. */
const MAX_LABELS = 16;
/** RFC 5321 §4.5.3.1.1: a local part has at most 64 octets. */
const MAX_LOCAL = 64;
/** How many blanks may pad an obfuscated separator ("name  (at)  mail"). */
const MAX_PAD = 3;

/**
 * Common words that are never the local part of an address written with a word "at", nor the
 * name of a domain written with a word "dot": "email me at…", "the dot com era", "now.in".
 */
const COMMON_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be but by call can com contact dm do dot for from get go has have he ' +
    'her here hi him his how i if in is it its just me message msg my net no not ' +
    'now of ok okay on only or org our out pics photos please pls see she so text that the ' +
    'their them then there they this to too up us via was we what when where who why will ' +
    'with www yes you your'
  ).split(' '),
);

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isLowerOrDigit = (c: number): boolean => isLower(c) || isDigit(c);
const isLabelChar = (c: number): boolean => isLower(c) || isDigit(c) || c === 0x2d;
/** RFC 5322 dot-atom characters that real addresses use; quoted local parts are ignored. */
const isLocalChar = (c: number): boolean =>
  isLower(c) || isDigit(c) || c === 0x2e || c === 0x5f || c === 0x25 || c === 0x2b || c === 0x2d;

/** Blanks directly before `pos`, at most `max`. */
function blanksBefore(text: string, pos: number, max: number): number {
  let k = 0;
  while (k < max && pos - k > 0 && isBlank(text.charCodeAt(pos - k - 1))) k++;
  return k;
}

/** Blanks directly from `pos` on, at most `max`. */
function blanksAfter(text: string, pos: number, max: number): number {
  let k = 0;
  while (k < max && pos + k < text.length && isBlank(text.charCodeAt(pos + k))) k++;
  return k;
}

/** Words that stand for "." between labels: Spanish/Italian, French, Portuguese and English. */
const DOT_WORDS = ['dot', 'punto', 'point', 'ponto'] as const;
const OPENERS = '([{<';
const CLOSERS = ')]}>';

/** The dot word (or ".") at `pos`, as its length, or 0. */
function dotWordAt(text: string, pos: number): number {
  if (text.charCodeAt(pos) === 0x2e) return 1;
  for (const w of DOT_WORDS) if (text.startsWith(w, pos)) return w.length;
  return 0;
}

/**
 * The separator between two labels that starts at `pos` (right after a label), as the offset
 * where the next label starts, or -1: a bare "." directly followed by the next label; a
 * bracketed "(dot)", "[.]", "{punto}"; or a dot word or lone "." between blanks ("gmail dot
 * com", "gmail . com"). A hand-written scan: every step is bounded (MAX_PAD blanks, one word).
 */
function separatorEnd(text: string, pos: number): number {
  if (text.charCodeAt(pos) === 0x2e && isLabelChar(text.charCodeAt(pos + 1))) return pos + 1;
  const pad = blanksAfter(text, pos, MAX_PAD);
  let q = pos + pad;
  if (OPENERS.includes(text.charAt(q)) && q < text.length) {
    q += 1;
    q += blanksAfter(text, q, 2);
    const w = dotWordAt(text, q);
    if (w === 0) return -1;
    q += w;
    q += blanksAfter(text, q, 2);
    if (!CLOSERS.includes(text.charAt(q)) || q >= text.length) return -1;
    q += 1;
    return q + blanksAfter(text, q, MAX_PAD);
  }
  if (pad === 0) return -1;
  const w = dotWordAt(text, q);
  if (w === 0) return -1;
  q += w;
  const after = blanksAfter(text, q, MAX_PAD);
  return after === 0 ? -1 : q + after;
}

interface Labels {
  readonly labels: string[];
  /** End offset in the folded text of each label. */
  readonly ends: number[];
  /** plain[i]: the separator before label i (i >= 1) was a bare ".". */
  readonly plain: boolean[];
  /** The dotted run went on past MAX_LABELS: not a host. */
  readonly overflow: boolean;
  /**
   * Index of the first label that follows a sentence dot ("here.Call me": a lower-case letter,
   * a bare ".", an upper-case letter, as read in the cased text), or -1.
   */
  readonly sentence: number;
}

const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;

/**
 * Reads labels and their separators from `start`, which must begin a label. A label longer
 * than 63 characters ends the run; a trailing hyphen is punctuation ("mysite.com-") and a
 * leading one is not a label. `cased` is the folded text with its case, for sentence dots.
 */
function readLabels(text: string, cased: string, start: number, wordSeparators: boolean): Labels {
  const labels: string[] = [];
  const ends: number[] = [];
  const plain: boolean[] = [];
  let sentence = -1;
  let pos = start;
  let sepPlain = true;
  for (;;) {
    let end = pos;
    while (end < text.length && end - pos <= MAX_LABEL && isLabelChar(text.charCodeAt(end))) end++;
    if (end === pos || end - pos > MAX_LABEL) break;
    let trimmed = end;
    while (trimmed > pos && text.charCodeAt(trimmed - 1) === 0x2d) trimmed--;
    if (trimmed === pos || text.charCodeAt(pos) === 0x2d) break;
    if (labels.length === MAX_LABELS) return { labels, ends, plain, overflow: true, sentence };
    labels.push(text.slice(pos, trimmed));
    ends.push(trimmed);
    plain.push(sepPlain);
    if (trimmed !== end) break;
    const next = separatorEnd(text, end);
    if (next < 0 || next >= text.length || !isLabelChar(text.charCodeAt(next))) break;
    sepPlain = next === end + 1;
    if (!sepPlain && !wordSeparators) break;
    if (
      sentence < 0 &&
      sepPlain &&
      isLower(cased.charCodeAt(end - 1)) &&
      isUpper(cased.charCodeAt(next))
    ) {
      sentence = labels.length;
    }
    pos = next;
  }
  return { labels, ends, plain, overflow: false, sentence };
}

/** A top-level label is letters ("com") or an IDNA A-label ("xn--p1ai"); "50" or "jpg2" never. */
const tldShaped = (label: string): boolean => /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(label);

interface HostMatch {
  readonly host: string;
  /** Registrable domain (eTLD+1). */
  readonly domain: string;
  readonly suffix: string;
  /** The registrable label, without the suffix: "mysite" of "www.mysite.co.uk". */
  readonly name: string;
  /** How many labels of the run the host uses. */
  readonly count: number;
  readonly end: number;
  /** Every separator was a bare ".". */
  readonly plain: boolean;
  /** The host runs across a sentence dot ("here.Call"). */
  readonly sentence: boolean;
}

/**
 * The longest prefix of the labels (at least two) that ends in an ICANN public suffix with a
 * registrable label before it. Shorter prefixes are tried because a sentence may go on right
 * after a host ("mysite.com.Call me" reads "mysite.com" then "call").
 */
function resolveHost(run: Labels): HostMatch | undefined {
  if (run.overflow) return undefined;
  // "anna@gmail.com.Call me": a host that is complete before a sentence dot ends there.
  if (run.sentence >= 2) {
    const before = resolvePrefixes(run, run.sentence);
    if (before !== undefined) return before;
  }
  return resolvePrefixes(run, run.labels.length);
}

function resolvePrefixes(run: Labels, count: number): HostMatch | undefined {
  const { labels } = run;
  const lowest = Math.max(2, count - 3);
  let best: HostMatch | undefined;
  for (let k = count; k >= lowest; k--) {
    if (!tldShaped(labels[k - 1] ?? '')) continue;
    const host = labels.slice(0, k).join('.');
    if (host.length > MAX_HOST) continue;
    const r = parseHost(host, TLDTS_OPTIONS);
    if (r.isIp === true) return best;
    if (
      r.isIcann !== true ||
      r.domain === null ||
      r.publicSuffix === null ||
      r.domainWithoutSuffix === null
    ) {
      continue;
    }
    let plain = true;
    for (let i = 1; i < k; i++) if (run.plain[i] !== true) plain = false;
    const match: HostMatch = {
      host,
      domain: r.domain,
      suffix: r.publicSuffix,
      name: r.domainWithoutSuffix,
      count: k,
      end: run.ends[k - 1] ?? 0,
      plain,
      sentence: run.sentence > 0 && run.sentence < k,
    };
    // A plainly written host followed by a word that reads as a separator ("mysite.com point
    // de vue") keeps its plain form; a host that needs the disguised dots ("www.site dot com")
    // keeps them.
    if (plain) return match;
    best ??= match;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// E-mail addresses

/**
 * The "@" and its disguises: bracketed "(at)", "[@]", "{arroba}", or a word between blanks:
 * "at", Spanish/Portuguese "arroba", French "arobase" and "chez". "@" and "at" are found with
 * `indexOf` ("at" is everywhere in English and this runs on every item), the rarer words with
 * this one expression of literals.
 */
const RARE_AT_WORDS = /arroba|arobase|chez/g;

interface AtSeparator {
  readonly start: number;
  readonly end: number;
  readonly kind: 'plain' | 'bracket' | 'word';
}

const isWordChar = (c: number): boolean => isLowerOrDigit(c) || c === 0x5f;

/** The bracketed form around [start, end) ("( at )", "[@]"), if there is one. */
function bracketed(text: string, start: number, end: number): AtSeparator | undefined {
  const open = start - blanksBefore(text, start, 2) - 1;
  const close = end + blanksAfter(text, end, 2);
  if (open < 0 || close >= text.length) return undefined;
  if (!OPENERS.includes(text.charAt(open)) || !CLOSERS.includes(text.charAt(close))) {
    return undefined;
  }
  return { start: open, end: close + 1, kind: 'bracket' };
}

/** Where the "@" or the at-word starting at `pos` ends. */
function atTokenEnd(text: string, pos: number): number {
  if (text.charCodeAt(pos) === 0x40) return pos + 1;
  if (text.startsWith('at', pos)) return pos + 2;
  if (text.startsWith('chez', pos)) return pos + 4;
  return pos + (text.startsWith('arroba', pos) ? 6 : 7);
}

/**
 * Offsets of every "@" and free-standing at-word, in text order. Kept as plain numbers (one
 * typed-array sort) rather than objects: "a@a@a@…" must not cost an allocation per "@".
 */
function atPositions(text: string): Float64Array {
  const at: number[] = [];
  for (let i = text.indexOf('@'); i >= 0; i = text.indexOf('@', i + 1)) at.push(i);
  const word = (start: number, end: number): void => {
    if (!isWordChar(text.charCodeAt(start - 1)) && !isWordChar(text.charCodeAt(end))) {
      at.push(start);
    }
  };
  for (let i = text.indexOf('at'); i >= 0; i = text.indexOf('at', i + 1)) word(i, i + 2);
  RARE_AT_WORDS.lastIndex = 0;
  for (let m = RARE_AT_WORDS.exec(text); m !== null; m = RARE_AT_WORDS.exec(text)) {
    word(m.index, m.index + m[0].length);
  }
  return Float64Array.from(at).sort();
}

/**
 * E-mails found per folded text. `extractUrls` needs a document's e-mails and the engine asks
 * for them too; the cache keeps that one scan. Keyed by the folded text, which a document owns
 * and never changes, so it is invisible to callers and goes away with the document.
 */
const emailsByText = new WeakMap<FoldedText, readonly Email[]>();

/** E-mail addresses, plain and obfuscated, in text order. */
export function extractEmails(doc: Doc): Email[] {
  const cached = emailsByText.get(doc.folded);
  if (cached !== undefined) return [...cached];
  const found = findEmails(doc);
  emailsByText.set(doc.folded, found);
  return [...found];
}

function findEmails(doc: Doc): Email[] {
  const { text } = doc.folded;
  const out: Email[] = [];
  let lastEnd = 0;
  for (const pos of atPositions(text)) {
    if (pos < lastEnd) continue;
    const tokenEnd = atTokenEnd(text, pos);
    const sep: AtSeparator = bracketed(text, pos, tokenEnd) ?? {
      start: pos,
      end: tokenEnd,
      kind: text.charCodeAt(pos) === 0x40 ? 'plain' : 'word',
    };
    const { start: sepStart, end: sepEnd, kind } = sep;
    if (sepStart < lastEnd) continue;
    const padBefore = blanksBefore(text, sepStart, MAX_PAD);
    const padAfter = blanksAfter(text, sepEnd, MAX_PAD);
    // A word "at" needs blanks on both sides: "name at gmail", never "name,at".
    if (kind === 'word' && (padBefore === 0 || padAfter === 0)) continue;

    // The domain first: most "at"s in a text are followed by no domain at all.
    const domainStart = sepEnd + padAfter;
    if (domainStart >= text.length || !isLabelChar(text.charCodeAt(domainStart))) continue;
    let firstEnd = domainStart;
    while (firstEnd - domainStart <= MAX_LABEL && isLabelChar(text.charCodeAt(firstEnd))) {
      firstEnd++;
    }
    if (separatorEnd(text, firstEnd) < 0) continue;
    const run = readLabels(text, doc.folded.cased, domainStart, true);
    if (run.labels.length < 2) continue;
    const host = resolveHost(run);
    if (host === undefined) continue;

    // Local part: the dot-atom run that ends right before the separator and its padding.
    const localEnd = sepStart - padBefore;
    let localStart = localEnd;
    while (
      localStart > 0 &&
      localEnd - localStart <= MAX_LOCAL &&
      isLocalChar(text.charCodeAt(localStart - 1))
    ) {
      localStart--;
    }
    if (localEnd - localStart > MAX_LOCAL) continue;
    // Leading punctuation belongs to the sentence ("...bob@", "-bob@").
    while (localStart < localEnd && !isLowerOrDigit(text.charCodeAt(localStart))) localStart++;
    const local = text.slice(localStart, localEnd);
    if (local.length === 0 || local.endsWith('.') || local.includes('..')) continue;
    if (kind === 'word') {
      // "see my photos at mysite.com", "email me at…", "meet at noon dot com": words, not
      // addresses.
      if (!/[a-z]/.test(local) || COMMON_WORDS.has(local) || COMMON_WORDS.has(host.name)) {
        continue;
      }
    }

    const end = host.end;
    const obfuscated =
      kind !== 'plain' ||
      padBefore > 0 ||
      padAfter > 0 ||
      !host.plain ||
      doc.folded.isDisguised(localStart, end);
    const span = doc.spanOfFolded(localStart, end);
    out.push({ value: `${local}@${host.host}`, raw: span.text, span, obfuscated });
    lastEnd = end;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// URLs and domains

/** An explicit scheme; the host is read by the label scanner. */
const SCHEME = /(?<![a-z0-9+.-])(https?):\/\//g;

/** Characters of a dotted host run: label characters and dots. */
const isHostChar = (c: number): boolean => isLabelChar(c) || c === 0x2e;
/** A host never directly follows these: "_x.com", "@mail.com" (an e-mail), "/x.html" (a path). */
const NOT_BEFORE_HOST = '_@/\\';

/** Substrings without which no disguised dot can be present. */
const DISGUISED_DOT_HINT = ['dot', 'punto', 'point', 'ponto', '[.]', '(.)', '{.}', '<.>'];

/** A disguised dot that may sit inside a host: "site dot com", "site(.)com", "site[dot]com". */
const WORD_DOT =
  /[([{<][ \t]{0,2}(?:dot|\.)[ \t]{0,2}[)\]}>]|(?<![a-z0-9_])(?:dot|punto|point|ponto)(?![a-z0-9_])/g;

/** Path, query or fragment after a host: no blanks, quotes or angle brackets (RFC 3986 App. C). */
const URL_TAIL = /[/?#][^\s<>"'`{}|\\^]{0,2048}/y;
const PORT = /:[0-9]{1,5}(?![0-9])/y;

/**
 * ICANN suffixes that are, far more often, file extensions: "notes.md", "setup.py",
 * "clip.mov", "files.zip". Accepted only with a scheme or "www.".
 */
const FILE_LIKE_SUFFIXES: ReadonlySet<string> = new Set(['md', 'mov', 'py', 'sh', 'ps', 'zip']);

/**
 * With a common word for a name, only these suffixes make a bare host: "here.com" may be a site,
 * but "now.in", "hi.my", "go.to", "here.call" are sentences with a missing blank.
 */
const GENERIC_SUFFIXES: ReadonlySet<string> = new Set(['com', 'net', 'org']);

type UrlKind = 'scheme' | 'www' | 'bare' | 'disguised';

interface UrlCandidate {
  readonly start: number;
  readonly end: number;
  readonly kind: UrlKind;
  readonly scheme: string;
  readonly host: string;
  readonly domain: string;
  readonly port: string;
  readonly tail: string;
  readonly plain: boolean;
}

/** Sentence punctuation that ends a URL tail rather than belonging to it. */
const TRAILING_PUNCTUATION = '.,;:!?*\'"';

/**
 * Strips sentence punctuation from the end of a URL tail, and a ")" or "]" that closes nothing
 * in the path ("(see mysite.com/page)"); one count, then one pass back: linear.
 */
function trimTail(tail: string): string {
  let parens = 0;
  let brackets = 0;
  for (let i = 0; i < tail.length; i++) {
    const c = tail.charCodeAt(i);
    if (c === 0x28) parens++;
    else if (c === 0x29) parens--;
    else if (c === 0x5b) brackets++;
    else if (c === 0x5d) brackets--;
  }
  let end = tail.length;
  while (end > 0) {
    const last = tail.charAt(end - 1);
    if (TRAILING_PUNCTUATION.includes(last)) end--;
    else if (last === ')' && parens < 0) {
      parens++;
      end--;
    } else if (last === ']' && brackets < 0) {
      brackets++;
      end--;
    } else break;
  }
  return tail.slice(0, end);
}

function readTail(cased: string, pos: number): string {
  URL_TAIL.lastIndex = pos;
  const m = URL_TAIL.exec(cased);
  return m === null ? '' : trimTail(m[0]);
}

/** Host candidate rules for hosts written without a scheme. */
function acceptsSchemeless(text: string, host: HostMatch, kind: UrlKind, start: number): boolean {
  if (host.suffix === 'onion') return false; // onions are their own entity (extractOnions)
  const www = host.host.startsWith('www.');
  if (www) return true;
  // "1.50", "5.pm", "2.5k": numbers, not names.
  if (!/[a-z]/.test(host.name)) return false;
  if (kind === 'disguised' && COMMON_WORDS.has(host.name)) return false;
  if (kind === 'bare') {
    if (FILE_LIKE_SUFFIXES.has(host.suffix) || host.sentence) return false;
    if (host.count === 2 && COMMON_WORDS.has(host.name) && !GENERIC_SUFFIXES.has(host.suffix)) {
      return false;
    }
    // "$12.50" was a price; "x$site.com" is not a host either.
    if (start > 0 && text.charCodeAt(start - 1) === 0x24) return false;
  }
  return true;
}

function schemeCandidate(
  text: string,
  cased: string,
  m: RegExpExecArray,
): UrlCandidate | undefined {
  const scheme = m[1] ?? 'http';
  const hostStart = m.index + m[0].length;
  if (hostStart >= text.length || !isLabelChar(text.charCodeAt(hostStart))) return undefined;
  const run = readLabels(text, cased, hostStart, false);
  if (run.overflow || run.labels.length === 0) return undefined;
  let host: string;
  let domain: string;
  let end: number;
  const whole = run.labels.join('.');
  const ip = parseHost(whole, TLDTS_OPTIONS);
  if (ip.isIp === true) {
    // An explicit http://IP is a web address; bare numbers never are.
    host = whole;
    domain = whole;
    end = run.ends[run.ends.length - 1] ?? hostStart;
  } else {
    const resolved = resolveHost(run);
    if (resolved === undefined || resolved.suffix === 'onion') return undefined;
    host = resolved.host;
    domain = resolved.domain;
    end = resolved.end;
  }
  PORT.lastIndex = end;
  const port = PORT.exec(text)?.[0] ?? '';
  end += port.length;
  const tail = readTail(cased, end);
  return {
    start: m.index,
    end: end + tail.length,
    kind: 'scheme',
    scheme,
    host,
    domain,
    port,
    tail,
    plain: true,
  };
}

function schemelessCandidate(
  text: string,
  cased: string,
  start: number,
  kind: UrlKind,
): UrlCandidate | undefined {
  const run = readLabels(text, cased, start, true);
  const host = resolveHost(run);
  if (host === undefined) return undefined;
  const www = host.host.startsWith('www.');
  const effective: UrlKind = !host.plain ? 'disguised' : www ? 'www' : kind;
  if (!acceptsSchemeless(text, host, effective, start)) return undefined;
  let end = host.end;
  // The run goes on as something else: an e-mail local part ("john.doe@") or a longer name.
  const next = text.charCodeAt(end);
  if (next === 0x40) return undefined;
  if (next === 0x2e && host.count === run.labels.length && isLabelChar(text.charCodeAt(end + 1))) {
    return undefined;
  }
  let port = '';
  let tail = '';
  if (host.plain) {
    PORT.lastIndex = end;
    port = PORT.exec(text)?.[0] ?? '';
    end += port.length;
    tail = readTail(cased, end);
  }
  return {
    start,
    end: end + tail.length,
    kind: effective,
    scheme: 'http',
    host: host.host,
    domain: host.domain,
    port,
    tail,
    plain: host.plain,
  };
}

function findUrlCandidates(text: string, cased: string): UrlCandidate[] {
  const found: UrlCandidate[] = [];
  if (text.includes('://')) {
    SCHEME.lastIndex = 0;
    for (let m = SCHEME.exec(text); m !== null; m = SCHEME.exec(text)) {
      const c = schemeCandidate(text, cased, m);
      if (c !== undefined) found.push(c);
    }
  }
  // Bare hosts: each maximal run of label characters and dots that holds a "." between two
  // label characters is read once, from its start; the scan then resumes after the run.
  let resume = 0;
  for (let dot = text.indexOf('.'); dot >= 0; dot = text.indexOf('.', Math.max(dot + 1, resume))) {
    if (!isLabelChar(text.charCodeAt(dot - 1)) || !isLabelChar(text.charCodeAt(dot + 1))) continue;
    let start = dot - 1;
    while (start > 0 && dot - start <= MAX_HOST && isHostChar(text.charCodeAt(start - 1))) start--;
    let end = dot + 1;
    while (end < text.length && isHostChar(text.charCodeAt(end))) end++;
    resume = end;
    if (dot - start > MAX_HOST) continue;
    while (start < dot && !isLowerOrDigit(text.charCodeAt(start))) start++;
    if (start > 0 && NOT_BEFORE_HOST.includes(text.charAt(start - 1))) continue;
    const c = schemelessCandidate(text, cased, start, 'bare');
    if (c !== undefined) found.push(c);
  }
  if (!DISGUISED_DOT_HINT.some((hint) => text.includes(hint))) return found;
  WORD_DOT.lastIndex = 0;
  for (let m = WORD_DOT.exec(text); m !== null; m = WORD_DOT.exec(text)) {
    const bracket = !/^[a-z]/.test(m[0]);
    const pad = blanksBefore(text, m.index, MAX_PAD);
    if (!bracket && (pad === 0 || !isBlank(text.charCodeAt(m.index + m[0].length)))) continue;
    // The host starts where the dotted run before the disguised dot starts ("www.site dot com").
    const runEnd = m.index - pad;
    let start = runEnd;
    while (start > 0 && runEnd - start <= MAX_HOST) {
      const c = text.charCodeAt(start - 1);
      if (!isLabelChar(c) && c !== 0x2e) break;
      start--;
    }
    if (start === runEnd || runEnd - start > MAX_HOST) continue;
    while (start < runEnd && text.charCodeAt(start) === 0x2e) start++;
    if (start > 0 && NOT_BEFORE_HOST.includes(text.charAt(start - 1))) continue;
    if (!isLabelChar(text.charCodeAt(start))) continue;
    const c = schemelessCandidate(text, cased, start, 'disguised');
    if (c !== undefined) found.push(c);
  }
  return found;
}

/** Document order of a span: the title comes before the body. */
const order = (span: Span): number => (span.field === 'title' ? 0 : 2 ** 40) + span.start;

/**
 * Web addresses: http(s) URLs, `www.` hosts and bare or obfuscated domains, in text order.
 * Domains that belong to an e-mail address found in the same text are not reported again;
 * pass the document's e-mails when they are already known.
 */
export function extractUrls(doc: Doc, emails: readonly Email[] = extractEmails(doc)): Url[] {
  const { text, cased } = doc.folded;
  if (!text.includes('.') && !/dot|punto|point|ponto/.test(text)) return [];
  const candidates = findUrlCandidates(text, cased).sort(
    (a, b) => a.start - b.start || b.end - a.end,
  );
  const emailDomains = new Set(emails.map((e) => e.value.slice(e.value.lastIndexOf('@') + 1)));
  // E-mails as document-order intervals, walked alongside the sorted candidates: linear.
  const mail = emails
    .map((e) => ({ from: order(e.span), to: order(e.span) + e.span.end - e.span.start }))
    .sort((a, b) => a.from - b.from);
  let m = 0;
  const urls: Url[] = [];
  let lastEnd = -1;
  for (const c of candidates) {
    if (c.start < lastEnd) continue;
    const span = doc.spanOfFolded(c.start, c.end);
    const from = order(span);
    const to = from + span.end - span.start;
    while (m < mail.length && (mail[m]?.to ?? 0) <= from) m++;
    const next = mail[m];
    if (next !== undefined && next.from < to) continue;
    // "gmail.com" on its own next to "bob@gmail.com" is the mail provider, not a website.
    if (c.kind !== 'scheme' && c.tail === '' && emailDomains.has(c.host)) continue;
    lastEnd = c.end;
    urls.push({
      url: `${c.scheme}://${c.host}${c.port}${c.tail}`,
      host: c.host,
      domain: c.domain,
      raw: span.text,
      span,
      obfuscated: !c.plain || doc.folded.isDisguised(c.start, c.end),
    });
  }
  return urls;
}

// ---------------------------------------------------------------------------------------------
// Onion services

/**
 * A v3 onion address (Tor rend-spec-v3 §6 "Encoding onion addresses"): 56 base32 characters,
 * then ".onion", also with a disguised dot. v2 addresses (16 characters) are obsolete since
 * Tor 0.4.6 and not reported.
 */
const ONION =
  /(?<![a-z0-9])([a-z2-7]{56})(?:\.|[ \t]?[([][ \t]?(?:\.|dot)[ \t]?[)\]][ \t]?|[ \t]dot[ \t])onion(?![a-z0-9])/g;

const ONION_CHECKSUM_PREFIX = utf8ToBytes('.onion checksum');

/**
 * rend-spec-v3 §6: onion_address = base32(PUBKEY | CHECKSUM | VERSION) + ".onion", where
 * CHECKSUM = SHA3-256(".onion checksum" | PUBKEY | VERSION)[:2] and VERSION = 0x03.
 */
export function isValidOnionV3(label: string): boolean {
  if (label.length !== 56) return false;
  let bytes: Uint8Array;
  try {
    bytes = base32.decode(label.toUpperCase());
  } catch {
    return false;
  }
  if (bytes.length !== 35 || bytes[34] !== 3) return false;
  const input = new Uint8Array(ONION_CHECKSUM_PREFIX.length + 33);
  input.set(ONION_CHECKSUM_PREFIX, 0);
  input.set(bytes.subarray(0, 32), ONION_CHECKSUM_PREFIX.length);
  input[input.length - 1] = 3;
  const check = sha3_256(input);
  return check[0] === bytes[32] && check[1] === bytes[33];
}

/** Tor v3 onion addresses whose checksum verifies, in text order. */
export function extractOnions(doc: Doc): Onion[] {
  const { text } = doc.folded;
  if (!text.includes('onion')) return [];
  const onions: Onion[] = [];
  ONION.lastIndex = 0;
  for (let m = ONION.exec(text); m !== null; m = ONION.exec(text)) {
    const label = m[1] ?? '';
    if (!isValidOnionV3(label)) continue;
    const span = doc.spanOfFolded(m.index, m.index + m[0].length);
    onions.push({ address: `${label}.onion`, raw: span.text, span });
  }
  return onions;
}
