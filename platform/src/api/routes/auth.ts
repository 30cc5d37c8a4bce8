import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { hashPassword, verifyPassword } from '../passwords.js';
import { createSession, endSession, SESSION_HOURS } from '../sessions.js';

export const SESSION_COOKIE = 'jt808_session';

/** Spent on unknown usernames too, so a guess takes as long whether or not the user exists. */
const DUMMY_HASH = hashPassword('not a password of anyone');

export const authRoutes: FastifyPluginAsync<{ pool: pg.Pool; secureCookies: boolean }> = async (
  app,
  { pool, secureCookies },
) => {
  app.post<{ Body: { username: string; password: string } }>(
    '/api/login',
    {
      // Five tries a minute per address: a password guesser gets nowhere.
      config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: {
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 64 },
            password: { type: 'string', minLength: 1, maxLength: 256 },
          },
        },
      },
    },
    async (request, reply) => {
      const { rows } = await pool.query<{ id: number; password_hash: string }>(
        'SELECT id, password_hash FROM users WHERE username = $1',
        [request.body.username],
      );
      const user = rows[0];
      const ok = await verifyPassword(request.body.password, user?.password_hash ?? (await DUMMY_HASH));
      if (!user || !ok) return reply.code(401).send({ error: 'wrong username or password' });
      const token = await createSession(pool, user.id);
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        secure: secureCookies,
        sameSite: 'strict',
        path: '/',
        maxAge: SESSION_HOURS * 3600,
      });
      return { ok: true };
    },
  );

  app.post('/api/logout', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await endSession(pool, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/me', async (request) => request.user);
};
