// The dashboard's ssh access: the login the owner's keys open, adding and removing keys, renaming the login. The
// Daemon decides (it keeps the keys and checks them); the page shows its refusals next to the field they are about,
// and ssh access being off (root's choice) as the panel's content, not as a failure.

import { keyLines, SshAccessError } from '../ssh-keys/index.js';
import { type Answers, type Requests, UI_ERRORS, UiRequestError } from '../ui/index.js';
import type { SshPanel } from './api.js';
import { type PageContext, pageError } from './context.js';
import { field, type Handlers } from './handler.js';

/** The Daemon's answer, field by field: nothing else it may hold reaches the page. */
const offered = (a: Answers['sshAccess']): SshPanel => ({
  offered: true, user: a.user, applied: a.applied, ...(a.message ? { message: a.message } : {}),
  keys: a.keys.map((k) => ({ type: k.type, label: k.label, bits: k.bits, fingerprint: k.fingerprint, comment: k.comment })),
});

const isOff = (e: unknown): e is UiRequestError => e instanceof UiRequestError && e.error.code === UI_ERRORS.SETUP_ERROR;

/** The Daemon's refusal of a change, in the page's words, next to the field it is about. */
function refusal(e: unknown, about: string): unknown {
  if (isOff(e)) return pageError(409, 'SSH_ACCESS_OFF', e.error.message);
  if (e instanceof UiRequestError && e.error.code === UI_ERRORS.NON_PARSABLE_VALUE) return pageError(400, 'SSH_ACCESS', e.error.message, { field: about });
  if (e instanceof SshAccessError) return pageError(400, 'SSH_ACCESS', e.message, { fix: e.fix as string, field: about });
  return e;
}

export function sshRoutes(ctx: PageContext): Handlers {
  const change = async (c: Requests['setSshKeys'], about: string): Promise<SshPanel> => {
    try {
      return offered(await ctx.link.daemon('setSshKeys', c));
    } catch (e) {
      throw refusal(e, about);
    }
  };
  return {
    async panelSsh(): Promise<SshPanel> {
      try {
        return offered(await ctx.link.daemon('sshAccess', {}));
      } catch (e) {
        if (isOff(e)) return { offered: false, message: e.error.message };
        throw e;
      }
    },
    async sshAddKey({ body }) {
      let add: string[];
      try {
        // A private key pasted by mistake stops here, before it travels any further.
        add = keyLines(field(body, 'key'));
      } catch (e) {
        throw refusal(e, 'key');
      }
      return change({ add }, 'key');
    },
    sshRemoveKey: async ({ body }) => change({ remove: [field(body, 'fingerprint')] }, 'fingerprint'),
    sshUser: async ({ body }) => change({ user: field(body, 'user') }, 'user'),
  };
}
