/**
 * "Open in Neuroglancer": the whole view (every layer, its visible channels
 * with colours and windows, the base image's visible labels, position and
 * zoom) as a Neuroglancer state, in the built-in Neuroglancer (a new tab, or
 * the desktop app's Neuroglancer window) and as a link for the hosted one.
 */
import { useEffect, useMemo, useState } from 'react';
import type { CatalogNode } from '../../../shared/catalog';
import { buildNeuroglancerState } from '../../../shared/neuroglancer/build-state';
import { builtInNeuroglancerUrl, hostedNeuroglancerUrl } from '../../../shared/neuroglancer/links';
import { fetchCatalog } from '../data/catalogClient';
import type { Layer } from '../state/layers';
import type { ViewParams } from '../state/urlState';
import { sceneOf } from './scene';

export function OpenInNeuroglancer(props: {
  layers: Layer[];
  view?: ViewParams;
  /** The base layer's visible label images. */
  labels: { path: string; opacity: number }[];
}): React.JSX.Element | null {
  const { layers, view, labels } = props;
  // Label images' catalog entries, fetched ahead so the links are plain links (no pop-up blocking).
  const [labelNodes, setLabelNodes] = useState<Record<string, CatalogNode>>({});
  const paths = labels.map((l) => l.path).join('\n');
  useEffect(() => {
    const ctl = new AbortController();
    for (const path of paths.split('\n').filter(Boolean)) {
      fetchCatalog(path, ctl.signal)
        .then((node) => setLabelNodes((n) => ({ ...n, [path]: node })))
        .catch(() => undefined); // The label's own controls report a failing label.
    }
    return () => ctl.abort();
  }, [paths]);

  const links = useMemo(() => {
    if (layers.length === 0) return undefined;
    const ready = labels.flatMap((l) => (labelNodes[l.path] ? [{ node: labelNodes[l.path], opacity: l.opacity }] : []));
    const state = buildNeuroglancerState(sceneOf(layers, view, ready));
    return { builtIn: builtInNeuroglancerUrl(window.location.origin, state), hosted: hostedNeuroglancerUrl(state) };
  }, [layers, view, labels, labelNodes]);

  if (!links) return null;
  return (
    <fieldset className="copy-urls" data-testid="neuroglancer">
      <legend>Neuroglancer</legend>
      <div className="copy-url">
        <a href={links.builtIn} target="_blank" rel="noopener" data-testid="open-neuroglancer">
          Open in Neuroglancer
        </a>
        <small className="hint">built in, works offline; the whole view, as shown</small>
      </div>
      <div className="copy-url">
        <a href={links.hosted} target="_blank" rel="noopener noreferrer" data-testid="hosted-neuroglancer">
          Open in the hosted Neuroglancer
        </a>
        <small className="hint">needs internet; Chrome may ask once to allow local network access</small>
      </div>
    </fieldset>
  );
}
