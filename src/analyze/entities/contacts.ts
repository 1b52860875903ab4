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
import { parse } from 'tldts';
import type { Doc } from '../doc.js';
import type { FoldedText } from '../normalize.js';
import type { Email, Onion, Span, Url } from '../types.js';

/** Private-section suffixes (blogspot.com, github.io) are hosting brands, not registries. */
const TLDTS_OPTIONS = { allowPrivateDomains: false, extractHostname: false } as const;

/**
 * Recent public-suffix parses by host. A host is parsed several times per text (an "http://"
 * URL is read as a URL, then as a bare host; its IP check and its domain read the same
 * string), and common hosts recur across ads; a parse costs far more than a lookup. Bounded:
 * cleared when full. The results are only read.
 */
type ParsedHost = ReturnType<typeof parse>;
const parsedHosts = new Map<string, ParsedHost>();
const MAX_PARSED_HOSTS = 512;

function parseHost(host: string): ParsedHost {
  let r = parsedHosts.get(host);
  if (r === undefined) {
    if (parsedHosts.size >= MAX_PARSED_HOSTS) parsedHosts.clear();
    r = parse(host, TLDTS_OPTIONS);
    parsedHosts.set(host, r);
  }
  return r;
}

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

/**
 * The labels of a dotted run and their separators, as offsets into the folded text. One
 * instance is reused for every run (`readLabels` overwrites it): every caller resolves its run
 * before reading another, and runs are read for every dotted word of every text, so this saves
 * three arrays and a string per label each time.
 */
class LabelRun {
  text = '';
  /** How many labels were read. */
  count = 0;
  /** Start and end offsets of each label in the folded text. */
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** plain[i]: the separator before label i (i >= 1) was a bare ".". */
  readonly plain: boolean[] = [];
  /** The dotted run went on past MAX_LABELS: not a host. */
  overflow = false;
  /**
   * Index of the first label that follows a sentence dot ("here.Call me": a lower-case letter,
   * a bare ".", an upper-case letter, as read in the cased text), or -1.
   */
  sentence = -1;

  /** Whether every separator among the first `k` labels was a bare ".". */
  plainUpTo(k: number): boolean {
    for (let i = 1; i < k; i++) if (this.plain[i] !== true) return false;
    return true;
  }

  /** The first `k` labels joined by ".". */
  host(k: number): string {
    const first = this.starts[0] ?? 0;
    // With bare dots between them, the labels are the text as it is.
    if (this.plainUpTo(k)) return this.text.slice(first, this.ends[k - 1] ?? first);
    let host = '';
    for (let i = 0; i < k; i++) {
      host += `${i > 0 ? '.' : ''}${this.text.slice(this.starts[i] ?? 0, this.ends[i] ?? 0)}`;
    }
    return host;
  }

  /** The label is letters ("com") or an IDNA A-label ("xn--p1ai"); "50" or "jpg2" never. */
  tldShaped(i: number): boolean {
    const start = this.starts[i] ?? 0;
    const length = (this.ends[i] ?? 0) - start;
    if (length < 2 || length > 63) return false;
    const { text } = this;
    // "xn--" then 1-59 label characters: a label holds nothing else.
    if (text.startsWith('xn--', start)) return length >= 5;
    for (let k = start; k < start + length; k++) if (!isLower(text.charCodeAt(k))) return false;
    return true;
  }
}

const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;

const labelRun = new LabelRun();

/**
 * Reads labels and their separators from `start`, which must begin a label. A label longer
 * than 63 characters ends the run; a trailing hyphen is punctuation ("mysite.com-") and a
 * leading one is not a label. `cased` is the folded text with its case, for sentence dots.
 * Returns the shared LabelRun, valid until the next call.
 */
