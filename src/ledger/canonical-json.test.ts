import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import { canonicalBytes, canonicalize, parseCanonical } from './canonical-json.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Runs `action`, expects CANONICAL_JSON_INVALID, and returns the error's details. */
function invalidDetails(action: () => unknown): Readonly<Record<string, unknown>> | undefined {
  try {
    action();
  } catch (error) {
    expect(isVigilError(error, 'CANONICAL_JSON_INVALID'), String(error)).toBe(true);
    return isVigilError(error) ? error.details : undefined;
  }
  throw new Error('expected CANONICAL_JSON_INVALID, but nothing was thrown');
}

function fromIeee754(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

/** Positions outside strings where JSON allows whitespace: the ends and around structural characters. */
function whitespacePositions(text: string): number[] {
  const positions = new Set([0, text.length]);
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if ('{}[],:'.includes(char ?? '')) {
      positions.add(index);
      positions.add(index + 1);
    }
  }
  return [...positions];
}

// Full Unicode strings (non-BMP included) in keys and values; depth bounded below the limit.
const jsonValue = fc.jsonValue({ stringUnit: 'binary', maxDepth: 8 });

describe('canonicalize: the examples of RFC 8785', () => {
  // RFC 8785 §3.2.2 (input) and §3.2.4 (its canonical UTF-8 bytes), written with escapes so the
  // test reads the same in any editor.
  const section322Input = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50,
                2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`;
  const section324Bytes = `
    7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
    75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
    5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
    65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
    5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
    30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d`;

  it('serialises the §3.2.2 example to the §3.2.4 bytes', () => {
    const value: unknown = JSON.parse(section322Input);
    expect(canonicalize(value)).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
    const expected = section324Bytes
      .trim()
      .split(/\s+/)
      .map((hex) => Number.parseInt(hex, 16));
    expect([...canonicalBytes(value)]).toEqual(expected);
  });

  it('sorts the §3.2.3 example by UTF-16 code units', () => {
    const value: unknown = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    // Written with escapes: U+FB33 would not survive an editor's Unicode normalisation.
    expect(canonicalize(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  // RFC 8785 Appendix B, "Number Serialization Samples": IEEE 754 bits and their JSON text.
  // The two non-finite rows (NaN, Infinity) are tested with the rejections.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the Appendix B number %s as %s', (bits, text) => {
    expect(canonicalize(fromIeee754(bits))).toBe(text);
    expect(parseCanonical(utf8(text))).toBe(fromIeee754(bits) === 0 ? 0 : fromIeee754(bits));
  });
});

describe('canonicalize: the cyberphone/json-canonicalization test data', () => {
  // testdata/input/*.json and testdata/output/*.json of github.com/cyberphone/json-canonicalization.
  it.each([
    [
      'structures',
      String.raw`{"1": {"f": {"f": "hi","F": 5} ,"\n": 56.0}, "10": { }, "": "empty", "a": { }, "111": [ { } ], "A": { }}`,
      String.raw`{"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}`,
    ],
    [
      'values',
      String.raw`{"numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001], "escaping": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]}`,
      String.raw`{"escaping":"€$\u000f\nA'B\"\\\\\"/","literals":[null,true,false],"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}`,
    ],
    [
      'weird',
      String.raw`{"\u20ac": "Euro Sign", "1": "One", "\u0080": "Control\u007f", "\ud83d\ude02": "Smiley", "\u00f6": "Latin Small Letter O With Diaeresis", "\ufb33": "Hebrew Letter Dalet With Dagesh", "</script>": "Browser Challenge"}`,
      '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    ],
  ])('%s', (_name, input, output) => {
    expect(canonicalize(JSON.parse(input))).toBe(output);
    expect(parseCanonical(utf8(output))).toEqual(JSON.parse(input));
  });
});

