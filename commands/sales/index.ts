// commands/sales/: creating timed sales (POST /v1/sales).
export { SaleService, lotCommandId, type CreatedSale, type SaleServiceDeps } from './sale-service.js';
export { saleRoutes, lotAuctionId, type SaleRoutesDeps } from './sale-routes.js';
export { CreateSaleBody } from './sale-bodies.js';
