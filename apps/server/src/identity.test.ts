// Identity end to end: real HTTP, real cookies, real SMTP on loopback, the typed client.
import { createHash } from "node:crypto";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { SignJWT } from "jose";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter, type AppRouter } from "@meetmind/api";
import { startTestSmtpServer, type TestSmtpServer } from "@meetmind/api/testing";
import { startTestServer, type TestServer } from "./testing.js";

let server: TestServer;
let smtp: TestSmtpServer;
/** Every response body the API sent in this file, for the secrets sweep at the end. */
const responses: { path: string; body: string }[] = [];
const GOOD_PASSWORD = "Correct-Horse-9-Battery";
let ipCounter = 0;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  server = await startTestServer({ SMTP_URL: smtp.url, APP_URL: "https://app.meetmind.test", CORS_ORIGINS: "https://app.meetmind.test" });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

interface ClientOptions {
  token?: string;
  /** Send and keep cookies in this jar, like a browser. */
  jar?: Map<string, string>;
  origin?: string;
}

/** A typed client; each gets its own client IP (X-Forwarded-For) so rate limits don't collide. */
function client(options: ClientOptions = {}) {
  const jar = options.jar ?? new Map<string, string>();
  const ip = `10.1.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;
  const api = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${server.url}/trpc`,
        transformer: superjson,
        headers: () => ({
          "x-forwarded-for": ip,
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.origin ? { origin: options.origin } : {}),
          ...(jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
        }),
        fetch: async (url: string | URL | Request, init?: RequestInit) => {
          const response = await fetch(url, init);
          const body = await response.clone().text();
          responses.push({ path: new URL(url instanceof Request ? url.url : url).pathname.replace("/trpc/", ""), body });
          if (options.jar) {
            for (const header of response.headers.getSetCookie()) {
              const [pair = ""] = header.split(";");
              const [name = "", value = ""] = pair.split("=");
              if (/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(header) || value === "") jar.delete(name);
              else jar.set(name, value);
            }
          }
          return response;
        },
      }),
    ],
  });
  return api;
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error("expected the call to fail");
}

let emailCounter = 0;
const newEmail = () => `user${++emailCounter}.${Date.now()}@example.com`;

async function signup(email = newEmail(), password = GOOD_PASSWORD) {
  const api = client();
  const result = await api.auth.signup.mutate({ email, password, fullName: "Test User" });
  return { api, email, password, ...result };
}

function linkFrom(text: string, path: string): string {
  const match = new RegExp(`https://app\\.meetmind\\.test${path}\\?token=([A-Za-z0-9_-]+)`).exec(text);
  if (!match?.[1]) throw new Error(`no ${path} link in:\n${text}`);
  return match[1];
}

