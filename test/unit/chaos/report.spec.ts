// The chaos suite's dump comparison (which rows only one side has) and its table.
import assert from 'node:assert/strict';
import { dumpDifferences } from '../../../scripts/chaos/checks/read-models.js';
import { formatTable } from '../../../scripts/chaos/report.js';
import type { FaultReport } from '../../../scripts/chaos/report.js';

const dump = (auctionView: string[], bidHistory: string[] = []) => ({ auctionView, bidHistory, bidderActivity: [], parkedStreams: [] });

describe('chaos: read models against a rebuild, and the report', () => {
  it('finds no difference between equal dumps, and names the rows only one side has', () => {
    assert.deepEqual(dumpDifferences(dump(['(a,1)'], ['(a,1,x)']), dump(['(a,1)'], ['(a,1,x)'])), []);
    assert.deepEqual(dumpDifferences(dump(['(a,1)', '(b,2)']), dump(['(a,1)', '(b,3)'])), [
      'auctionView: 2 rows projected, 2 rebuilt; only projected: (b,2); only rebuilt: (b,3)',
    ]);
    assert.deepEqual(dumpDifferences(dump(['(a,1)', '(a,1)']), dump(['(a,1)'])), ['auctionView: 2 rows projected, 1 rebuilt; only projected: -; only rebuilt: -']);
  });

  it('prints one row per fault with the counts and recovery times', () => {
    const report: FaultReport = {
      fault: 'redis-restart', title: 'Redis stopped', keys: 10, acknowledged: 8, foundInLog: 8, lost: 0, duplicates: 0, answeredDifferently: 0,
      wronglyAccepted: 0, unresolved: 0, replayed: 3, framesReceived: 40, framesMissed: 0, framesDoubled: 0, resyncs: 0, reconnections: 0,
      statuses: { '201': 8 }, faultMs: 10_000, firstCommandMs: 1_234, convergedMs: undefined, readModelRows: 20, readModelsEqual: true, violations: [],
    };
    const lines = formatTable([report]).split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^\| fault +\| acked \| in log \| lost \| dup \| differ \| wrong \| frames \| missed \| doubled \| first 201 \| converged \| rebuild \| result \|$/);
    assert.match(lines[2]!, /^\| redis-restart \| 8 +\| 8 +\| 0 +\| 0 +\| 0 +\| 0 +\| 40 +\| 0 +\| 0 +\| 1\.2 s +\| never +\| equal +\| ok +\|$/);
  });
});
