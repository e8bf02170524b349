// The subject (user id) codec and the safe-text rule of titles, descriptions and reasons: what the
// gateway accepts, the domain and every reader accept; what could not be stored is refused by name.
import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import type * as t from 'io-ts';
import { Description, Reason, Title, UserId } from '../../../domain/index.js';

const messageOf = (codec: t.Decoder<unknown, unknown>, value: unknown): string => {
  const result = codec.decode(value);
  if (E.isRight(result)) assert.fail(`${codec.name} accepted ${JSON.stringify(value)}`);
  return result.left.map((e) => e.message ?? '').join('; ');
};

/** Characters no stored text may hold: C0 and C1 controls and DEL. */
const controls = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i)].map((c) => String.fromCharCode(c));
const lineBreaks = ['\t', '\n', '\r'];

describe('UserId: the one subject codec', () => {
  it('accepts subjects as identity providers issue them', () => {
    for (const s of ['auth0|5f7c8ec7', 'google-oauth2|109876543210', 'jane.doe+x@example.com', 'https://idp.example/u/42?t=eu#m', 'CN=Jane Doe, O="Acme, Inc."', 'José 山田 😀', 'x'.repeat(255), 'a']) {
      assert.ok(E.isRight(UserId.decode(s)), s);
    }
  });

  it('counts characters, not UTF-16 code units: 255 astral characters fit', () => {
    assert.ok(UserId.is('😀'.repeat(255)));
    assert.match(messageOf(UserId, '😀'.repeat(256)), /at most 255 characters/);
  });

  it('refuses what no identity provider issues, naming the problem', () => {
    assert.match(messageOf(UserId, ''), /blank/);
    assert.match(messageOf(UserId, ' \t'), /blank|control/);
    assert.match(messageOf(UserId, 'x'.repeat(256)), /at most 255 characters/);
    assert.match(messageOf(UserId, 'alice\u0000'), /control character U\+0000/);
    assert.match(messageOf(UserId, 'a\ud800b'), /lone surrogate/);
    assert.match(messageOf(UserId, '\udc00'), /lone surrogate/);
    assert.match(messageOf(UserId, 42), /string/);
  });

  it('property: a non-blank well-formed string of 1-255 characters without controls is a user id; with a control it is not', () => {
    const safe = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).filter((s) => s.trim() !== '' && ![...s].some((c) => controls.includes(c)));
    fc.assert(fc.property(safe, (s) => UserId.is(s)));
    fc.assert(fc.property(safe, fc.constantFrom(...controls), fc.nat(), (s, c, at) => {
      const i = at % (s.length + 1);
      return !UserId.is(s.slice(0, i) + c + s.slice(i));
    }));
  });
});

describe('safe text: Title, Description, Reason', () => {
  it('a title refuses every control character, lone surrogates and blanks', () => {
    for (const c of controls) assert.ok(!Title.is(`Lamp${c}`), JSON.stringify(c));
    assert.match(messageOf(Title, 'Lamp\u0000'), /control character U\+0000/);
    assert.match(messageOf(Title, 'Lamp\ud83d'), /lone surrogate/);
    assert.match(messageOf(Title, '  '), /blank/);
    assert.match(messageOf(Title, 'x'.repeat(201)), /at most 200 characters/);
    assert.ok(Title.is('Lamp 😀'));
  });

  it('a description or reason keeps tabs and line breaks, and refuses other controls and lone surrogates', () => {
    for (const codec of [Description, Reason]) {
      for (const c of controls) assert.equal(codec.is(`a${c}b`), lineBreaks.includes(c), `${codec.name} ${JSON.stringify(c)}`);
      assert.match(messageOf(codec, 'fine\u0000'), /control character U\+0000/);
      assert.match(messageOf(codec, '\udfff'), /lone surrogate/);
      assert.ok(codec.is(''));
      assert.ok(codec.is('Brass.\r\n\tWorks. 😀'));
    }
    assert.match(messageOf(Reason, 'x'.repeat(1001)), /at most 1000 characters/);
    assert.match(messageOf(Description, 'x'.repeat(10_001)), /at most 10000 characters/);
  });
});