describe("signup and email verification", () => {
  it("creates the user and a session, and emails a link that verifies the address once", async () => {
    const email = newEmail();
    const jar = new Map<string, string>();
    const api = client({ jar });
    const result = await api.auth.signup.mutate({
      email: `  ${email.toUpperCase()} `,
      password: GOOD_PASSWORD,
      fullName: " Ada\u0007  Lovelace\u200b ",
    });
    expect(result.user).toMatchObject({ email, fullName: "Ada Lovelace", emailVerified: false, isAdmin: false });
    expect(result.refreshToken.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
    expect(jar.get("access_token")).toBe(result.accessToken);
    expect(jar.get("refresh_token")).toBe(result.refreshToken);

    const message = await smtp.waitFor((m) => m.to.includes(email));
    const token = linkFrom(message.text, "/verify-email");
    await client().auth.verifyEmail.mutate({ token });
    expect((await api.users.me.query()).emailVerified).toBe(true);
    const again = await failure(client().auth.verifyEmail.mutate({ token }));
    expect(again.data?.appCode).toBe("token_used");
  });

  it("sets the cookies httpOnly and SameSite=Lax", async () => {
    const response = await fetch(`${server.url}/trpc/auth.signup`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "10.9.9.9" },
      body: JSON.stringify({ json: { email: newEmail(), password: GOOD_PASSWORD } }),
    });
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).toMatch(/Path=\/trpc/);
    }
  });

  it("rejects a taken address, whatever its case", async () => {
    const { email } = await signup();
    const error = await failure(client().auth.signup.mutate({ email: email.toUpperCase(), password: GOOD_PASSWORD }));
    expect(error.data).toMatchObject({ code: "CONFLICT", appCode: "email_taken" });
  });

  it("rejects weak passwords and bad input with a clear error, writing nothing", async () => {
    const before = await server.database.db.user.count();
    for (const password of ["Sh0rt!A", "alllowercase1!", "NoDigitsHere!", "NoSpecial123", "Password123!", "Qwerty-2024xyz"]) {
      const error = await failure(client().auth.signup.mutate({ email: newEmail(), password }));
      expect(error.data).toMatchObject({ code: "BAD_REQUEST", appCode: "invalid_input" });
      expect(error.data?.zodError?.fieldErrors.password?.length).toBeGreaterThan(0);
    }
    const badEmail = await failure(client().auth.signup.mutate({ email: "not-an-email", password: GOOD_PASSWORD }));
    expect(badEmail.data?.zodError?.fieldErrors.email).toBeDefined();
    expect(await server.database.db.user.count()).toBe(before);
  });

  it("expires verification links, and resending invalidates earlier ones", async () => {
    const { email } = await signup();
    const first = linkFrom((await smtp.waitFor((m) => m.to.includes(email))).text, "/verify-email");
    await client().auth.resendVerification.mutate({ email });
    const second = linkFrom((await smtp.waitFor((m) => m.to.includes(email) && !m.text.includes(first))).text, "/verify-email");
    expect((await failure(client().auth.verifyEmail.mutate({ token: first }))).data?.appCode).toBe("token_expired");
    await server.database.db.emailVerificationToken.updateMany({ where: { email }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await failure(client().auth.verifyEmail.mutate({ token: second }))).data?.appCode).toBe("token_expired");
    expect((await failure(client().auth.verifyEmail.mutate({ token: "x".repeat(43) }))).data?.appCode).toBe("invalid_token");
  });
});

