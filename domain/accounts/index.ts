// domain/accounts/: users' accounts as event streams (`account-<userId>`) and the account rules
// of auction commands. Pure, like the rest of domain/.
export * from './account-events.js';
export * from './account-state.js';
export * from './decide-account.js';
export * from './account-gate.js';
