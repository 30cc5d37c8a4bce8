import { buildApi, type NewUser, saveUser } from '@jt808/api';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON of many shapes, read by the tests as they expect it (like inject's json()).
  body: any;
}

/** The API on a real port, and signed-in users talking to it over HTTP. */
export interface ApiServer {
  /** http://127.0.0.1:<port>, for requests the helpers do not make (downloads). */
  base: string;
  /** Signs `username` in; later calls name the user. */
  login(username: string, password: string): Promise<void>;
  get(username: string, path: string): Promise<Answer>;
  post(username: string, path: string, body: object): Promise<Answer>;
  put(username: string, path: string, body: object): Promise<Answer>;
  /** A body that is no JSON (a CSV file), as `contentType`. */
  postRaw(username: string, path: string, body: string | Buffer, contentType: string): Promise<Answer>;
  close(): Promise<void>;
}

export async function startApiServer(pool: pg.Pool): Promise<ApiServer> {
  const api: FastifyInstance = await buildApi({ pool, secureCookies: false });
  await api.listen({ port: 0, host: '127.0.0.1' });
  const address = api.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const cookies = new Map<string, string>();
  const call = async (
    username: string | undefined,
    method: string,
    path: string,
    body?: object,
    raw?: { body: string | Buffer; contentType: string },
  ) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(raw ? { 'content-type': raw.contentType } : {}),
        ...(username ? { cookie: cookies.get(username) ?? '' } : {}),
      },
      body: raw ? raw.body : body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { response, answer: { status: response.status, body: text ? JSON.parse(text) : undefined } };
  };
  return {
    base,
    async login(username, password) {
      const { response, answer } = await call(undefined, 'POST', '/api/login', { username, password });
      if (answer.status !== 200) throw new Error(`${username} could not sign in: ${answer.status}`);
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith('jt808_session='));
      cookies.set(username, cookie!.split(';')[0]!);
    },
    get: async (username, path) => (await call(username, 'GET', path)).answer,
    post: async (username, path, body) => (await call(username, 'POST', path, body)).answer,
    put: async (username, path, body) => (await call(username, 'PUT', path, body)).answer,
    postRaw: async (username, path, body, contentType) =>
      (await call(username, 'POST', path, undefined, { body, contentType })).answer,
    close: () => api.close(),
  };
}

/** Saves the users, starts the API and signs each of them in. */
export async function startApiServerFor(pool: pg.Pool, users: NewUser[]): Promise<ApiServer> {
  for (const user of users) await saveUser(pool, user);
  const api = await startApiServer(pool);
  for (const user of users) await api.login(user.username, user.password);
  return api;
}