describe("no user enumeration", () => {
  it("answers resendVerification and requestPasswordReset identically for known and unknown emails", async () => {
    const { email } = await signup();
    const unknown = newEmail();
    for (const call of ["resendVerification", "requestPasswordReset"] as const) {
      const known = await client().auth[call].mutate({ email });
      const missing = await client().auth[call].mutate({ email: unknown });
      expect(known).toEqual(missing);
    }
    // The raw HTTP answers match too, byte for byte.
    const raw = async (path: string, email: string) =>
      (
        await fetch(`${server.url}/trpc/${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": `10.8.0.${++ipCounter % 250}` },
          body: JSON.stringify({ json: { email } }),
        })
      ).text();
    expect(await raw("auth.requestPasswordReset", email)).toBe(await raw("auth.requestPasswordReset", unknown));
  });

  it("answers a wrong password and an unknown email with the same error", async () => {
    const { email } = await signup();
    const wrong = await failure(client().auth.login.mutate({ email, password: "Wrong-password-1" }));
    const unknown = await failure(client().auth.login.mutate({ email: newEmail(), password: "Wrong-password-1" }));
    expect(wrong.message).toBe(unknown.message);
    expect(wrong.data).toMatchObject({ code: "UNAUTHORIZED", appCode: "invalid_credentials" });
    expect(unknown.data).toMatchObject({ code: "UNAUTHORIZED", appCode: "invalid_credentials" });
  });
});

describe("login", () => {
  it("signs in and the access token works as a Bearer header", async () => {
    const { email } = await signup();
    const result = await client().auth.login.mutate({ email, password: GOOD_PASSWORD });
    expect((await client({ token: result.accessToken }).users.me.query()).email).toBe(email);
  });

  it("rate limits failed attempts per account, answering TOO_MANY_REQUESTS with retry-after", async () => {
    const { email } = await signup();
    for (let attempt = 0; attempt < 5; attempt++) {
      await failure(client().auth.login.mutate({ email, password: "Wrong-password-1" }));
    }
    // From yet another address, even the right password is refused now.
    const locked = await failure(client().auth.login.mutate({ email, password: GOOD_PASSWORD }));
    expect(locked.data).toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "rate_limited" });
    expect(locked.data?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("rate limits failed attempts per IP across accounts", async () => {
    const api = client();
    let limited: TRPCClientError<AppRouter> | undefined;
    for (let attempt = 0; attempt < 40 && !limited; attempt++) {
      const error = await failure(api.auth.login.mutate({ email: newEmail(), password: "Wrong-password-1" }));
      if (error.data?.code === "TOO_MANY_REQUESTS") limited = error;
    }
    expect(limited?.data?.appCode).toBe("rate_limited");
  });

  it("refuses deactivated users", async () => {
    const { email, user } = await signup();
    await server.database.db.user.update({ where: { id: user.id }, data: { isActive: false } });
    const error = await failure(client().auth.login.mutate({ email, password: GOOD_PASSWORD }));
    expect(error.data).toMatchObject({ code: "UNAUTHORIZED", appCode: "account_deactivated" });
  });
});

describe("refresh tokens", () => {
  it("rotate on every use, from the body or the cookie", async () => {
    const { refreshToken, accessToken } = await signup();
    const next = await client().auth.refresh.mutate({ refreshToken });
    expect(next.refreshToken).not.toBe(refreshToken);
    expect(next.accessToken).not.toBe(accessToken);

    const jar = new Map([["refresh_token", next.refreshToken]]);
    const viaCookie = await client({ jar }).auth.refresh.mutate();
    expect(jar.get("refresh_token")).toBe(viaCookie.refreshToken);
    expect(viaCookie.refreshToken).not.toBe(next.refreshToken);
  });

  it("treat reuse of a rotated token as theft: the whole session is revoked, newest token included", async () => {
    const { refreshToken } = await signup();
    const second = await client().auth.refresh.mutate({ refreshToken });
    const third = await client().auth.refresh.mutate({ refreshToken: second.refreshToken });

    const reuse = await failure(client().auth.refresh.mutate({ refreshToken }));
    expect(reuse.data).toMatchObject({ code: "UNAUTHORIZED", appCode: "refresh_token_reused" });
    const newest = await failure(client().auth.refresh.mutate({ refreshToken: third.refreshToken }));
    expect(newest.data?.code).toBe("UNAUTHORIZED");
    const access = await failure(client({ token: third.accessToken }).users.me.query());
    expect(access.data?.code).toBe("UNAUTHORIZED");
  });

  it("answer concurrent refreshes with the same token alike (two tabs), and the session lives on", async () => {
    const { refreshToken } = await signup();
    const [a, b] = await Promise.all([client().auth.refresh.mutate({ refreshToken }), client().auth.refresh.mutate({ refreshToken })]);
    expect(b.refreshToken).toBe(a.refreshToken);
    expect(b.accessToken).toBe(a.accessToken);
    expect(a.refreshToken).not.toBe(refreshToken);
    expect((await client({ token: a.accessToken }).users.me.query()).id).toBe(a.user.id);
    await client().auth.refresh.mutate({ refreshToken: a.refreshToken });
  });

  it("count a rotated token presented after the grace window as reuse, revoking the session", async () => {
    const { refreshToken } = await signup();
    const next = await client().auth.refresh.mutate({ refreshToken });
    await server.database.db.refreshToken.update({
      where: { tokenHash: createHash("sha256").update(refreshToken).digest("hex") },
      // Long past the grace window (seconds).
      data: { rotatedAt: new Date(Date.now() - 60 * 60_000) },
    });
    expect((await failure(client().auth.refresh.mutate({ refreshToken }))).data?.appCode).toBe("refresh_token_reused");
    expect((await failure(client().auth.refresh.mutate({ refreshToken: next.refreshToken }))).data?.code).toBe("UNAUTHORIZED");
    expect((await failure(client({ token: next.accessToken }).users.me.query())).data?.code).toBe("UNAUTHORIZED");
  });

  it("stop at the session's absolute lifetime and sliding expiry", async () => {
    const { refreshToken, user } = await signup();
    await server.database.db.activeSession.updateMany({
      where: { userId: user.id },
      data: { absoluteExpiresAt: new Date(Date.now() - 1000) },
    });
    expect((await failure(client().auth.refresh.mutate({ refreshToken }))).data?.appCode).toBe("invalid_refresh_token");

    const other = await signup();
    await server.database.db.activeSession.updateMany({
      where: { userId: other.user.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await failure(client().auth.refresh.mutate({ refreshToken: other.refreshToken }))).data?.appCode).toBe("invalid_refresh_token");
  });

  it("slide the session's expiry forward on use, never past the absolute lifetime", async () => {
    const { refreshToken, user } = await signup();
    const absolute = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    await server.database.db.activeSession.updateMany({
      where: { userId: user.id },
      data: { expiresAt: new Date(Date.now() + 60_000), absoluteExpiresAt: absolute },
    });
    const next = await client().auth.refresh.mutate({ refreshToken });
    expect(next.refreshTokenExpiresAt.getTime()).toBe(absolute.getTime());
  });
});

describe("access token attacks", () => {
  const secret = new TextEncoder().encode("dev-only-insecure-jwt-secret-change-me-0123456789");
  let victim: Awaited<ReturnType<typeof signup>>;
  let sessionId: string;
  beforeAll(async () => {
    victim = await signup();
    const [payload = ""] = victim.accessToken.split(".").slice(1, 2);
    sessionId = (JSON.parse(Buffer.from(payload, "base64url").toString()) as { sid: string }).sid;
  });

  const claims = () => ({ sid: sessionId });
  const forge = (edit: (jwt: SignJWT) => SignJWT, alg = "HS256", key: Uint8Array = secret) =>
    edit(
      new SignJWT(claims())
        .setProtectedHeader({ alg })
        .setSubject(victim.user.id)
        .setIssuedAt()
        .setExpirationTime("10m")
        .setIssuer("meetmind")
        .setAudience("meetmind-api"),
    ).sign(key);

  async function expectRejected(token: string) {
    const error = await failure(client({ token }).users.me.query());
    expect(error.data?.code).toBe("UNAUTHORIZED");
  }

  it("accepts a correctly forged token (control: the forging below is otherwise right)", async () => {
    expect((await client({ token: await forge((jwt) => jwt) }).users.me.query()).id).toBe(victim.user.id);
  });

  it('refuses alg "none"', async () => {
    const [header, payload] = [
      { alg: "none", typ: "JWT" },
      {
        ...claims(),
        sub: victim.user.id,
        iss: "meetmind",
        aud: "meetmind-api",
        iat: Math.floor(Date.now() / 1000),
        exp: Math.floor(Date.now() / 1000) + 600,
      },
    ].map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"));
    await expectRejected(`${header}.${payload}.`);
  });

  it("refuses another algorithm, a bad signature, expiry, wrong issuer and audience", async () => {
    await expectRejected(await forge((jwt) => jwt, "HS512"));
    await expectRejected(await forge((jwt) => jwt, "HS256", new TextEncoder().encode("another-secret-another-secret-another-secret")));
    await expectRejected(`${victim.accessToken.slice(0, -4)}AAAA`);
    await expectRejected(await forge((jwt) => jwt.setExpirationTime(Math.floor(Date.now() / 1000) - 60)));
    await expectRejected(await forge((jwt) => jwt.setIssuer("someone-else")));
    await expectRejected(await forge((jwt) => jwt.setAudience("another-api")));
  });

  it("refuses tokens of deleted and deactivated users", async () => {
    const deleted = await signup();
    await server.database.db.user.delete({ where: { id: deleted.user.id } });
    await expectRejected(deleted.accessToken);
    const deactivated = await signup();
    const admin = await adminClient();
    await admin.admin.users.setActive.mutate({ userId: deactivated.user.id, active: false });
    await expectRejected(deactivated.accessToken);
  });

  it("stops a revoked session's token at once (and everywhere within seconds)", async () => {
    const { accessToken, api } = await signup();
    const withToken = client({ token: accessToken });
    await withToken.users.me.query();
    await withToken.auth.logoutAll.mutate();
    await expectRejected(accessToken);
    void api;
  });

  it("reads the cookie before the Authorization header", async () => {
    const a = await signup();
    const b = await signup();
    const both = client({ token: b.accessToken, jar: new Map([["access_token", a.accessToken]]) });
    expect((await both.users.me.query()).id).toBe(a.user.id);
  });
});

describe("CSRF", () => {
  it("rejects cookie-authenticated mutations from origins outside the allow-list", async () => {
    const { accessToken } = await signup();
    const evil = client({ jar: new Map([["access_token", accessToken]]), origin: "https://evil.example.net" });
    const error = await failure(evil.users.updateProfile.mutate({ locale: "en-GB" }));
    expect(error.data).toMatchObject({ code: "FORBIDDEN", appCode: "csrf_rejected" });
    // Reads are not mutations; the allowed origin may mutate; bearer tokens are not ambient.
    await evil.users.me.query();
    const good = client({ jar: new Map([["access_token", accessToken]]), origin: "https://app.meetmind.test" });
    await good.users.updateProfile.mutate({ locale: "en-GB" });
    await client({ token: accessToken, origin: "https://evil.example.net" }).users.updateProfile.mutate({ locale: "fr-FR" });
  });
});

describe("sessions", () => {
  it("lists my sessions with the current one marked, revokes one, logs out", async () => {
    const { email, accessToken } = await signup();
    const second = await client().auth.login.mutate({ email, password: GOOD_PASSWORD });
    const me = client({ token: accessToken });
    const sessions = await me.auth.sessions.list.query();
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current);
    await me.auth.sessions.revoke.mutate({ sessionId: other!.id });
    await failure(client({ token: second.accessToken }).users.me.query());
    const notMine = await failure(client({ token: second.accessToken }).auth.sessions.revoke.mutate({ sessionId: other!.id }));
    expect(notMine.data?.code).toBe("UNAUTHORIZED");
    const stranger = await signup();
    const foreign = await failure(client({ token: stranger.accessToken }).auth.sessions.revoke.mutate({ sessionId: sessions[0]!.id }));
    expect(foreign.data?.code).toBe("NOT_FOUND");

    const jar = new Map([["access_token", accessToken]]);
    await client({ jar }).auth.logout.mutate();
    expect(jar.size).toBe(0);
    await failure(client({ token: accessToken }).users.me.query());
  });
});

describe("password reset", () => {
  it("emails a single-use link; resetting revokes every session", async () => {
    const { email, accessToken } = await signup();
    await client().auth.requestPasswordReset.mutate({ email });
    const token = linkFrom((await smtp.waitFor((m) => m.to.includes(email) && m.text.includes("/reset-password"))).text, "/reset-password");
    const weak = await failure(client().auth.resetPassword.mutate({ token, newPassword: "weak" }));
    expect(weak.data?.code).toBe("BAD_REQUEST");
    await client().auth.resetPassword.mutate({ token, newPassword: "A-brand-new-Passphrase-7" });
    await failure(client({ token: accessToken }).users.me.query());
    expect((await failure(client().auth.resetPassword.mutate({ token, newPassword: "Another-new-Passphrase-8" }))).data?.appCode).toBe(
      "token_used",
    );
    await failure(client().auth.login.mutate({ email, password: GOOD_PASSWORD }));
    await client().auth.login.mutate({ email, password: "A-brand-new-Passphrase-7" });
  });
});

describe("users", () => {
  it("updates profile and preferences, validating input", async () => {
    const { accessToken } = await signup();
    const me = client({ token: accessToken });
    const updated = await me.users.updateProfile.mutate({
      fullName: "Grace Hopper",
      timezone: "Europe/Paris",
      locale: "fr-FR",
      avatarUrl: "https://cdn.example.com/a.png",
    });
    expect(updated).toMatchObject({ fullName: "Grace Hopper", timezone: "Europe/Paris", locale: "fr-FR" });
    for (const bad of [{ timezone: "Mars/Olympus" }, { locale: "not a locale!" }, { avatarUrl: "javascript:alert(1)" }]) {
      expect((await failure(me.users.updateProfile.mutate(bad))).data?.code).toBe("BAD_REQUEST");
    }
    expect(await me.users.preferences.get.query()).toEqual({ colorMode: null, pinnedItemIds: [] });
    expect(await me.users.preferences.update.mutate({ colorMode: "dark", pinnedItemIds: ["meeting_1", "a-b"] })).toEqual({
      colorMode: "dark",
      pinnedItemIds: ["meeting_1", "a-b"],
    });
    await failure(me.users.preferences.update.mutate({ pinnedItemIds: Array.from({ length: 51 }, (_, i) => `p${i}`) }));
    await failure(me.users.preferences.update.mutate({ pinnedItemIds: ["has space"] }));
    await failure(me.users.preferences.update.mutate({ pinnedItemIds: ["x".repeat(65)] }));
    expect((await me.users.preferences.get.query()).colorMode).toBe("dark");
    await me.users.preferences.update.mutate({ colorMode: null });
  });

  it("changes the password, signing out the other sessions but not this one", async () => {
    const { email, accessToken } = await signup();
    const other = await client().auth.login.mutate({ email, password: GOOD_PASSWORD });
    const me = client({ token: accessToken });
    expect(
      (await failure(me.users.changePassword.mutate({ currentPassword: "Wrong-password-1", newPassword: "New-Passphrase-77" }))).data
        ?.appCode,
    ).toBe("invalid_credentials");
    await me.users.changePassword.mutate({ currentPassword: GOOD_PASSWORD, newPassword: "New-Passphrase-77" });
    await me.users.me.query();
    await failure(client({ token: other.accessToken }).users.me.query());
  });

  it("deletes an account, but never the last owner of a workspace", async () => {
    const { accessToken, user } = await signup();
    const workspace = await server.database.db.workspace.create({ data: { name: "W", slug: `w-${user.id}` } });
    await server.database.db.workspaceMember.create({ data: { workspaceId: workspace.id, userId: user.id, role: "owner" } });
    const me = client({ token: accessToken });
    expect((await failure(me.users.deleteAccount.mutate({ password: GOOD_PASSWORD }))).data?.appCode).toBe("last_owner");
    await server.database.db.workspace.delete({ where: { id: workspace.id } });
    expect((await failure(me.users.deleteAccount.mutate({ password: "Wrong-password-1" }))).data?.code).toBe("UNAUTHORIZED");
    await me.users.deleteAccount.mutate({ password: GOOD_PASSWORD });
    expect(await server.database.db.user.findUnique({ where: { id: user.id } })).toBeNull();
    await failure(me.users.me.query());
  });
});

async function adminClient() {
  const email = newEmail();
  const { api } = await signup(email);
  await server.database.db.user.update({ where: { email }, data: { isAdmin: true } });
  const { accessToken } = await api.auth.login.mutate({ email, password: GOOD_PASSWORD });
  return client({ token: accessToken });
}

describe("admin", () => {
  it("answers NOT_FOUND to everyone but superusers", async () => {
    const { accessToken, user } = await signup();
    const me = client({ token: accessToken });
    const calls = [
      () => me.admin.users.list.query({}),
      () => me.admin.users.create.mutate({ email: newEmail(), password: GOOD_PASSWORD }),
      () => me.admin.users.setActive.mutate({ userId: user.id, active: false }),
      () => me.admin.users.delete.mutate({ userId: user.id }),
    ];
    for (const call of calls) expect((await failure(call())).data?.code).toBe("NOT_FOUND");
  });

  it("lists, searches and pages users; creates, deactivates, reactivates and deletes them", async () => {
    const admin = await adminClient();
    const created = await admin.admin.users.create.mutate({ email: newEmail(), password: GOOD_PASSWORD, fullName: "Zed Searchable" });
    expect(created.emailVerified).toBe(true);
    expect((await admin.admin.users.list.query({ query: "zed searchable" })).items.map((u) => u.id)).toEqual([created.id]);

    const page1 = await admin.admin.users.list.query({ limit: 2 });
    expect(page1.items).toHaveLength(2);
    const page2 = await admin.admin.users.list.query({ limit: 2, cursor: page1.nextCursor! });
    expect(page2.items.map((u) => u.id)).not.toContain(page1.items[0]!.id);
    expect((await failure(admin.admin.users.list.query({ limit: 101 }))).data?.code).toBe("BAD_REQUEST");

    const session = await client().auth.login.mutate({ email: created.email, password: GOOD_PASSWORD });
    await admin.admin.users.setActive.mutate({ userId: created.id, active: false });
    await failure(client({ token: session.accessToken }).users.me.query());
    expect((await failure(client().auth.login.mutate({ email: created.email, password: GOOD_PASSWORD }))).data?.appCode).toBe(
      "account_deactivated",
    );
    await admin.admin.users.setActive.mutate({ userId: created.id, active: true });
    await client().auth.login.mutate({ email: created.email, password: GOOD_PASSWORD });

    await admin.admin.users.delete.mutate({ userId: created.id });
    expect((await failure(admin.admin.users.delete.mutate({ userId: created.id }))).data?.code).toBe("NOT_FOUND");
    expect((await failure(admin.admin.users.create.mutate({ email: "bad", password: "weak" }))).data?.code).toBe("BAD_REQUEST");
  });
});

describe("JWKS", () => {
  it("serves an empty key set with the shared-secret default", async () => {
    expect(await (await fetch(`${server.url}/.well-known/jwks.json`)).json()).toEqual({ keys: [] });
  });
});

// Runs last (vitest runs a file's tests in order): everything above went through `responses`.
describe("secrets sweep", () => {
  it("no response ever contained a password hash, a token hash, or a verification/reset token", async () => {
    const db = server.database.db;
    const hashes = [
      ...(await db.user.findMany({ select: { passwordHash: true } })).map((u) => u.passwordHash),
      ...(await db.refreshToken.findMany({ select: { tokenHash: true } })).map((t) => t.tokenHash),
      ...(await db.emailVerificationToken.findMany({ select: { tokenHash: true } })).map((t) => t.tokenHash),
      ...(await db.passwordResetToken.findMany({ select: { tokenHash: true } })).map((t) => t.tokenHash),
    ].filter((value): value is string => typeof value === "string");
    expect(hashes.length).toBeGreaterThan(20);
    const emailedTokens = smtp.messages.flatMap((m) => [...m.text.matchAll(/token=([A-Za-z0-9_-]+)/g)].map((match) => match[1]!));
    expect(emailedTokens.length).toBeGreaterThan(3);

    const all = responses.map((r) => r.body).join("\n");
    for (const secret of [...hashes, ...emailedTokens]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/\$2[aby]\$\d\d\$/);
    expect(all).not.toMatch(/passwordHash|tokenHash|password_hash|token_hash/);

    // Every identity procedure was exercised, so the sweep covers all of their outputs.
    const called = new Set(responses.flatMap((r) => r.path.split(",")));
    const identityProcedures = Object.keys(appRouter._def.procedures).filter((path) => /^(auth|users|admin)\./.test(path));
    expect(identityProcedures.filter((path) => !called.has(path))).toEqual([]);
  });
});
