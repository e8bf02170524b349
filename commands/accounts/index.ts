// commands/accounts/: users' accounts on the write side: the credentials and refresh-token tables,
// password hashing, the sign-in lockout, the account service and its HTTP routes.
export { accountMigrations } from './schema.js';
export { AccountService, REGISTERED_ROLES, type AccountServiceDeps, type ActorContext, type Changed, type Tokens } from './account-service.js';
export { accountRoutes, type AccountRoutesDeps } from './account-routes.js';
export { RefreshTokens, hashRefreshToken, type Rotation } from './refresh-tokens.js';
export { SignInLockout, type LockoutOptions } from './sign-in-lockout.js';
export { hashPassword, verifyPassword, PASSWORD_MIN_CHARACTERS, PASSWORD_MAX_CHARACTERS } from './password.js';
export * from './bodies.js';
