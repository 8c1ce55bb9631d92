// The box itself: how hot, how full, how long up, how busy.

import type { SystemPanel } from '../../src/setup/api.js';
import { bytes, duration } from '../core/format.js';
import { h } from '../ui/dom.js';
import { facts, type PanelSpec } from './panel.js';

/** A Raspberry Pi slows itself down from 80 °C. */
const HOT_C = 80;

function usage(label: string, used: number, total: number): HTMLElement {
  const share = total > 0 ? Math.min(1, Math.max(0, used / total)) : 0;
  const bar = h('span', { class: 'bar-fill' });
  bar.style.width = `${(share * 100).toFixed(1)}%`;
  return h('span', { class: 'usage' },
    h('span', { class: `bar${share > 0.9 ? ' full' : ''}`, attrs: { role: 'img', 'aria-label': `${label} ${Math.round(share * 100)}% used` } }, bar),
    `${bytes(used)} of ${bytes(total)} used`);
}

export const systemPanel: PanelSpec<'panelSystem'> = {
  title: 'The box',
  about: 'Temperature, memory, storage and load of this box.',
  route: 'panelSystem',
  body: (s: SystemPanel) => [facts([
    ['CPU temperature', s.cpuTempC === undefined ? undefined
      : h('span', { class: s.cpuTempC >= HOT_C ? 'bad' : '' }, `${s.cpuTempC.toFixed(1)} °C${s.cpuTempC >= HOT_C ? ' — too hot: give the box air, or a fan' : ''}`)],
    ['Memory', usage('Memory', s.memTotalBytes - s.memAvailableBytes, s.memTotalBytes)],
    ['Storage', usage('Storage', s.diskTotalBytes - s.diskFreeBytes, s.diskTotalBytes)],
    ['Up for', duration(s.uptimeS)],
    ['Load', `${s.load1.toFixed(2)} (average number of busy processes over the last minute)`],
  ])],
};
