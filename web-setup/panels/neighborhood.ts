// The neighborhood: the Nodes this one knows and who links to whom, drawn as a graph around it with each Node's
// country, and its neighbors listed with their whole labels and countries (the graph has room for a short one only).

import { countryName } from '../core/countries.js';
import { h } from '../ui/dom.js';
import { graphSvg } from '../ui/graph.js';
import type { PanelSpec } from './panel.js';

export const neighborhoodPanel: PanelSpec<'panelNeighborhood'> = {
  title: 'Neighborhood',
  about: 'The Nodes this one knows: its neighbors around it, Nodes further away outside. Arrows point from a Node to the ones it links to.',
  route: 'panelNeighborhood',
  width: 'wide',
  body: (g) => {
    if (g.nodes.length <= 1) return [h('p', { class: 'muted' }, 'No neighbors yet. Give the Node a neighbor\'s descriptor in the configuration, or wait for others to find it.')];
    const { svg, layout } = graphSvg(g);
    const neighbors = layout.nodes.filter((n) => n.ring === 1);
    const further = layout.nodes.filter((n) => n.ring > 1).length;
    return [
      h('div', { class: 'graph-wrap' }, svg,
        h('div', {},
          h('ul', { class: 'legend' },
            h('li', { class: 'self' }, 'this Node'),
            h('li', { class: 'routes' }, 'carries traffic for others'),
            h('li', { class: 'plain' }, 'known Node')),
          h('h3', {}, `Neighbors (${neighbors.length})`),
          h('ul', { class: 'neighbors' }, ...neighbors.map((n) => h('li', {}, h('span', { class: 'mono' }, n.label.join(' · ') || n.id),
            n.country ? h('span', {}, ` in ${countryName(n.country)}`) : null, n.routes ? h('span', { class: 'muted' }, ' — carries traffic') : null))),
          h('p', { class: 'muted' }, `${further} Node${further === 1 ? '' : 's'} further away${layout.hidden ? `, and ${layout.hidden} more not drawn` : ''}.`))),
    ];
  },
};
