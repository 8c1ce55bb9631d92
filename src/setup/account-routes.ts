// Claiming the box, logging in and out, changing the admin password. The Daemon decides every guess (it holds the
// code, the password's hash and the lockout); the page only keeps sessions.

import type { Answers } from '../ui/index.js';
import type { OkAnswer, Phase, StateAnswer } from './api.js';
import { type PageContext, pageError } from './context.js';
import { field, type Handlers } from './handler.js';

type Guess = Answers['checkSetupCode'];

/** A wrong guess, or a locked-out one, in words the page shows next to the field. */
function refused(what: 'code' | 'password', g: Guess): never {
  if (g.lockedForS !== undefined && g.lockedForS !== null) {
    const minutes = Math.max(1, Math.ceil(g.lockedForS / 60));
    throw pageError(429, 'LOCKED_OUT', `Too many wrong tries: this box accepts no ${what === 'code' ? 'setup code' : 'password'} for ${minutes} minute${minutes === 1 ? '' : 's'}.`, {
      fix: what === 'code' ? 'Wait, then type the code exactly as masq setup-code or the console shows it.' : 'Wait, then try again; the owner can reset it with masq setup-code --reset over ssh.',
      lockedForS: g.lockedForS, triesLeft: 0, field: what,
    });
  }
  throw pageError(403, what === 'code' ? 'SETUP_CODE_WRONG' : 'PASSWORD_WRONG', what === 'code' ? 'That is not this box\'s setup code.' : 'That is not the admin password.', {
    fix: what === 'code' ? 'The code is 8 letters and digits, shown by masq setup-code, on the console and on the SD card\'s boot partition.' : 'Type it again; check Caps Lock.',
    triesLeft: g.triesLeft, field: what,
  });
}

export function accountRoutes(ctx: PageContext): Handlers {
  const ok: OkAnswer = { ok: true };
  return {
    async state({ session }): Promise<StateAnswer> {
      const box = await ctx.link.daemon('boxStatus', {});
      let phase: Phase;
      if (!box.claimed) phase = 'claim';
      else if (session?.kind !== 'admin') phase = 'login';
      else phase = box.setupDone ? 'dashboard' : 'wizard';
      return {
        phase, boxName: ctx.boxName, version: ctx.version,
        // Only an administrator learns that the box waits for its password.
        waitingForPassword: phase === 'dashboard' || phase === 'wizard' ? box.waitingForPassword : false,
        ...(typeof box.lockedForS === 'number' ? { lockedForS: box.lockedForS } : {}),
      };
    },
    async claimCode({ body, setSession }) {
      const code = field(body, 'code');
      const g = await ctx.link.daemon('checkSetupCode', { code });
      if (!g.matches) refused('code', g);
      setSession(ctx.sessions.create('code', { code }));
      return ok;
    },
    async claimPassword({ body, session, setSession }) {
      const g = await ctx.link.daemon('claimBox', { code: session?.code ?? '', adminPassword: field(body, 'password') });
      if (!g.matches) refused('code', g);
      ctx.sessions.destroyAllBut();
      setSession(ctx.sessions.create('admin'));
      return ok;
    },
    async login({ body, setSession }) {
      const g = await ctx.link.daemon('checkAdminPassword', { password: field(body, 'password') });
      if (!g.matches) refused('password', g);
      setSession(ctx.sessions.create('admin'));
      return ok;
    },
    async logout({ session, setSession }) {
      ctx.sessions.destroy(session?.id);
      setSession(undefined);
      return ok;
    },
    async changePassword({ body, setSession }) {
      const g = await ctx.link.daemon('changeAdminPassword', { oldPassword: field(body, 'oldPassword'), newPassword: field(body, 'newPassword') });
      if (!g.matches) refused('password', g);
      // Whoever else was logged in with the old password is logged out; this browser gets a new session.
      ctx.sessions.destroyAllBut();
      setSession(ctx.sessions.create('admin'));
      return ok;
    },
  };
}
