// The chaos suite's answer checks: which answers end a key's retries, and every final answer after
// the first must equal it (status; a bid's bidId, version, leading, currentPrice; a refusal's code).
import assert from 'node:assert/strict';
import { answerDifference, answersEqual, checkAnswers, firstFinal, isFinal } from '../../../scripts/chaos/checks/answers.js';
import type { HttpAnswer } from '../../../scripts/chaos/checks/answers.js';
import type { Answer, Attempt, KeyRecord } from '../../../scripts/chaos/load/records.js';

const http = (status: number, body: unknown = {}, code?: string): HttpAnswer => ({ kind: 'http', status, code, body, replayed: false });
const accepted = (bidId: string, version: number, currentPrice = 1000, leading = true): HttpAnswer =>
  http(201, { bidId, version, currentPrice, leading, bidderPseudonym: 'bidder-0123456789', endsAt: '2030-01-01T00:00:00.000Z' });
const refused = (code: string, status = 409): HttpAnswer => http(status, { error: { code, message: 'no' } }, code);
const network: Answer = { kind: 'network', error: 'ECONNREFUSED' };

let clock = 0;
const attempt = (answer: Answer, phase: Attempt['phase'] = 'load'): Attempt => ({ sentAt: clock++, at: clock++, answer, phase });
const key = (name: string, ...answers: Answer[]): KeyRecord => ({ userId: 'u1', key: name, auctionId: 'a1', maxAmount: 1500, attempts: answers.map((a) => attempt(a)) });

describe('chaos: answers', () => {
  it('ends the retries on a 201 or a rule refusal, not on a failure, a 5xx, 408, 429 or a key in progress', () => {
    assert.equal(isFinal(accepted('b1', 2)), true);
    assert.equal(isFinal(refused('BID_TOO_LOW')), true);
    assert.equal(isFinal(refused('AUCTION_NOT_FOUND', 404)), true);
    assert.equal(isFinal(network), false);
    assert.equal(isFinal(refused('UNAVAILABLE', 503)), false);
    assert.equal(isFinal(refused('INTERNAL', 500)), false);
    assert.equal(isFinal(refused('RATE_LIMITED', 429)), false);
    assert.equal(isFinal(refused('REQUEST_TIMEOUT', 408)), false);
    assert.equal(isFinal(refused('IDEMPOTENCY_KEY_IN_PROGRESS')), false);
  });

  it('finds the first final answer after failures', () => {
    const record = key('k', network, refused('UNAVAILABLE', 503), accepted('b1', 3), accepted('b1', 3));
    assert.deepEqual(firstFinal(record)?.answer, accepted('b1', 3));
    assert.equal(firstFinal(key('k2', network, refused('UNAVAILABLE', 503))), undefined);
  });

  it('compares a bid by status, bidId, version, leading and currentPrice; a refusal by its code', () => {
    assert.equal(answersEqual(accepted('b1', 3), accepted('b1', 3)), true);
    assert.equal(answersEqual(accepted('b1', 3), { ...accepted('b1', 3), replayed: true }), true, 'the replay header does not matter');
    assert.equal(answerDifference(accepted('b1', 3), accepted('b2', 3)), 'bidId "b1" then "b2"');
    assert.equal(answerDifference(accepted('b1', 3), accepted('b1', 4)), 'version 3 then 4');
    assert.equal(answerDifference(accepted('b1', 3, 1000), accepted('b1', 3, 1050)), 'currentPrice 1000 then 1050');
    assert.equal(answerDifference(accepted('b1', 3, 1000, true), accepted('b1', 3, 1000, false)), 'leading true then false');
    assert.equal(answerDifference(accepted('b1', 3), refused('BID_TOO_LOW')), 'status 201 then 409 BID_TOO_LOW');
    assert.equal(answersEqual(refused('BID_TOO_LOW'), refused('BID_TOO_LOW')), true);
    assert.equal(answerDifference(refused('BID_TOO_LOW'), refused('AUCTION_NOT_OPEN')), 'code BID_TOO_LOW then AUCTION_NOT_OPEN');
  });

  it('counts keys answered differently after their first final answer, ignoring the failures between', () => {
    const check = checkAnswers([
      key('same', network, accepted('b1', 2), refused('UNAVAILABLE', 503), accepted('b1', 2)),
      key('other', accepted('b2', 3), accepted('b2', 5)),
      key('refusedThenAccepted', refused('BID_TOO_LOW'), accepted('b3', 4)),
      key('once', accepted('b4', 6)),
      key('never', network, refused('UNAVAILABLE', 503)),
    ]);
    assert.equal(check.answered, 4);
    assert.equal(check.unresolved, 1);
    assert.equal(check.replayedKeys, 3);
    assert.equal(check.answeredDifferently, 2);
    assert.deepEqual(check.problems, [
      'key other (user u1, auction a1) answered differently: version 3 then 5',
      'key refusedThenAccepted (user u1, auction a1) answered differently: status 409 then 201',
    ]);
  });
});