describe('canonicalize', () => {
  it.each([
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [1e-7, '1e-7'],
    [0.000001, '0.000001'],
    [-0, '0'],
    [2 ** 53, '9007199254740992'],
    [-1.5, '-1.5'],
  ])('writes the number %s as %s (ECMAScript Number.prototype.toString)', (value, text) => {
    expect(canonicalize(value)).toBe(text);
  });

  it('sorts member names by UTF-16 code units: upper case first, a non-BMP character before U+FFFF', () => {
    const value = { b: 1, a: 2, B: 3, A: 4, aa: 5, '': 6, é: 7, '\uffff': 8, '😀': 9 };
    // Code point (or UTF-8) order would put U+1F600 last; its UTF-16 lead unit 0xD83D sorts it
    // before U+FFFF.
    expect(canonicalize(value)).toBe(
      '{"":6,"A":4,"B":3,"a":2,"aa":5,"b":1,"é":7,"😀":9,"\uffff":8}',
    );
  });

  it('sorts nested objects and keeps array order', () => {
    expect(canonicalize({ z: [{ y: 1, x: 2 }, 3], a: { c: null, b: true } })).toBe(
      '{"a":{"b":true,"c":null},"z":[{"x":2,"y":1},3]}',
    );
  });

  it('escapes strings as RFC 8785 §3.2.2.2 requires and nothing more', () => {
    expect(canonicalize('\u0000\u001f\b\t\n\f\r"\\/\u007f\u2028é😀')).toBe(
      '"\\u0000\\u001f\\b\\t\\n\\f\\r\\"\\\\/\u007f\u2028é😀"',
    );
  });

  it('omits members whose value is undefined, as JSON.stringify does', () => {
    expect(canonicalize({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('accepts objects without a prototype and values referenced twice', () => {
    const shared = { x: 1 };
    const bare: Record<string, unknown> = Object.create(null);
    bare.k = [shared, shared];
    expect(canonicalize(bare)).toBe('{"k":[{"x":1},{"x":1}]}');
  });

  it('keeps a member named __proto__', () => {
    const value: unknown = JSON.parse('{"__proto__":{"a":1},"b":2}');
    expect(canonicalize(value)).toBe('{"__proto__":{"a":1},"b":2}');
  });

  it('writes UTF-8 bytes', () => {
    expect([...canonicalBytes({ '€': '😀' })]).toEqual([
      0x7b, 0x22, 0xe2, 0x82, 0xac, 0x22, 0x3a, 0x22, 0xf0, 0x9f, 0x98, 0x80, 0x22, 0x7d,
    ]);
  });

  it('accepts 64 levels of nesting and refuses 65', () => {
    const nest = (levels: number): unknown => (levels === 0 ? 0 : [nest(levels - 1)]);
    expect(canonicalize(nest(64))).toBe(`${'['.repeat(64)}0${']'.repeat(64)}`);
    expect(invalidDetails(() => canonicalize(nest(65)))).toEqual({ path: '/0'.repeat(64) });
  });

  class Point {
    constructor(readonly x: number) {}
  }
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = { back: cyclic };
  const cyclicArray: unknown[] = [];
  cyclicArray.push(cyclicArray);

  it.each<[string, unknown, string]>([
    ['NaN (Appendix B)', Number.NaN, ''],
    ['Infinity (Appendix B)', Number.POSITIVE_INFINITY, ''],
    ['-Infinity', { n: Number.NEGATIVE_INFINITY }, '/n'],
    ['a lone high surrogate', ['ok', 'a\ud800'], '/1'],
    ['a lone low surrogate', '\udc00b', ''],
    ['a surrogate pair in the wrong order', '\ude00\ud83d', ''],
    ['a lone surrogate in a member name', { 'k\ud800': 1 }, '/k\ud800'],
    ['undefined', undefined, ''],
    ['undefined in an array', [1, undefined], '/1'],
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point of the test
    ['a hole in an array', [1, , 3], '/1'],
    ['a function', { f: () => 1 }, '/f'],
    ['a symbol', { s: Symbol('s') }, '/s'],
    ['a symbol-keyed member', { [Symbol('s')]: 1 }, ''],
    ['a bigint', { n: 1n }, '/n'],
    ['a Date', { when: new Date(0) }, '/when'],
    ['a Map', new Map([['a', 1]]), ''],
    ['a Uint8Array', { bytes: new Uint8Array(2) }, '/bytes'],
    ['a class instance', { p: new Point(1) }, '/p'],
    ['a cycle through objects', cyclic, '/self/back'],
    ['a cycle through an array', cyclicArray, '/0'],
    ['a JSON Pointer that needs escaping', { 'a/b~c': [Number.NaN] }, '/a~1b~0c/0'],
  ])('refuses %s and says where', (_name, value, path) => {
    expect(invalidDetails(() => canonicalize(value))).toEqual({ path });
    expect(() => canonicalBytes(value)).toThrow();
  });

  it('is stable through JSON.parse (property)', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const text = canonicalize(value);
        expect(canonicalize(JSON.parse(text))).toBe(text);
      }),
    );
  });
});

describe('parseCanonical', () => {
  it('reads canonical bytes back (property)', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const bytes = canonicalBytes(value);
        expect(parseCanonical(bytes)).toEqual(JSON.parse(canonicalize(value)));
      }),
    );
  });

  it('refuses whitespace inserted anywhere JSON allows it (property)', () => {
    const spaced = jsonValue.chain((value) => {
      const text = canonicalize(value);
      return fc.record({
        text: fc.constant(text),
        at: fc.constantFrom(...whitespacePositions(text)),
        space: fc.constantFrom(' ', '\t', '\n', '\r'),
      });
    });
    fc.assert(
      fc.property(spaced, ({ text, at, space }) => {
        const withSpace = `${text.slice(0, at)}${space}${text.slice(at)}`;
        expect(JSON.parse(withSpace)).toEqual(JSON.parse(text));
        invalidDetails(() => parseCanonical(utf8(withSpace)));
      }),
    );
  });

  it('refuses members in any other order (property)', () => {
    const swapped = fc
      .dictionary(fc.string({ unit: 'binary' }), jsonValue, { minKeys: 2 })
      .chain((object) => {
        const members = Object.keys(object).sort();
        return fc.record({
          object: fc.constant(object),
          members: fc.constant(members),
          first: fc.nat(members.length - 1),
          second: fc.nat(members.length - 1),
        });
      })
      .filter(({ first, second }) => first !== second);
    fc.assert(
      fc.property(swapped, ({ object, members, first, second }) => {
        const names = [...members];
        [names[first], names[second]] = [names[second] ?? '', names[first] ?? ''];
        const text = `{${names.map((name) => `${canonicalize(name)}:${canonicalize(object[name])}`).join(',')}}`;
        invalidDetails(() => parseCanonical(utf8(text)));
      }),
    );
  });

  it.each([
    ['the same name twice', '{"a":1,"a":1}', 7, 'a'],
    ['the same name spelled with an escape', '{"a":1,"\\u0061":2}', 7, 'a'],
    ['a duplicate in a nested object', '{"x":[{"b":1,"c":2,"b":3}]}', 19, 'b'],
  ])('refuses duplicate member names: %s', (_name, text, offset, member) => {
    expect(invalidDetails(() => parseCanonical(utf8(text)))).toEqual({ offset, member });
  });

  it.each([
    ['leading whitespace', ' {}', 0],
    ['whitespace after a colon', '{"a": 1}', 5],
    ['whitespace before a bracket', '[1 ]', 2],
    ['a trailing newline', '{}\n', 2],
    ['members out of order', '{"b":1,"a":2}', 2],
    ['upper case sorted after lower case', '{"a":1,"B":2}', 2],
    ['a trailing zero', '1.0', 1],
    ['an exponent that should be plain', '1e2', 1],
    ['an upper-case exponent', '1E+30', 1],
    ['minus zero', '-0', 0],
    ['a leading zero fraction spelled long', '0.10', 3],
    ['an escaped letter', '"\\u0041"', 1],
    ['an escaped solidus', '"\\/"', 1],
    ['an escaped non-ASCII character', '"\\u00e9"', 1],
    ['an upper-case hex escape', '"\\u001F"', 6],
  ])('refuses JSON that is not canonical: %s', (_name, text, offset) => {
    expect(invalidDetails(() => parseCanonical(utf8(text)))).toEqual({ offset });
  });

  it.each([
    ['empty input', '', 0],
    ['an unclosed object', '{', 1],
    ['a trailing comma', '[1,]', 3],
    ['a member without a value', '{"a"}', 4],
    ['an unquoted member name', '{a:1}', 1],
    ['a truncated literal', 'tru', 0],
    ['a leading zero', '01', 1],
    ['a raw control character in a string', '"a\u0001"', 2],
    ['an unterminated string', '"abc', 0],
    ['an invalid escape', '"\\x41"', 0],
    ['single quotes', "'a'", 0],
    ['two values', '1 2', 2],
    ['an escaped lone surrogate', '"\\ud800"', 0],
    ['a number beyond a double', '1e400', 0],
    ['a byte order mark', '\ufeff{}', 0],
    ['65 levels of nesting', `${'['.repeat(65)}${']'.repeat(65)}`, 64],
  ])('refuses %s and says where', (_name, text, offset) => {
    expect(invalidDetails(() => parseCanonical(utf8(text)))).toEqual({ offset });
  });

  it.each([
    ['a byte that never occurs in UTF-8', [0x22, 0x61, 0xff, 0x22], 2],
    ['an overlong encoding of "/"', [0x22, 0xc0, 0xaf, 0x22], 1],
    ['an encoded surrogate', [0x22, 0xed, 0xa0, 0x80, 0x22], 1],
    ['a truncated sequence', [0x22, 0xe2, 0x82, 0x22], 1],
  ])('refuses invalid UTF-8: %s', (_name, bytes, offset) => {
    expect(invalidDetails(() => parseCanonical(new Uint8Array(bytes)))).toEqual({ offset });
  });

  it('reports byte offsets, not character offsets, after non-ASCII text', () => {
    expect(invalidDetails(() => parseCanonical(utf8('["😀€",]')))).toEqual({ offset: 11 });
  });

  it('accepts 64 levels of nesting', () => {
    const text = `${'['.repeat(64)}${']'.repeat(64)}`;
    expect(canonicalize(parseCanonical(utf8(text)))).toBe(text);
  });

  it('bounds the input size', () => {
    const text = `"${'a'.repeat(1024 * 1024 - 2)}"`;
    expect(parseCanonical(utf8(text))).toHaveLength(1024 * 1024 - 2);
    expect(invalidDetails(() => parseCanonical(utf8(`"${text}"`)))).toEqual({
      size: 1024 * 1024 + 2,
      maxBytes: 1024 * 1024,
    });
    expect(invalidDetails(() => parseCanonical(utf8('[1,2]'), { maxBytes: 4 }))).toEqual({
      size: 5,
      maxBytes: 4,
    });
  });

  it('returns ordinary objects, with __proto__ as an ordinary member', () => {
    const value = parseCanonical(utf8('{"__proto__":{"polluted":true},"a":1}')) as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
