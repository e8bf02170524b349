import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import type { Upcaster } from '../../../domain/index.js';
import { decodeStoredEvent, currentSchemaVersion, AuctionEvent } from '../../../domain/index.js';
import { created } from '../../support/decider.js';

describe('reading stored events: upcasting old shapes', () => {
  it('reads an AuctionCreated of schema version 1 (before soft close existed) as having none', () => {
    const today = created({ softClose: { windowSeconds: 60, extensionSeconds: 60 } });
    if (today.type !== 'AuctionCreated') throw new Error('fixture');
    const { softClose: _dropped, ...v1 } = today.data;
    const decoded = decodeStoredEvent({ type: 'AuctionCreated', data: v1, metadata: { schemaVersion: 1 } });
    assert.deepEqual(decoded, E.right({ type: 'AuctionCreated', data: { ...v1, softClose: null } }));
  });

  it('reads an AuctionCreated of schema version 2 (before approved bidders existed) as taking every bidder', () => {
    const today = created({ approvedBiddersOnly: true });
    if (today.type !== 'AuctionCreated') throw new Error('fixture');
    const { approvedBiddersOnly: _dropped, ...v2 } = today.data;
    const decoded = decodeStoredEvent({ type: 'AuctionCreated', data: v2, metadata: { schemaVersion: 2 } });
    assert.deepEqual(decoded, E.right({ type: 'AuctionCreated', data: { ...v2, approvedBiddersOnly: false } }));
  });

  it('reads today\'s shape unchanged', () => {
    const today = created();
    const decoded = decodeStoredEvent({ type: today.type, data: AuctionEvent.encode(today).data, metadata: { schemaVersion: currentSchemaVersion.AuctionCreated } });
    assert.deepEqual(decoded, E.right(today));
  });

  it('runs registered upcasters in order, version by version', () => {
    const registry: Upcaster[] = [
      { type: 'AuctionCancelled', from: -1, up: (d) => ({ ...d, reason: 'legacy' }) },
      { type: 'AuctionCancelled', from: 0, up: (d) => ({ ...d, byAdmin: false }) },
    ];
    const decoded = decodeStoredEvent(
      { type: 'AuctionCancelled', data: { auctionId: 'a1', cancelledBy: 'seller', cancelledAt: '2026-03-01T10:00:00.000Z' }, metadata: { schemaVersion: -1 } },
      registry,
    );
    assert.ok(E.isRight(decoded), E.isLeft(decoded) ? decoded.left : '');
    assert.deepEqual(decoded.right.data, { auctionId: 'a1', cancelledBy: 'seller', cancelledAt: '2026-03-01T10:00:00.000Z', reason: 'legacy', byAdmin: false });
  });

  it('says why an event cannot be read, naming the field', () => {
    const decoded = decodeStoredEvent({ type: 'BidPlaced', data: { auctionId: 'a1', maxAmount: 1.5 }, metadata: { schemaVersion: 1 } });
    assert.ok(E.isLeft(decoded));
    assert.match(decoded.left, /maxAmount/);
  });

  it('refuses an unknown old version instead of guessing', () => {
    const decoded = decodeStoredEvent({ type: 'AuctionClosed', data: {}, metadata: { schemaVersion: 0 } });
    assert.ok(E.isLeft(decoded));
    assert.match(decoded.left, /no upcaster/);
  });
});
