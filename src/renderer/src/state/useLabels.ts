/** Label images of the open image: listed on open, opened lazily when first shown. */
import { useEffect, useMemo, useState } from 'react';
import type { ImageModel } from '../data/imageModel';
import { type LabelLayerModel, listLabels, openLabels } from '../data/labelImages';
import type { LabelSetting } from '../panel/LabelControls';

export function useLabels(
  image: ImageModel | undefined,
  fromUrl: Record<string, number>,
  onError: (msg: string) => void,
) {
  const [list, setList] = useState<{ name: string; path: string }[]>([]);
  const [settings, setSettings] = useState<Record<string, LabelSetting>>({});
  const [models, setModels] = useState<Record<string, LabelLayerModel>>({});

  // biome-ignore lint/correctness/useExhaustiveDependencies: URL labels apply once, to the image the URL names.
  useEffect(() => {
    setList([]);
    setModels({});
    setSettings(Object.fromEntries(Object.entries(fromUrl).map(([n, opacity]) => [n, { visible: true, opacity }])));
    if (!image) return;
    const ctl = new AbortController();
    listLabels(image.node, ctl.signal)
      .then(setList)
      .catch((e: Error) => ctl.signal.aborted || onError(e.message));
    return () => ctl.abort();
    // fromUrl applies to the image the URL names only; later images start with labels off.
  }, [image, onError]);

  useEffect(() => {
    const ctl = new AbortController();
    for (const { name, path } of list) {
      if (!settings[name]?.visible || models[path]) continue;
      openLabels(path, ctl.signal)
        .then((m) => setModels((ms) => ({ ...ms, [path]: m })))
        .catch((e: Error) => ctl.signal.aborted || onError(`Labels ${name}: ${e.message}`));
    }
    return () => ctl.abort();
  }, [list, settings, models, onError]);

  const overlays = useMemo(
    () =>
      list.flatMap(({ name, path }) => {
        const s = settings[name];
        const model = models[path];
        return s?.visible && model ? [{ model, opacity: s.opacity }] : [];
      }),
    [list, settings, models],
  );
  const urlLabels = useMemo(
    () => Object.fromEntries(Object.entries(settings).flatMap(([n, s]) => (s.visible ? [[n, s.opacity]] : []))),
    [settings],
  );
  const setSetting = (name: string, next: LabelSetting) => setSettings((s) => ({ ...s, [name]: next }));
  return { list, settings, setSetting, overlays, urlLabels };
}
