/**
 * "Export this layer": the request a layer's Export button (or the desktop
 * menu) makes, and the one listener that shows the dialog (ExportCenter).
 */

export interface ExportTarget {
  /** Catalog path of the image. */
  source: string;
  name: string;
  /** Level-0 axes (names and sizes). */
  axes: { name: string; size: number }[];
  /** The layer drawn at the view's own pixel frame (the base layer): its view box means something. */
  isBase: boolean;
}

type Listener = (target: ExportTarget | undefined) => void;
let listener: Listener | undefined;
let latest: ExportTarget | undefined;

/** The selected layer, kept so File → Export in the desktop menu knows what to export. */
export function setSelectedForExport(target: ExportTarget | undefined): void {
  latest = target;
}

export function requestExport(target: ExportTarget | undefined = latest): void {
  listener?.(target);
}

export function onExportRequest(l: Listener): () => void {
  listener = l;
  return () => {
    if (listener === l) listener = undefined;
  };
}
