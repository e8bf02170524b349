import assert from 'node:assert/strict';
import fc from 'fast-check';
import { csvField, csvLine } from '../../../read-api/index.js';

/** One RFC 4180 field back to its text (the inverse of quoting). */
const unquote = (field: string): string => (field.startsWith('"') ? field.slice(1, -1).replace(/""/g, '"') : field);

describe('CSV exports: RFC 4180 fields, spreadsheet formulas neutralised', () => {
  it('prefixes a text cell that starts with = + - @ tab CR or NUL with a quote, and quotes it (OWASP)', () => {
    assert.equal(csvField('=1+2'), `"'=1+2"`);
    assert.equal(csvField('+1'), `"'+1"`);
    assert.equal(csvField('-2-3'), `"'-2-3"`);
    assert.equal(csvField('@SUM(A1)'), `"'@SUM(A1)"`);
    assert.equal(csvField('\t=1'), `"'\t=1"`);
    assert.equal(csvField('\r=1'), `"'\r=1"`);
    assert.equal(csvField('\0x'), `"'\0x"`);
    assert.equal(csvField('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  });

  it('writes other cells as before: plain, or quoted when they hold a comma, quote, CR or LF', () => {
    assert.equal(csvField('alice'), 'alice');
    assert.equal(csvField('a=b'), 'a=b');
    assert.equal(csvField("'quoted"), "'quoted");
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField(null), '');
    assert.equal(csvLine(['x', 1, true, null]), 'x,1,true,\r\n');
  });

  it('leaves numbers and booleans alone: they are not text cells', () => {
    assert.equal(csvField(-5), '-5');
    assert.equal(csvField(2000), '2000');
    assert.equal(csvField(false), 'false');
  });

  it('no text cell ever starts a formula, and every cell reads back as its text, with at most the added quote', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
        const field = csvField(text);
        const cell = unquote(field);
        assert.ok(!/^[=+\-@\t\r\0]/.test(cell), JSON.stringify(field));
        assert.ok(cell === text || cell === `'${text}`, JSON.stringify([text, field]));
      }),
      { numRuns: 500 },
    );
  });
});
