import assert from 'node:assert/strict';
import express from 'express';
import * as t from 'io-ts';
import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { ApiError, errorHandler } from '../../../infra/http/errors.js';
import {
  decodeOr400,
  decodeRequest,
  fieldErrors,
  IdempotencyKey,
  integerFromString,
  IsoUtcTimestamp,
  nonBlankString,
  Uuid,
} from '../../../infra/http/validate.js';
import { MinorUnits as Amount, MAX_AMOUNT } from '../../../domain/index.js';
import { call, errorOf, serve } from './harness.js';
import type { Served } from './harness.js';

const fieldsOf = (thunk: () => unknown): { path: string; message: string }[] => {
  try {
    thunk();
  } catch (err) {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'INVALID_REQUEST');
    return (err.details as { fields: { path: string; message: string }[] }).fields;
  }
  assert.fail('expected a 400');
};

describe('http validation', () => {
  describe('codecs', () => {
    it('amounts (the domain\'s MinorUnits): positive safe integers up to 10^13, JSON numbers only', () => {
      for (const ok of [1, 100, 99_999, MAX_AMOUNT]) assert.ok(isRight(Amount.decode(ok)), String(ok));
      for (const bad of [0, -1, 1.5, MAX_AMOUNT + 1, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, '100', null, undefined, [5]]) {
        assert.ok(isLeft(Amount.decode(bad)), String(bad));
      }
    });

    it('nonBlankString: not blank, bounded', () => {
      const Title = nonBlankString(5);
      assert.ok(isRight(Title.decode('lamp')));
      assert.ok(isRight(Title.decode(' a ')));
      for (const bad of ['', '   ', '\t\n', 'toolong', 7, null]) assert.ok(isLeft(Title.decode(bad)), JSON.stringify(bad));
    });

    it('IsoUtcTimestamp: UTC with Z, real calendar instants', () => {
      for (const ok of ['2025-01-31T12:00:00Z', '2024-02-29T23:59:59.123Z', '2030-12-31T00:00:00.000000001Z']) {
        assert.ok(isRight(IsoUtcTimestamp.decode(ok)), ok);
      }
      for (const bad of ['2025-02-30T12:00:00Z', '2023-02-29T00:00:00Z', '2025-01-31T24:00:00Z', '2025-01-31T12:00:00', '2025-01-31T12:00:00+02:00', '2025-01-31', '1969-12-31T23:59:59Z', 1738324800000, '']) {
        assert.ok(isLeft(IsoUtcTimestamp.decode(bad)), String(bad));
      }
    });

    it('Uuid: any version, decoded to lower case', () => {
      const decoded = Uuid.decode('3F2504E0-4F89-41D3-9A0C-0305E82C3301');
      assert.ok(isRight(decoded));
      assert.equal(decoded.right, '3f2504e0-4f89-41d3-9a0c-0305e82c3301');
      for (const bad of ['3f2504e0-4f89-41d3-9a0c-0305e82c330', 'not-a-uuid', '3f2504e04f8941d39a0c0305e82c3301', 5]) assert.ok(isLeft(Uuid.decode(bad)));
    });

    it('IdempotencyKey: 1..255 visible ASCII, structured-field quotes removed', () => {
      assert.ok(isRight(IdempotencyKey.decode('a')));
      assert.ok(isRight(IdempotencyKey.decode('k'.repeat(255))));
      const quoted = IdempotencyKey.decode('"8e03978e-40d5-43e8-bc93-6894a57f9324"');
      assert.ok(isRight(quoted));
      assert.equal(quoted.right, '8e03978e-40d5-43e8-bc93-6894a57f9324');
      for (const bad of ['', 'k'.repeat(256), 'has space', 'tab\t', 'ünïcode', '""', undefined, ['a', 'b']]) {
        assert.ok(isLeft(IdempotencyKey.decode(bad)), JSON.stringify(bad));
      }
    });

    it('integerFromString: decimal digits within bounds', () => {
      const Limit = integerFromString(1, 100);
      assert.deepEqual(Limit.decode('20'), { _tag: 'Right', right: 20 });
      for (const bad of ['0', '101', '1.5', '1e2', '', ' 5', 'abc', 5]) assert.ok(isLeft(Limit.decode(bad)), JSON.stringify(bad));
    });
  });

  describe('decodeOr400 and fieldErrors', () => {
    const CreateBody = t.intersection([
      t.type({
        title: nonBlankString(200),
        currency: t.keyof({ USD: null, EUR: null }),
        startingPrice: Amount,
        endsAt: IsoUtcTimestamp,
      }),
      t.partial({
        reservePrice: Amount,
        softClose: t.type({ windowSeconds: integerFromString(1, 3600), extensionSeconds: t.number }),
        tags: t.array(nonBlankString(10)),
        mode: t.union([t.literal('english'), t.literal('sealed')]),
      }),
    ]);

    it('names every failing field with its path, once', () => {
      const fields = fieldsOf(() =>
        decodeOr400(
          CreateBody,
          { title: '  ', currency: 'XXX', startingPrice: 10.5, reservePrice: -1, softClose: { windowSeconds: 'x' }, tags: ['ok', ''], mode: 'dutch' },
          'body',
        ),
      );
      const byPath = Object.fromEntries(fields.map((f) => [f.path, f.message]));
      assert.deepEqual(Object.keys(byPath).sort(), [
        'body.currency',
        'body.endsAt',
        'body.mode',
        'body.reservePrice',
        'body.softClose.extensionSeconds',
        'body.softClose.windowSeconds',
        'body.startingPrice',
        'body.tags[1]',
        'body.title',
      ]);
      assert.equal(byPath['body.title'], 'must not be blank');
      assert.equal(byPath['body.endsAt'], 'is required');
      assert.match(byPath['body.startingPrice'] ?? '', /positive whole number of minor units.*got 10\.5/);
      assert.match(byPath['body.currency'] ?? '', /expected "USD" \| "EUR", got "XXX"/);
      assert.match(byPath['body.mode'] ?? '', /"english" \| "sealed"/);
    });

    it('reports a body that is not an object at the root', () => {
      for (const value of [undefined, null, 'text', [1], 5]) {
        const fields = fieldsOf(() => decodeOr400(CreateBody, value, 'body'));
        assert.equal(fields.length, 1, JSON.stringify(value));
        assert.equal(fields[0]?.path, 'body');
      }
      assert.deepEqual(fieldErrors([], 'body'), []);
    });

    it('returns the decoded value when valid', () => {
      const body = decodeOr400(CreateBody, { title: 'Lamp', currency: 'EUR', startingPrice: 500, endsAt: '2030-01-01T00:00:00Z', extra: 1 }, 'body');
      assert.equal(body.startingPrice, 500);
    });

    it('property: any JSON input is either accepted or refused with 400, never another error', () => {
      fc.assert(
        fc.property(fc.jsonValue(), fc.record({ maxAmount: fc.jsonValue() }, { requiredKeys: [] }), (anything, shaped) => {
          for (const value of [anything, shaped]) {
            try {
              const out = decodeOr400(t.type({ maxAmount: Amount }), value, 'body');
              assert.ok(Number.isSafeInteger(out.maxAmount) && out.maxAmount > 0 && out.maxAmount <= MAX_AMOUNT);
            } catch (err) {
              assert.ok(err instanceof ApiError && err.status === 400, String(err));
            }
          }
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('decodeRequest over HTTP', () => {
    let served: Served;
    let effects = 0;

    before(async () => {
      const app = express();
      app.use(express.json());
      app.post('/v1/auctions/:id/bids', (req, res) => {
        const { body, params, query, headers } = decodeRequest(req, {
          body: t.type({ maxAmount: Amount }),
          params: t.type({ id: Uuid }),
          query: t.partial({ minVersion: integerFromString(0, Number.MAX_SAFE_INTEGER) }),
          headers: t.type({ 'Idempotency-Key': IdempotencyKey }),
        });
        effects++;
        res.status(201).json({ maxAmount: body.maxAmount, id: params.id, minVersion: query.minVersion ?? null, key: headers['Idempotency-Key'] });
      });
      app.use(errorHandler());
      served = await serve(app);
    });
    after(() => served.close());

    const id = '3F2504E0-4F89-41D3-9A0C-0305E82C3301';

    it('passes decoded values to the handler', async () => {
      const a = await call(served.url, `/v1/auctions/${id}/bids?minVersion=3`, { json: { maxAmount: 1500 }, headers: { 'Idempotency-Key': 'k1' } });
      assert.equal(a.status, 201);
      assert.deepEqual(a.body, { maxAmount: 1500, id: id.toLowerCase(), minVersion: 3, key: 'k1' });
    });

    it('answers 400 naming the failing fields of every part, with no effect', async () => {
      const before = effects;
      const a = await call(served.url, '/v1/auctions/nope/bids?minVersion=-1', { json: { maxAmount: '15.00' } });
      assert.equal(a.status, 400);
      const error = errorOf(a);
      assert.equal(error.code, 'INVALID_REQUEST');
      const paths = (error.details as { fields: { path: string }[] }).fields.map((f) => f.path).sort();
      assert.deepEqual(paths, ['body.maxAmount', 'headers.Idempotency-Key', 'params.id', 'query.minVersion']);
      assert.equal(effects, before);
    });

    it('answers a body sent without a JSON content type with 400 naming the body', async () => {
      const a = await call(served.url, `/v1/auctions/${id}/bids`, { raw: 'maxAmount=5', headers: { 'content-type': 'text/plain', 'Idempotency-Key': 'k2' } });
      assert.equal(a.status, 400);
      assert.deepEqual((errorOf(a).details as { fields: { path: string }[] }).fields.map((f) => f.path), ['body']);
    });

    it('answers malformed JSON with 400 and no effect', async () => {
      const before = effects;
      const a = await call(served.url, `/v1/auctions/${id}/bids`, { raw: '{maxAmount: 5}', headers: { 'Idempotency-Key': 'k3' } });
      assert.equal(a.status, 400);
      assert.equal(errorOf(a).code, 'INVALID_REQUEST');
      assert.equal(effects, before);
    });
  });
});
