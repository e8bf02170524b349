// The account routes (README, "Accounts"): registration, sign-in, refresh, sign-out, the caller's
// profile and block list, and the admins' suspension of a user.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Request, Response } from 'express';
import * as t from 'io-ts';
import type { AccountState } from '../../domain/index.js';
import { RequestId, decodeRequest, invalidRequest, requireRole, requireUser } from '../../infra/index.js';
import type { AccountRepository } from '../handler/index.js';
import type { AccountService } from './account-service.js';
import { AdminActionBody, ProfileBody, RefreshBody, RegisterBody, SignInBody, SignOutBody, UserParams } from './bodies.js';

export interface AccountRoutesDeps {
  readonly service: AccountService;
  readonly accounts: AccountRepository;
  /** The client address the lockout counts (Express's req.ip under its 'trust proxy'). */
  readonly clientIp?: (req: Request) => string;
}

const CorrelationHeaders = t.partial({ 'X-Request-Id': RequestId });
const correlationOf = (req: Request): string => decodeRequest(req, { headers: CorrelationHeaders }).headers['X-Request-Id'] ?? randomUUID();

const noStore = (res: Response): void => {
  res.setHeader('Cache-Control', 'no-store');
};

const statusOf = (state: AccountState): 'active' | 'suspended' => (state.suspended ? 'suspended' : 'active');

export const accountRoutes = (deps: AccountRoutesDeps): Router => {
  const { service, accounts } = deps;
  const clientIp = deps.clientIp ?? ((req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown');
  const router = Router();
  const actor = (req: Request, res: Response) => ({ userId: requireUser(res).userId, correlationId: correlationOf(req) });

  router.post('/v1/accounts', async (req, res) => {
    const { body } = decodeRequest(req, { body: RegisterBody });
    const tokens = await service.register(body, correlationOf(req));
    noStore(res);
    res.status(201).location('/v1/me').json(tokens);
  });

  router.post('/v1/auth/sign-in', async (req, res) => {
    const { body } = decodeRequest(req, { body: SignInBody });
    const tokens = await service.signIn(body, clientIp(req));
    noStore(res);
    res.status(200).json(tokens);
  });

  router.post('/v1/auth/refresh', async (req, res) => {
    const { body } = decodeRequest(req, { body: RefreshBody });
    const tokens = await service.refresh(body.refreshToken);
    noStore(res);
    res.status(200).json(tokens);
  });

  router.post('/v1/auth/sign-out', async (req, res) => {
    const { body } = decodeRequest(req, { body: SignOutBody });
    await service.signOut(body.refreshToken);
    res.status(204).end();
  });

  const me = async (userId: string, roles: readonly string[]) => {
    const [account, email] = await Promise.all([accounts.load(userId), service.emailOf(userId)]);
    const profile = account.state.profile;
    return {
      userId,
      registered: profile !== null,
      email,
      displayName: profile?.displayName ?? null,
      country: profile?.country ?? null,
      roles,
      status: statusOf(account.state),
      version: account.version,
    };
  };

  router.get('/v1/me', async (_req, res) => {
    const user = requireUser(res);
    noStore(res);
    res.json(await me(user.userId, user.roles));
  });

  router.patch('/v1/me', async (req, res) => {
    const user = requireUser(res);
    const { body } = decodeRequest(req, { body: ProfileBody });
    if (body.displayName === undefined && body.country === undefined) throw invalidRequest('invalid request: name displayName, country or both', [{ path: 'body', message: 'must name displayName, country or both' }]);
    await service.execute({ type: 'ChangeProfile', userId: user.userId, ...body }, actor(req, res));
    noStore(res);
    res.json(await me(user.userId, user.roles));
  });

  router.get('/v1/me/blocked-bidders', requireRole('seller'), async (_req, res) => {
    const account = await accounts.load(requireUser(res).userId);
    noStore(res);
    res.json({ sellerId: account.state.userId, bidders: [...account.state.blockedBidders], version: account.version });
  });

  router.put('/v1/me/blocked-bidders/:userId', requireRole('seller'), async (req, res) => {
    const { params } = decodeRequest(req, { params: UserParams });
    const changed = await service.execute({ type: 'BlockBidder', sellerId: requireUser(res).userId, bidderId: params.userId }, actor(req, res));
    res.json({ sellerId: changed.state.userId, bidderId: params.userId, blocked: true, version: changed.version });
  });

  router.delete('/v1/me/blocked-bidders/:userId', requireRole('seller'), async (req, res) => {
    const { params } = decodeRequest(req, { params: UserParams });
    const changed = await service.execute({ type: 'UnblockBidder', sellerId: requireUser(res).userId, bidderId: params.userId }, actor(req, res));
    res.json({ sellerId: changed.state.userId, bidderId: params.userId, blocked: false, version: changed.version });
  });

  router.post('/v1/admin/users/:userId/suspend', requireRole('admin'), async (req, res) => {
    const { params, body } = decodeRequest(req, { params: UserParams, body: AdminActionBody });
    const changed = await service.suspend(params.userId, body.reason, actor(req, res));
    res.json({ userId: params.userId, status: statusOf(changed.state), version: changed.version });
  });

  router.post('/v1/admin/users/:userId/reinstate', requireRole('admin'), async (req, res) => {
    const { params, body } = decodeRequest(req, { params: UserParams, body: AdminActionBody });
    const changed = await service.execute({ type: 'ReinstateAccount', userId: params.userId, by: requireUser(res).userId, reason: body.reason }, actor(req, res));
    res.json({ userId: params.userId, status: statusOf(changed.state), version: changed.version });
  });

  return router;
};
