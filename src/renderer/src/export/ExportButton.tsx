/** The Export… button of a layer: asks ExportCenter to show the dialog for it. */
import { useEffect } from 'react';
import type { Layer } from '../state/layers';
import { type ExportTarget, requestExport, setSelectedForExport } from './exportRequests';

export function exportTargetOf(layer: Layer, isBase: boolean): ExportTarget {
  return {
    source: layer.image.node.path,
    name: layer.image.node.name,
    axes: layer.image.axes.map((a) => ({ name: a.name, size: a.size })),
    isBase,
  };
}

export function ExportButton({ layer, isBase }: { layer: Layer; isBase: boolean }): React.JSX.Element {
  useEffect(() => {
    setSelectedForExport(exportTargetOf(layer, isBase));
    return () => setSelectedForExport(undefined);
  }, [layer, isBase]);
  return (
    <button
      type="button"
      className="export-button"
      data-testid="export-button"
      onClick={() => requestExport(exportTargetOf(layer, isBase))}
    >
      Export…
    </button>
  );
}
