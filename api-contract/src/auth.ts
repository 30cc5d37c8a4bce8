import { type Static, Type } from 'typebox';

/** POST /api/login: a user's name and password (the session comes back as a cookie). */
export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

/** POST /api/login and /api/logout: done (the cookie is set or cleared). */
export const AuthOk = Type.Object({ ok: Type.Literal(true) });
export type AuthOk = Static<typeof AuthOk>;
