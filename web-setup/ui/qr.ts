// The Node's descriptor as a QR code, drawn as one SVG path of its dark modules (no data URL, no markup string),
// so another phone can scan it to add this Node as a neighbor.

import qrcode from 'qrcode-generator';
import { s } from './dom.js';

const QUIET = 4;

export function qrSvg(text: string, label: string): SVGSVGElement {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  let d = '';
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + QUIET} ${r + QUIET}h1v1h-1z`;
  const size = n + 2 * QUIET;
  return s('svg', { class: 'qr', viewBox: `0 0 ${size} ${size}`, role: 'img', 'aria-label': label, 'shape-rendering': 'crispEdges' },
    s('rect', { width: size, height: size, fill: '#fff' }),
    s('path', { d, fill: '#000' }));
}
