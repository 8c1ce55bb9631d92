// The Daemon's answers about the box itself (its claim, the setup code, the admin password, the lockout) and the
// setup code's banner on the console while the box is unclaimed. The Daemon answers these whether the Node runs
// or not; the decisions are Box's, this only speaks the UI protocol and keeps the banner current.

import type { Resolution } from '../config/index.js';
import { type Answers, UI_ERRORS } from '../ui/index.js';
import type { Banner } from './banner.js';
import { type Box, BoxRefusal } from './box.js';

/** The opcodes of the box's state. */
const BOX_OPCODES = ['boxStatus', 'setupCode', 'checkSetupCode', 'claimBox', 'checkAdminPassword', 'changeAdminPassword'] as const;
export type BoxOpcode = (typeof BOX_OPCODES)[number];
export const isBoxOpcode = (op: string): op is BoxOpcode => (BOX_OPCODES as readonly string[]).includes(op);

/** The UI error a refused box request answers with (MASQ's codes, read as their names say). */
export const BOX_ERRORS: Readonly<Record<BoxRefusal['reason'], bigint>> = {
  claimed: UI_ERRORS.ALREADY_INITIALIZED_ERROR,
  unclaimed: UI_ERRORS.EARLY_QUESTIONING_ABOUT_DATA,
  password: UI_ERRORS.NON_PARSABLE_VALUE,
};

/** The console banner is rewritten this often while unclaimed: the box's addresses come and go with DHCP. */
const BANNER_REFRESH_MS = 60_000;

export interface DeskDeps {
  resolve(): Promise<Resolution>;
  banner?: Banner;
  nodeRunning(): boolean;
  waitingForPassword(): boolean;
}

export function unattended(r: Resolution): boolean {
  return r.values.get('unattended-restart')?.value === 'on';
}

export class BoxDesk {
  private bannerTimer: NodeJS.Timeout | undefined;

  constructor(private readonly box: Box, private readonly deps: DeskDeps) {}

  async answer(op: BoxOpcode, p: Record<string, unknown>): Promise<Answers[BoxOpcode]> {
    const box = this.box;
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    switch (op) {
      case 'boxStatus': {
        const lock = box.lockStatus();
        return {
          claimed: box.claimed, setupDone: box.setupDone, nodeRunning: this.deps.nodeRunning(),
          unattendedRestart: unattended(await this.deps.resolve()) ? 'on' : 'off',
          waitingForPassword: this.deps.waitingForPassword(),
          ...(lock.lockedForS !== undefined ? { lockedForS: lock.lockedForS } : {}),
        };
      }
      case 'setupCode': {
        if (p.reset === true) {
          const code = box.reset();
          this.showBanner(await this.deps.resolve());
          return { claimed: false, code };
        }
        const code = box.code();
        return code !== undefined ? { claimed: false, code } : { claimed: true };
      }
      case 'checkSetupCode':
        return box.checkSetupCode(text(p.code));
      case 'claimBox': {
        const g = await box.claim(text(p.code), text(p.adminPassword));
        if (g.matches) this.hideBanner();
        return g;
      }
      case 'checkAdminPassword':
        return box.checkAdminPassword(text(p.password));
      case 'changeAdminPassword':
        return box.changeAdminPassword(text(p.oldPassword), text(p.newPassword));
    }
  }

  /** While unclaimed: the code on the console, refreshed as the addresses change. */
  showBanner(r: Resolution): void {
    const code = this.box.code();
    if (!this.deps.banner || code === undefined) return;
    this.deps.banner.show(code, r.values.get('setup-page-lan')?.value === 'on');
    if (!this.bannerTimer) {
      this.bannerTimer = setInterval(() => {
        void this.deps.resolve().then((now) => this.showBanner(now), () => undefined);
      }, BANNER_REFRESH_MS);
      this.bannerTimer.unref();
    }
  }

  hideBanner(): void {
    this.stop();
    this.deps.banner?.hide();
  }

  stop(): void {
    clearInterval(this.bannerTimer);
    this.bannerTimer = undefined;
  }
}

export { BoxRefusal };
