// The read API's router: public reads, a signed-in user's own lists, auditors' reads over the read models, analysts'
// market figures over the analytics tables (analytics/), plus chain
// verification over the event log it is handed. Mount it behind `authenticate({required: false})`
// (public reads use the token when present) and before `notFoundHandler`/`errorHandler`.
// Routes carry their own role checks, so the router adds no middleware to other routers' paths.
import { Router } from 'express';
import { mountAnalyticsRoutes } from './analytics/index.js';
import { mountAuditRoutes } from './audit-routes.js';
import { mountAuditEventRoutes } from './audit-event-routes.js';
import { mountBidderRoutes } from './bidder-routes.js';
import { mountCheckpointRoutes } from './checkpoint-routes.js';
import type { ReadRoutesDeps } from './context.js';
import { readContext } from './context.js';
import { mountMeRoutes } from './me-routes.js';
import { mountPublicRoutes } from './public-routes.js';
import { mountSaleRoutes } from './sale-routes.js';

export const readRoutes = (deps: ReadRoutesDeps): Router => {
  const ctx = readContext(deps);
  const router = Router();
  mountPublicRoutes(router, ctx);
  mountSaleRoutes(router, ctx);
  mountMeRoutes(router, ctx);
  mountAuditRoutes(router, ctx);
  mountAuditEventRoutes(router, ctx);
  mountBidderRoutes(router, ctx);
  mountCheckpointRoutes(router, ctx);
  mountAnalyticsRoutes(router, ctx);
  return router;
};
