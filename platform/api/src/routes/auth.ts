import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuthOk, ErrorAnswer, LoginBody, ref, User } from '@jt808/api-contract';
import { SIGNED_IN } from '../guard.js';
import type { SocketSessions } from '../live/socket-sessions.js';
import { loginThrottle } from '../login-throttle.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import {
  createSession,
  endSession,
  hashToken,
  purgeSessions,
  SESSION_COOKIE,
  type SessionPolicy,
} from '../sessions.js';
import { accountOf } from '../stores/sign-in-store.js';

/** Spent on unknown usernames too, so a guess takes as long whether or not the user exists. */
const DUMMY_HASH = hashPassword('not a password of anyone');

export interface SignInOptions {
  secureCookies: boolean;
  sessions: SessionPolicy;
  sockets: SocketSessions;
}

/** Sign-in and sign-out: public routes (the public plugin). */
export const signInRoutes: FastifyPluginAsyncTypebox<SignInOptions> = async (
  app,
  { secureCookies, sessions, sockets },
) => {
  const { pool } = app;
  const throttle = loginThrottle(app);

  app.post(
    '/api/login',
    {
      // 401 wrong username or password, 403 an inactive installer's account, 429 too many wrong passwords.
      schema: { body: LoginBody, response: { 200: AuthOk, '4xx': ref(ErrorAnswer) } },
    },
    async (request, reply) => {
      const wait = await throttle.wait(request);
      if (wait > 0) {
        return reply
          .code(429)
          .header('retry-after', wait)
          .send({ error: `too many wrong passwords: try again in ${wait} s` });
      }
      // An installer's account signs in while the installer is active in the register (0025).
      const user = await accountOf(pool, request.body.username);
      const ok = await verifyPassword(request.body.password, user?.password_hash ?? (await DUMMY_HASH));
      if (!user || !ok) {
        await throttle.failed(request);
        return reply.code(401).send({ error: 'wrong username or password' });
      }
      // Said only to whoever knows the password: the account exists, and why it does not sign in.
      if (user.inactive) {
        return reply
          .code(403)
          .send({ error: 'this installer is inactive in the register: the account is closed' });
      }
      // Sign-ins are rare and the table small: the sessions that can no longer sign anyone in go here.
      await purgeSessions(pool, sessions);
      const token = await createSession(pool, user.id, sessions);
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        secure: secureCookies,
        sameSite: 'strict',
        path: '/',
        maxAge: sessions.absoluteHours * 3600,
      });
      return { ok: true } as const;
    },
  );

  // Public, so that a session that already ended still clears its cookie.
  app.post('/api/logout', { schema: { response: { 200: AuthOk } } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      await endSession(pool, token);
      sockets.endSession(hashToken(token));
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true } as const;
  });
};

/** The signed-in user (the signed-in plugin). */
export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/me',
    { config: { roles: SIGNED_IN }, schema: { response: { 200: User } } },
    async (request) => request.user,
  );
};
