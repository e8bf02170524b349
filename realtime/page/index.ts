// The live bidding page: its HTTP routes and the contract of its configuration.
export { pageRoutes, pagePublicDir, PAGE_CSP } from './page-routes.js';
export type { PageRoutesOptions } from './page-routes.js';
export * from './page-contract.js';
