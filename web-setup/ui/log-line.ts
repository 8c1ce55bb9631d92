// One log line as the page shows it (the live view and the log panel): time, level, message, the level as a class
// for its colour.

import type { LogLine } from '../../src/setup/api.js';
import { clock } from '../core/format.js';
import { h } from './dom.js';

export function logLine(line: LogLine): HTMLLIElement {
  return h('li', { class: `lvl-${line.level.toLowerCase().replace(/[^a-z]/g, '')}` },
    h('time', {}, clock(line.at)), ' ', h('span', { class: 'level' }, line.level), ' ', line.msg);
}
