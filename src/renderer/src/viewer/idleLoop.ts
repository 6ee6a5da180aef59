/**
 * Parks deck.gl's render loop while nothing on screen changes, and wakes it when something may.
 *
 * deck.gl runs luma.gl's AnimationLoop at the display's frame rate for as long as the canvas lives, asking each
 * frame whether anything needs drawing (deck.gl issues #6961 and #9084, open upstream). A viewer left open on an
 * unchanging image still costs a tenth of a core under SwiftShader, and wakes a laptop's CPU 60 times a second.
 * Here the loop stops asking for frames once QUIET_FRAMES frames in a row had nothing to update or draw, and asks
 * again as soon as:
 * - deck's layer or view manager is told something changed (a tile loaded or failed, new layers, a new view);
 * - deck is given new props (every React render of the viewer);
 * - the pointer, the wheel or a key acts on the canvas (controllers, picking and the cursor act in frames);
 * - the canvas changes size or the device pixel ratio changes (deck looks at both only in a frame);
 * and, for anything that marks a redraw without telling a manager (a layer's own state set from a promise), a
 * check every POLL_MS while parked.
 */

/** The parts of deck.gl's Deck this needs: managers and the loop are protected or internal in its types. */
interface DeckInternals {
  animationLoop: { _requestAnimationFrame(): void; setNeedsRedraw(reason: string): unknown } | null;
  layerManager: {
    needsUpdate(): string | false;
    setNeedsUpdate(reason: string): void;
    setNeedsRedraw(reason: string): void;
  } | null;
  viewManager: { setNeedsUpdate(reason: string): void } | null;
  canvas: HTMLCanvasElement | null;
  needsRedraw(opts: { clearRedrawFlags: boolean }): string | false;
  setProps(props: object): void;
}

/** Frames in a row with nothing to do before the loop parks: a quarter of a second at 60 frames/s. */
const QUIET_FRAMES = 15;
/** While parked, how often to look for a redraw nobody announced. */
const POLL_MS = 50;
const INPUT_EVENTS = ['pointerdown', 'pointermove', 'pointerup', 'wheel', 'keydown', 'touchstart'] as const;

/** The wake function of the Deck that owns each wrapped object (the Deck, its loop and its managers). */
const wakers = new WeakMap<object, () => void>();
const wrapped = new WeakSet<object>();

/** Wraps `proto[method]` (once per prototype and method) to wake the owner's loop after it runs. */
function wakeAfter(proto: Record<string, unknown>, method: string): void {
  const original = proto[method] as (...args: unknown[]) => unknown;
  if (wrapped.has(original)) return;
  const wrapper = function (this: object, ...args: unknown[]) {
    const out = original.apply(this, args);
    wakers.get(this)?.();
    return out;
  };
  wrapped.add(wrapper);
  proto[method] = wrapper;
}

export interface IdleLoop {
  /** Whether the loop is parked now (for tests). */
  readonly parked: boolean;
  /** Restores deck's own loop and removes every listener. */
  dispose(): void;
}

/** Parks `deck`'s render loop while idle (see the file's comment). Call once deck has its device (onLoad). */
export function parkWhenIdle(deck: object): IdleLoop | undefined {
  const d = deck as DeckInternals;
  const loop = d.animationLoop;
  const layers = d.layerManager;
  const views = d.viewManager;
  const canvas = d.canvas;
  if (!loop || !layers || !views || !canvas) return undefined;

  let quiet = 0;
  let parked = false;
  let ratio = window.devicePixelRatio;
  const busy = () => Boolean(d.needsRedraw({ clearRedrawFlags: false }) || layers.needsUpdate());

  const requestFrame = loop._requestAnimationFrame;
  // Called by the loop after each frame to ask for the next one.
  loop._requestAnimationFrame = function (this: unknown) {
    quiet = busy() ? 0 : quiet + 1;
    if (quiet >= QUIET_FRAMES) {
      parked = true;
      return;
    }
    requestFrame.call(loop);
  };
  const wake = () => {
    quiet = 0;
    if (!parked) return;
    parked = false;
    requestFrame.call(loop);
  };

  // Methods are wrapped on the prototype, once (deck seals its layer and view managers, so an instance cannot
  // take a wrapper of its own), and wake the loop of whichever Deck owns the instance.
  const owned = [layers, views, loop, d];
  for (const [target, method] of [
    [layers, 'setNeedsUpdate'],
    [layers, 'setNeedsRedraw'],
    [views, 'setNeedsUpdate'],
    [loop, 'setNeedsRedraw'],
    [d, 'setProps'],
  ] as const)
    wakeAfter(Object.getPrototypeOf(target) as Record<string, unknown>, method);
  for (const target of owned) wakers.set(target, wake);

  const target = canvas.parentElement ?? canvas;
  for (const type of INPUT_EVENTS) target.addEventListener(type, wake, { capture: true, passive: true });
  const resized = new ResizeObserver(wake);
  resized.observe(canvas);
  const poll = window.setInterval(() => {
    if (!parked) return;
    if (window.devicePixelRatio !== ratio || busy()) {
      ratio = window.devicePixelRatio;
      wake();
    }
  }, POLL_MS);

  return {
    get parked() {
      return parked;
    },
    dispose() {
      window.clearInterval(poll);
      resized.disconnect();
      for (const type of INPUT_EVENTS) target.removeEventListener(type, wake, { capture: true });
      for (const target of owned) wakers.delete(target);
      delete (loop as Partial<typeof loop>)._requestAnimationFrame;
      if (parked) {
        parked = false;
        requestFrame.call(loop);
      }
    },
  };
}