function readLabels(text: string, cased: string, start: number, wordSeparators: boolean): LabelRun {
  const run = labelRun;
  run.text = text;
  run.count = 0;
  run.overflow = false;
  run.sentence = -1;
  let pos = start;
  let sepPlain = true;
  for (;;) {
    let end = pos;
    while (end < text.length && end - pos <= MAX_LABEL && isLabelChar(text.charCodeAt(end))) end++;
    if (end === pos || end - pos > MAX_LABEL) break;
    let trimmed = end;
    while (trimmed > pos && text.charCodeAt(trimmed - 1) === 0x2d) trimmed--;
    if (trimmed === pos || text.charCodeAt(pos) === 0x2d) break;
    if (run.count === MAX_LABELS) {
      run.overflow = true;
      return run;
    }
    run.starts[run.count] = pos;
    run.ends[run.count] = trimmed;
    run.plain[run.count] = sepPlain;
    run.count++;
    if (trimmed !== end) break;
    const next = separatorEnd(text, end);
    if (next < 0 || next >= text.length || !isLabelChar(text.charCodeAt(next))) break;
    sepPlain = next === end + 1;
    if (!sepPlain && !wordSeparators) break;
    if (
      run.sentence < 0 &&
      sepPlain &&
      isLower(cased.charCodeAt(end - 1)) &&
      isUpper(cased.charCodeAt(next))
    ) {
      run.sentence = run.count;
    }
    pos = next;
  }
  return run;
}

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
function resolveHost(run: LabelRun): HostMatch | undefined {
  if (run.overflow) return undefined;
  // "anna@gmail.com.Call me": a host that is complete before a sentence dot ends there.
  if (run.sentence >= 2) {
    const before = resolvePrefixes(run, run.sentence);
    if (before !== undefined) return before;
  }
  return resolvePrefixes(run, run.count);
}

