/**
 * Persisted desktop settings (a JSON file in the app's data folder) and the
 * BossDB token, which is stored only encrypted by the OS keychain
 * (Electron's safeStorage, injected as `SecretBox`). Where the keychain is
 * missing (Linux without a secret service: `basic_text`), the token is kept
 * for this session only, and the settings say so.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BridgeSettings, SettingsUpdate } from '../shared/api.js';

export interface SecretBox {
  isEncryptionAvailable(): boolean;
  /** safeStorage.getSelectedStorageBackend() on Linux; undefined elsewhere. */
  backend(): string | undefined;
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

interface Stored {
  port: number;
  bossdbUrl: string;
  allowedOrigins: string[];
  cacheMb: number;
  recentSources: string[];
  /** base64 of the keychain-encrypted token. */
  sealedToken?: string;
}

const DEFAULTS: Stored = {
  port: 5020,
  bossdbUrl: 'https://api.bossdb.io',
  allowedOrigins: [],
  cacheMb: 512,
  recentSources: [],
};
const MAX_RECENT = 12;

export class SettingsStore {
  #stored: Stored = { ...DEFAULTS };
  #sessionToken?: string;

  private constructor(
    readonly file: string,
    private readonly secrets: SecretBox,
  ) {}

  static async open(file: string, secrets: SecretBox): Promise<SettingsStore> {
    const store = new SettingsStore(file, secrets);
    try {
      const raw = JSON.parse(await readFile(file, 'utf8')) as Partial<Stored>;
      store.#stored = { ...DEFAULTS, ...validated(raw) };
    } catch {
      // No file yet, or a damaged one: start from the defaults.
    }
    return store;
  }

  /** The keychain can protect the token (not Linux's hard-coded `basic_text` fallback). */
  get keychainAvailable(): boolean {
    return this.secrets.isEncryptionAvailable() && this.secrets.backend() !== 'basic_text';
  }

  settings(): BridgeSettings {
    const { port, bossdbUrl, allowedOrigins, cacheMb } = this.#stored;
    const hasBossdbToken = this.token() !== undefined;
    return {
      port,
      bossdbUrl,
      allowedOrigins: [...allowedOrigins],
      cacheMb,
      hasBossdbToken,
      tokenStorage: !hasBossdbToken ? 'none' : this.#stored.sealedToken ? 'keychain' : 'session',
    };
  }

  /** The token, for the main process only (never sent to the renderer). */
  token(): string | undefined {
    if (this.#sessionToken !== undefined) return this.#sessionToken;
    if (!this.#stored.sealedToken || !this.keychainAvailable) return undefined;
    try {
      return this.secrets.decrypt(Buffer.from(this.#stored.sealedToken, 'base64'));
    } catch {
      return undefined;
    }
  }

  async update(u: SettingsUpdate): Promise<BridgeSettings> {
    // The renderer may not set the sealed token directly.
    const { sealedToken: _ignored, recentSources: _recent, ...changes } = validated(u as Partial<Stored>);
    const next = { ...this.#stored, ...changes };
    if (u.bossdbToken === null) {
      next.sealedToken = undefined;
      this.#sessionToken = undefined;
    } else if (typeof u.bossdbToken === 'string' && u.bossdbToken !== '') {
      if (this.keychainAvailable) {
        next.sealedToken = this.secrets.encrypt(u.bossdbToken).toString('base64');
        this.#sessionToken = undefined;
      } else {
        // Never written to disk in plain text.
        next.sealedToken = undefined;
        this.#sessionToken = u.bossdbToken;
      }
    }
    this.#stored = next;
    await this.#save();
    return this.settings();
  }

  recentSources(): string[] {
    return [...this.#stored.recentSources];
  }

  async rememberSource(source: string): Promise<void> {
    this.#stored.recentSources = [source, ...this.#stored.recentSources.filter((s) => s !== source)].slice(
      0,
      MAX_RECENT,
    );
    await this.#save();
  }

  async #save(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, JSON.stringify(this.#stored, null, 2), { mode: 0o600 });
    await rename(tmp, this.file);
  }
}

/** Keeps only well-typed fields from untrusted input (the renderer, a hand-edited file). */
function validated(raw: Partial<Stored>): Partial<Stored> {
  const out: Partial<Stored> = {};
  if (Number.isInteger(raw.port) && (raw.port as number) > 0 && (raw.port as number) < 65536) out.port = raw.port;
  if (typeof raw.bossdbUrl === 'string' && /^https?:\/\//.test(raw.bossdbUrl))
    out.bossdbUrl = raw.bossdbUrl.replace(/\/+$/, '');
  if (Array.isArray(raw.allowedOrigins)) {
    out.allowedOrigins = raw.allowedOrigins.filter((o) => typeof o === 'string' && /^https?:\/\/[^/]+$/.test(o));
  }
  if (typeof raw.cacheMb === 'number' && raw.cacheMb >= 0 && raw.cacheMb <= 65536) out.cacheMb = raw.cacheMb;
  if (Array.isArray(raw.recentSources))
    out.recentSources = raw.recentSources.filter((s) => typeof s === 'string').slice(0, MAX_RECENT);
  if (typeof raw.sealedToken === 'string') out.sealedToken = raw.sealedToken;
  return out;
}
