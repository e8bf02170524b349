// The chaos suite's exactly-once count: every acknowledged bid in the log once, with the answer's
// fields; nothing applied twice; no refused key in the log; no bid that no client sent.
import assert from 'node:assert/strict';
import { checkExactlyOnce } from '../../../scripts/chaos/checks/exactly-once.js';
import type { LoggedBid } from '../../../scripts/chaos/checks/exactly-once.js';
import type { Answer, KeyRecord } from '../../../scripts/chaos/load/records.js';

const http = (status: number, body: unknown, code?: string): Answer => ({ kind: 'http', status, code, body, replayed: false });
const ok = (bidId: string, version: number, currentPrice = 1000, leading = true): Answer => http(201, { bidId, version, currentPrice, leading });
const tooLow: Answer = http(409, { error: { code: 'BID_TOO_LOW' } }, 'BID_TOO_LOW');
const down: Answer = { kind: 'network', error: 'ECONNRESET' };

const key = (name: string, ...answers: Answer[]): KeyRecord => ({
  userId: 'u1', key: name, auctionId: 'a1', maxAmount: 1500, attempts: answers.map((answer, i) => ({ sentAt: i, at: i, answer, phase: 'load' })),
});
/** The command id is the key's name here (the suite uses commandIdFor(user, key)). */
const commandIdOf = (r: KeyRecord): string => `cmd-${r.key}`;
const logged = (keyName: string, bidId: string, version: number, currentPrice = 1000, leading = true): LoggedBid =>
  ({ commandId: `cmd-${keyName}`, bidId, auctionId: 'a1', version, currentPrice, leading });

describe('chaos: exactly once in the log', () => {
  it('finds each acknowledged bid once, also one acknowledged only by a retry', () => {
    const result = checkExactlyOnce(
      [key('k1', ok('b1', 2)), key('k2', down, down, ok('b2', 3, 1050, false)), key('k3', tooLow)],
      [logged('k1', 'b1', 2), logged('k2', 'b2', 3, 1050, false)],
      commandIdOf,
    );
    assert.deepEqual(result, { acknowledged: 2, found: 2, lost: 0, duplicates: 0, mismatched: 0, wronglyAccepted: 0, strangers: 0, unresolvedInLog: 0, problems: [] });
  });

  it('counts an acknowledged bid missing from the log as lost', () => {
    const result = checkExactlyOnce([key('k1', ok('b1', 2)), key('k2', ok('b2', 3))], [logged('k1', 'b1', 2)], commandIdOf);
    assert.equal(result.lost, 1);
    assert.equal(result.found, 1);
    assert.match(result.problems[0]!, /key k2 .* acknowledged \(201, bidId b2\) but its bid is not in the log/);
  });

  it('counts a command applied twice, and one bid id under two commands, as duplicates', () => {
    const twice = checkExactlyOnce([key('k1', ok('b1', 2))], [logged('k1', 'b1', 2), logged('k1', 'b1', 3)], commandIdOf);
    assert.equal(twice.duplicates, 1);
    assert.equal(twice.found, 0);
    assert.match(twice.problems[0]!, /command cmd-k1 applied 2 times: auction a1 version 2, auction a1 version 3/);
    const sameBid = checkExactlyOnce([key('k1', ok('b1', 2)), key('k2', ok('b1', 3))], [logged('k1', 'b1', 2), logged('k2', 'b1', 3)], commandIdOf);
    assert.equal(sameBid.duplicates, 1);
  });

  it('counts an answer that differs from the bid the log holds (a retry not given the first answer)', () => {
    const result = checkExactlyOnce([key('k1', down, ok('b1', 4, 1100))], [logged('k1', 'b1', 2, 1000)], commandIdOf);
    assert.equal(result.mismatched, 1);
    assert.match(result.problems[0]!, /answered version 4, currentPrice 1100; the log holds version 2, currentPrice 1000/);
  });

  it('counts a refused key whose bid the log holds as wrongly accepted, and a bid no key sent as a stranger', () => {
    const result = checkExactlyOnce([key('k1', tooLow)], [logged('k1', 'b1', 2), logged('zz', 'b9', 3)], commandIdOf);
    assert.equal(result.wronglyAccepted, 1);
    assert.equal(result.strangers, 1);
    assert.equal(result.problems.length, 2);
  });

  it('allows an unanswered key whose bid is in the log (the client never learned), and reports it', () => {
    const result = checkExactlyOnce([key('k1', down, down)], [logged('k1', 'b1', 2)], commandIdOf);
    assert.equal(result.unresolvedInLog, 1);
    assert.equal(result.acknowledged, 0);
    assert.deepEqual(result.problems, []);
  });
});
