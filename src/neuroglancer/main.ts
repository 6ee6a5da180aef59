/**
 * Neuroglancer as the bridge serves it at `/neuroglancer/`: the stock viewer
 * (every layer type, data source and key-value store of the npm release), set up
 * as neuroglancer's own `main.ts` does but without its Google Tag Manager hook,
 * so the page never reaches beyond the bridge unless a state asks it to.
 * The state comes from the URL fragment (`#!{…}`), as on the hosted viewer.
 */
import 'neuroglancer/unstable/util/polyfills.js';
import 'neuroglancer/unstable/layer/enabled_frontend_modules.js';
import 'neuroglancer/unstable/datasource/enabled_frontend_modules.js';
import 'neuroglancer/unstable/kvstore/enabled_frontend_modules.js';
import { setupDefaultViewer } from 'neuroglancer/unstable/ui/default_viewer_setup.js';

setupDefaultViewer();