function resolvePrefixes(run: LabelRun, count: number): HostMatch | undefined {
  const lowest = Math.max(2, count - 3);
  let best: HostMatch | undefined;
  for (let k = count; k >= lowest; k--) {
    if (!run.tldShaped(k - 1)) continue;
    const host = run.host(k);
    if (host.length > MAX_HOST) continue;
    const r = parseHost(host);
    if (r.isIp === true) return best;
    if (
      r.isIcann !== true ||
      r.domain === null ||
      r.publicSuffix === null ||
      r.domainWithoutSuffix === null
    ) {
      continue;
    }
    const plain = run.plainUpTo(k);
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
// What the dots of a text say, shared by the three extractors

/** Offset arrays reused from text to text are dropped when a text made them larger than this. */
const MAX_KEPT_OFFSETS = 1024;

/**
 * One pass over the "." of a text, which every extractor here needs: e-mail domains and hosts
 * are labels joined by dots, plain or disguised. Most texts have only sentence dots and a price
 * or two, and these facts let each extractor skip its costlier scans.
 */
class DotScan {
  /**
   * Offsets of every "." between two label characters ("mail.com", "12.50"), in order: the
   * first `joinCount` entries (the array is kept from text to text, not reallocated).
   */
  joins: number[] = [];
  joinCount = 0;
  /** Some "." follows a blank or an opening bracket ("mail . com", "mail(.)com", "[ . ]"). */
  loose = false;
  /** Some "." is bracketed without blanks: "[.]", "(.)", "{.}" or "<.>". */
  bracketed = false;
  /** "dot", "punto", "point" or "ponto" anywhere in the text; computed when first needed. */
  dotWord: boolean | undefined;

  scan(text: string): void {
    // A hostile text may have grown the array: let it go rather than keep it for good.
    if (this.joins.length > MAX_KEPT_OFFSETS) this.joins = [];
    this.joinCount = 0;
    this.loose = false;
    this.bracketed = false;
    this.dotWord = undefined;
    for (let dot = text.indexOf('.'); dot >= 0; dot = text.indexOf('.', dot + 1)) {
      const before = text.charCodeAt(dot - 1);
      if (isLabelChar(before)) {
        if (isLabelChar(text.charCodeAt(dot + 1))) this.joins[this.joinCount++] = dot;
      } else if (isBlank(before)) {
        this.loose = true;
      } else {
        const open = OPENERS.indexOf(text.charAt(dot - 1));
        if (open >= 0) {
          this.loose = true;
          if (CLOSERS.indexOf(text.charAt(dot + 1)) === open) this.bracketed = true;
        }
      }
    }
  }
}

/**
 * Whether the text holds "dot", "punto", "point" or "ponto", the words that may stand for a
 * dot (DOT_WORDS), as substrings.
 */
function hasDotWord(scan: DotScan, text: string): boolean {
  if (scan.dotWord === undefined) scan.dotWord = findsDotWord(text);
  return scan.dotWord;
}

function findsDotWord(text: string): boolean {
  if (text.includes('dot')) return true;
  // "punto", "point" and "ponto" by their rarer "p", in one pass rather than three.
  for (let p = text.indexOf('p'); p >= 0; p = text.indexOf('p', p + 1)) {
    const next = text.charCodeAt(p + 1);
    if (next === 0x75 && text.startsWith('nto', p + 2)) return true; // "punto"
    if (next === 0x6f && (text.startsWith('int', p + 2) || text.startsWith('nto', p + 2))) {
      return true; // "point", "ponto"
    }
  }
  return false;
}

/**
 * The scan of the last text asked about: the engine runs the three extractors on one document
 * after the other, so one entry is enough, and cheaper than a WeakMap insertion per document.
 * The folded text is immutable, so the entry holds for as long as it is the same object. The
 * one DotScan is refilled for each new text, so scanning allocates nothing.
 */
const dotScan = new DotScan();
let scannedText: FoldedText | undefined;

function dotScanOf(folded: FoldedText): DotScan {
  if (folded !== scannedText) {
    dotScan.scan(folded.text);
    scannedText = folded;
  }
  return dotScan;
}

// ---------------------------------------------------------------------------------------------
// E-mail addresses

/**
 * The "@" and its disguises: bracketed "(at)", "[@]", "{arroba}", or a word between blanks:
 * "at", Spanish/Portuguese "arroba", French "arobase" and "chez".
 */
interface AtSeparator {
  readonly start: number;
  readonly end: number;
  readonly kind: 'plain' | 'bracket' | 'word';
}

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

/** A blank or an opening bracket: what stands right before an at-word that can be an "@". */
const isBeforeAtWord = (c: number): boolean =>
  c === 0x20 || c === 0x09 || c === 0x28 || c === 0x5b || c === 0x7b || c === 0x3c;
/** A blank or a closing bracket: what stands right after an at-word that can be an "@". */
const isAfterAtWord = (c: number): boolean =>
  c === 0x20 || c === 0x09 || c === 0x29 || c === 0x5d || c === 0x7d || c === 0x3e;

/**
 * The at-tokens of the text being read: the first `atCount` entries of `atTokens`. Refilled
 * for each text rather than allocated (`findEmails` reads them before the next text).
 */
let atTokens: number[] = [];
let atCount = 0;

/**
 * Adds `start` when the at-word [start, end) stands between a blank or bracket on each side.
 * Only those can become an "@" in `findEmails` (a word needs blanks on both sides, a bracketed
 * one its brackets, padded by blanks at most), so the rest ("that", "at," "at home.") are left
 * out here, before any other work.
 */
function addAtWord(text: string, start: number, end: number): void {
  if (isBeforeAtWord(text.charCodeAt(start - 1)) && isAfterAtWord(text.charCodeAt(end))) {
    atTokens[atCount++] = start;
  }
}

/**
 * Finds the offsets of every "@" and of every at-word that may stand for one, in text order
 * (`atTokens`).
 *
 * An at-word is only worth reading where a domain can follow it. When every dot of the text
 * joins two labels directly (no "mail . com", "mail(.)com" or dot word anywhere: the common
 * case), a domain's first two labels are such a "label.label" pair, so the at-word stands at
 * most a few blanks and a bracket before the start of one; those few places are checked.
 * Otherwise every at-word of the text is.
 */
function findAtTokens(text: string, scan: DotScan): void {
  if (atTokens.length > MAX_KEPT_OFFSETS) atTokens = [];
  atCount = 0;
  for (let i = text.indexOf('@'); i >= 0; i = text.indexOf('@', i + 1)) atTokens[atCount++] = i;
  if (scan.loose || hasDotWord(scan, text)) {
    allAtWords(text);
  } else {
    for (let j = 0; j < scan.joinCount; j++) {
      const dot = scan.joins[j] ?? 0;
      let label = dot - 1;
      while (label > 0 && isLabelChar(text.charCodeAt(label - 1))) label--;
      atWordBefore(text, label);
    }
  }
  // Each source is in text order; a mix of them needs sorting (and two joined pairs may share
  // one at-word, "at mail.co.uk", which is then found twice).
  let ordered = true;
  for (let k = 1; k < atCount && ordered; k++) {
    ordered = (atTokens[k - 1] ?? 0) < (atTokens[k] ?? 0);
  }
  if (ordered) return;
  const sorted = atTokens.slice(0, atCount).sort((x, y) => x - y);
  atCount = 0;
  for (const pos of sorted) {
    if (atCount === 0 || atTokens[atCount - 1] !== pos) atTokens[atCount++] = pos;
  }
}

/** The at-word that a domain starting at `domain` may follow: "at mail", "(at) mail". */
function atWordBefore(text: string, domain: number): void {
  let end = domain - blanksBefore(text, domain, MAX_PAD);
  if (end > 0 && CLOSERS.includes(text.charAt(end - 1))) {
    end -= 1;
    end -= blanksBefore(text, end, 2);
  } else if (end === domain) {
    return; // glued to what comes before ("$12.50", "/mail.com"): no at-word
  }
  const last = text.charCodeAt(end - 1);
  const word = last === 0x74 ? 'at' : last === 0x7a ? 'chez' : last === 0x61 ? 'arroba' : 'arobase';
  if (text.endsWith(word, end)) addAtWord(text, end - word.length, end);
}

/**
 * Every at-word of the text. Found with `indexOf` on literals (native, and cheaper than a regex
 * alternation over the whole text): "at" (everywhere in English); "chez" by its rare "z";
 * "arroba" and "arobase" by their rarer "b".
 */
function allAtWords(text: string): void {
  for (let i = text.indexOf('at'); i >= 0; i = text.indexOf('at', i + 1)) {
    addAtWord(text, i, i + 2);
  }
  for (let z = text.indexOf('z'); z >= 0; z = text.indexOf('z', z + 1)) {
    if (z >= 3 && text.startsWith('che', z - 3)) addAtWord(text, z - 3, z + 1);
  }
  for (let b = text.indexOf('b'); b >= 0; b = text.indexOf('b', b + 1)) {
    if (text.startsWith('arro', b - 4) && text.charCodeAt(b + 1) === 0x61) {
      addAtWord(text, b - 4, b + 2);
    } else if (text.startsWith('aro', b - 3) && text.startsWith('ase', b + 1)) {
      addAtWord(text, b - 3, b + 4);
    }
  }
}

/**
 * The e-mails of the last document asked about. `extractUrls` needs a document's e-mails right
 * after the engine asked for them, so remembering one document saves that second scan; a
 * WeakMap per document cost more than the scan it saved. The folded text is immutable, so the
 * entry is valid for as long as it is the same object.
 */
let lastFolded: FoldedText | undefined;
/** No e-mails: shared, never handed out (`extractEmails` copies). */
const NO_EMAILS: readonly Email[] = [];
let lastEmails: readonly Email[] = NO_EMAILS;

/** The document's e-mails, shared: callers must not change the array. */
function emailsOf(doc: Doc): readonly Email[] {
  if (doc.folded !== lastFolded) {
    lastEmails = findEmails(doc);
    lastFolded = doc.folded;
  }
  return lastEmails;
}

/** E-mail addresses, plain and obfuscated, in text order. */
export function extractEmails(doc: Doc): Email[] {
  return [...emailsOf(doc)];
}

function findEmails(doc: Doc): readonly Email[] {
  const { text } = doc.folded;
  let out: Email[] | undefined;
  let lastEnd = 0;
  findAtTokens(text, dotScanOf(doc.folded));
  for (let k = 0; k < atCount; k++) {
    const pos = atTokens[k] ?? 0;
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
    if (run.count < 2) continue;
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
    const email: Email = { value: `${local}@${host.host}`, raw: span.text, span, obfuscated };
    if (out === undefined) out = [email];
    else out.push(email);
    lastEnd = end;
  }
  return out ?? NO_EMAILS;
}

// ---------------------------------------------------------------------------------------------
// URLs and domains

/**
 * The explicit scheme ("http" or "https") that ends right before the "://" at `sep`, as its
 * length, or 0. It must not be glued to a longer scheme name ("xhttp://", "git+https://").
 * Found from each "://" (rare, and ":" makes `indexOf` fast) rather than by a regex that
 * tries every position of every text.
 */
function schemeBefore(text: string, sep: number): number {
  const length = text.endsWith('https', sep) ? 5 : text.endsWith('http', sep) ? 4 : 0;
  if (length === 0) return 0;
  const before = text.charCodeAt(sep - length - 1);
  const glued = isLowerOrDigit(before) || before === 0x2b || before === 0x2e || before === 0x2d;
  return glued ? 0 : length;
}

/** Characters of a dotted host run: label characters and dots. */
const isHostChar = (c: number): boolean => isLabelChar(c) || c === 0x2e;
/** A host never directly follows these: "_x.com", "@mail.com" (an e-mail), "/x.html" (a path). */
const NOT_BEFORE_HOST = '_@/\\';

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

/** The URL whose scheme of `length` characters ends at the "://" at `sep`. */
function schemeCandidate(
  text: string,
  cased: string,
  sep: number,
  length: number,
): UrlCandidate | undefined {
  const start = sep - length;
  const scheme = text.slice(start, sep);
  const hostStart = sep + 3;
  if (hostStart >= text.length || !isLabelChar(text.charCodeAt(hostStart))) return undefined;
  const run = readLabels(text, cased, hostStart, false);
  if (run.overflow || run.count === 0) return undefined;
  let host: string;
  let domain: string;
  let end: number;
  const whole = run.host(run.count);
  const ip = parseHost(whole);
  if (ip.isIp === true) {
    // An explicit http://IP is a web address; bare numbers never are.
    host = whole;
    domain = whole;
    end = run.ends[run.count - 1] ?? hostStart;
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
    start,
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
  if (next === 0x2e && host.count === run.count && isLabelChar(text.charCodeAt(end + 1))) {
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

/** The candidates in no particular order, or undefined for none (most texts: no array then). */
function findUrlCandidates(text: string, cased: string, scan: DotScan): UrlCandidate[] | undefined {
  let found: UrlCandidate[] | undefined;
  for (let sep = text.indexOf('://'); sep >= 0; sep = text.indexOf('://', sep + 3)) {
    const length = schemeBefore(text, sep);
    if (length === 0) continue;
    const c = schemeCandidate(text, cased, sep, length);
    if (c !== undefined) {
      found ??= [];
      found.push(c);
    }
  }
  // Bare hosts: each maximal run of label characters and dots that holds a "." between two
  // label characters is read once, from its start; the scan then resumes after the run.
  let resume = 0;
  for (let j = 0; j < scan.joinCount; j++) {
    const dot = scan.joins[j] ?? 0;
    if (dot < resume) continue;
    let start = dot - 1;
    while (start > 0 && dot - start <= MAX_HOST && isHostChar(text.charCodeAt(start - 1))) start--;
    let end = dot + 1;
    let letters = false;
    while (end < text.length && isHostChar(text.charCodeAt(end))) {
      if (!letters && isLower(text.charCodeAt(end))) letters = true;
      end++;
    }
    resume = end;
    if (dot - start > MAX_HOST) continue;
    // "12.50", "1.5.2": no label after the first dot can be a top-level domain, and the labels
    // end with the run unless a disguised dot follows it ("12.50 dot com"); skipping them here
    // saves reading the labels of every price.
    if (!letters && separatorEnd(text, end) < 0) continue;
    while (start < dot && !isLowerOrDigit(text.charCodeAt(start))) start++;
    if (start > 0 && NOT_BEFORE_HOST.includes(text.charAt(start - 1))) continue;
    const c = schemelessCandidate(text, cased, start, 'bare');
    if (c !== undefined) {
      found ??= [];
      found.push(c);
    }
  }
  // Disguised dots: none can be present without a dot word or a bracketed "." ("[.]").
  if (!scan.bracketed && !hasDotWord(scan, text)) return found;
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
    if (c !== undefined) {
      found ??= [];
      found.push(c);
    }
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
export function extractUrls(doc: Doc, emails?: readonly Email[]): Url[] {
  const { text, cased } = doc.folded;
  if (!text.includes('.') && !/dot|punto|point|ponto/.test(text)) return [];
  const candidates = findUrlCandidates(text, cased, dotScanOf(doc.folded));
  // Most texts hold no web address: then the e-mails are not needed at all.
  if (candidates === undefined) return [];
  if (candidates.length > 1) candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const known = emails ?? emailsOf(doc);
  const emailDomains = new Set(known.map((e) => e.value.slice(e.value.lastIndexOf('@') + 1)));
  // E-mails as document-order intervals, walked alongside the sorted candidates: linear.
  const mail = known
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

/**
 * Whether ONION can match at all, from the dots alone (cheaper than looking for "onion"): its
 * separator is a "." joining the label to "onion", a bracketed "." or "dot" ("[.]", "( . )"),
 * or " dot ".
 */
function mayHoldOnion(text: string, scan: DotScan): boolean {
  if (scan.loose) return true;
  for (let j = 0; j < scan.joinCount; j++) {
    if (text.startsWith('onion', (scan.joins[j] ?? 0) + 1)) return true;
  }
  return hasDotWord(scan, text);
}

/** Tor v3 onion addresses whose checksum verifies, in text order. */
export function extractOnions(doc: Doc): Onion[] {
  const { text } = doc.folded;
  if (!mayHoldOnion(text, dotScanOf(doc.folded)) || !text.includes('onion')) return [];
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
