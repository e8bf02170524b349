// GET /v1/sales/:id's answer (docs/http-api.md).
import type { AuctionView } from './responses.js';

export interface SaleLotView {
  readonly lotNumber: number;
  readonly auctionId: string;
  readonly title: string;
  /** The lot's public view (as GET /v1/auctions/:id), or null until the read model has it. */
  readonly auction: AuctionView | null;
}

export interface SaleView {
  readonly saleId: string;
  readonly sellerId: string;
  readonly title: string;
  readonly description: string;
  readonly currency: string;
  readonly firstEndsAt: string;
  readonly staggerMs: number;
  readonly holdBack: boolean;
  readonly softClose: { readonly windowSeconds: number; readonly extensionSeconds: number } | null;
  readonly createdAt: string;
  readonly lots: readonly SaleLotView[];
}
