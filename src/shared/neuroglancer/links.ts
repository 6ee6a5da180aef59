/**
 * Neuroglancer states as links: the built-in Neuroglancer at `<page origin>/neuroglancer/`
 * (the bridge in browser mode, `zarr-bridge://app` in the desktop app) and the hosted one,
 * both reading the state from the URL fragment `#!<JSON>`.
 */
import type { NeuroglancerState } from './state';

export const HOSTED_NEUROGLANCER = 'https://neuroglancer-demo.appspot.com/';

/** Neuroglancer decodes the fragment with decodeURIComponent; JSON punctuation stays readable. */
export function stateFragment(state: NeuroglancerState): string {
  const encoded = encodeURIComponent(JSON.stringify(state)).replace(/%(2C|3A|2F|40|24|3B|3D|5B|5D)/g, (e) =>
    decodeURIComponent(e),
  );
  return `#!${encoded}`;
}

export function builtInNeuroglancerUrl(pageOrigin: string, state: NeuroglancerState): string {
  return `${pageOrigin.replace(/\/+$/, '')}/neuroglancer/${stateFragment(state)}`;
}

export function hostedNeuroglancerUrl(state: NeuroglancerState): string {
  return `${HOSTED_NEUROGLANCER}${stateFragment(state)}`;
}
