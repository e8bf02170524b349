// The sale aggregate's state, folded from its stream by `evolveSale`.
import type { SaleCreated, SaleEvent } from './sale-events.js';

export type SaleState = { readonly kind: 'none' } | { readonly kind: 'sale'; readonly sale: SaleCreated['data'] };

export const initialSale: SaleState = { kind: 'none' };

export const evolveSale = (_state: SaleState, event: SaleEvent): SaleState => {
  switch (event.type) {
    case 'SaleCreated':
      return { kind: 'sale', sale: event.data };
  }
};

export const foldSale = (events: readonly SaleEvent[]): SaleState => events.reduce(evolveSale, initialSale);
