/** Preload: a small typed API through contextBridge (nothing exposed yet beyond the platform). */
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('zarrBridge', { platform: process.platform });
