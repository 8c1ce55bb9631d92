// Automatic port mapping: whether the router lets other Nodes in, through which router and address.

import { automapFacts } from '../views/automap-facts.js';
import type { PanelSpec } from './panel.js';

export const automapPanel: PanelSpec<'panelAutomap'> = {
  title: 'Port mapping',
  about: 'Whether your router forwards other Nodes\' connections to this box (it is asked automatically).',
  route: 'panelAutomap',
  body: (a) => [automapFacts(a)],
};
