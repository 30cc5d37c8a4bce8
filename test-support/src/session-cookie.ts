import type { FastifyInstance } from 'fastify';

/** Signs `username` in through `inject` and returns the cookie header that carries the session. */
export async function sessionCookie(
  api: FastifyInstance,
  username: string,
  password: string,
): Promise<string> {
  const response = await api.inject({ method: 'POST', url: '/api/login', payload: { username, password } });
  return `jt808_session=${response.cookies.find((c) => c.name === 'jt808_session')!.value}`;
}
