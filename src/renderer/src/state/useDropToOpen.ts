/**
 * Dropping a folder or a TIFF/OME-TIFF file on the window opens it. Only the desktop app can learn a dropped item's path
 * (`api.pathForDroppedFile`); a browser never reveals it, so there the user is told what to do instead.
 */
import { useCallback, useState } from 'react';
import { api } from '../api/api';

export const DROP_IN_BROWSER =
  'A browser does not reveal where a dropped folder or file is. Paste its absolute path into \u201cOpen folder\u2026\u201d instead.';

export function useDropToOpen(onMounted: (path: string) => void, onError: (msg: string) => void) {
  const [dragging, setDragging] = useState(false);
  const [notice, setNotice] = useState<string>();

  const onDragOver = useCallback((e: React.DragEvent) => {
    if (!e.dataTransfer.types.includes('Files')) return;
    // Without preventDefault the browser would navigate to the dropped file.
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  }, []);

  const onDragLeave = useCallback((e: React.DragEvent) => {
    // Leaving a child element also fires dragleave; only leaving the window counts.
    if (e.relatedTarget === null) setDragging(false);
  }, []);

  const onDrop = useCallback(
    async (e: React.DragEvent) => {
      e.preventDefault();
      setDragging(false);
      const file = e.dataTransfer.files[0];
      if (!file) return;
      const path = api.pathForDroppedFile(file);
      if (!path) {
        setNotice(DROP_IN_BROWSER);
        return;
      }
      setNotice(undefined);
      try {
        const mounted = await api.openFolder(path);
        if (mounted) onMounted(mounted.path);
      } catch (err) {
        onError((err as Error).message);
      }
    },
    [onMounted, onError],
  );

  return { dragging, notice, clearNotice: () => setNotice(undefined), onDragOver, onDragLeave, onDrop };
}
