/**
 * Settings: the bridge's URL and port, BossDB URL and token, allowed
 * origins, cache size. The desktop app saves them (the token only through
 * the OS keychain, or for this session when there is none); in the browser
 * they are the `zarr-bridge serve` flags, shown as the values the server
 * really runs with, read-only.
 */
import { useEffect, useState } from 'react';
import type { BridgeSettings } from '../../../shared/api';
import { api } from '../api/api';
import { humanError } from '../api/humanError';
import '../ui.css';

interface Props {
  onClose(): void;
  onError(message: string): void;
}

/** Browser mode: what `zarr-bridge serve` runs with, as facts rather than disabled fields. */
function ServeSettings({ settings }: { settings: BridgeSettings }): React.JSX.Element {
  const bossdbOn = settings.bossdbEnabled ?? settings.bossdbUrl !== '';
  return (
    <dl className="settings-facts" data-testid="serve-settings">
      <dt>Port</dt>
      <dd data-testid="setting-port">{settings.port}</dd>
      <dt>BossDB</dt>
      <dd data-testid="setting-bossdb">
        {bossdbOn ? (
          <code>{settings.bossdbUrl}</code>
        ) : (
          <>
            off (started with <code>--bossdb-url none</code>)
          </>
        )}
      </dd>
      {bossdbOn && (
        <>
          <dt>BossDB block cache</dt>
          <dd data-testid="setting-cache">{settings.cacheMb} MiB</dd>
        </>
      )}
      {settings.chunkCacheMb !== undefined && (
        <>
          <dt>Decoded-chunk cache</dt>
          <dd data-testid="setting-chunk-cache">{settings.chunkCacheMb} MiB</dd>
        </>
      )}
      <dt>Allowed origins</dt>
      <dd>
        <ul className="origins" data-testid="setting-origins">
          <li>pages on this computer (loopback), any port</li>
          {(settings.defaultAllowedOrigins ?? []).map((o) => (
            <li key={o}>
              <code>{o}</code>
            </li>
          ))}
          {settings.allowedOrigins.map((o) => (
            <li key={o}>
              <code>{o}</code> <small>(--allow-origin)</small>
            </li>
          ))}
        </ul>
      </dd>
      {settings.apiKeyRequired !== undefined && (
        <>
          <dt>API key</dt>
          <dd data-testid="setting-api-key">{settings.apiKeyRequired ? 'required (--api-key)' : 'not required'}</dd>
        </>
      )}
      {bossdbOn && (
        <>
          <dt>BossDB token</dt>
          <dd data-testid="token-status">
            {settings.hasBossdbToken
              ? 'given to zarr-bridge serve (--bossdb-token); it never reaches this page'
              : 'none: public BossDB data only'}
          </dd>
        </>
      )}
    </dl>
  );
}

export function SettingsPanel({ onClose, onError }: Props): React.JSX.Element {
  const [settings, setSettings] = useState<BridgeSettings>();
  const [bridgeUrl, setBridgeUrl] = useState('');
  const [token, setToken] = useState('');
  const [saved, setSaved] = useState('');
  const editable = api.mode === 'desktop';

  useEffect(() => {
    api.getSettings().then(setSettings, (e: unknown) => onError(humanError(e, 'Could not read the settings')));
    api.bridgeUrl().then(setBridgeUrl, () => undefined);
  }, [onError]);

  if (!settings) return <section className="settings">Loading settings…</section>;

  const save = async (update: Parameters<typeof api.updateSettings>[0]) => {
    try {
      setSettings(await api.updateSettings(update));
      setToken('');
      setSaved('Saved. Port, BossDB and cache changes apply when the app restarts.');
    } catch (e) {
      onError(humanError(e, 'Could not save the settings'));
    }
  };

  return (
    <section className="settings" data-testid="settings" aria-label="Settings">
      <h2>Settings</h2>
      <p>
        Bridge: <code>{bridgeUrl}</code>
      </p>
      {!editable ? (
        <>
          <p className="hint">
            These are the settings <code>zarr-bridge serve</code> runs with; change them with its flags (
            <code>zarr-bridge serve --help</code>).
          </p>
          <ServeSettings settings={settings} />
        </>
      ) : (
        <>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              void save({
                port: Number(f.get('port')),
                bossdbUrl: String(f.get('bossdbUrl')),
                cacheMb: Number(f.get('cacheMb')),
                allowedOrigins: String(f.get('origins'))
                  .split(/\s+/)
                  .filter((o) => o !== ''),
              });
            }}
          >
            <label>
              Port <input name="port" type="number" min={1} max={65535} defaultValue={settings.port} />
            </label>
            <label>
              BossDB URL <input name="bossdbUrl" defaultValue={settings.bossdbUrl} />
            </label>
            <label>
              BossDB block cache (MiB) <input name="cacheMb" type="number" min={0} defaultValue={settings.cacheMb} />
            </label>
            <label>
              More allowed origins (space-separated; the public viewers and pages on this computer are always allowed)
              <textarea name="origins" defaultValue={settings.allowedOrigins.join(' ')} />
            </label>
            <button type="submit">Save</button>
          </form>
          <h3>BossDB token</h3>
          <p data-testid="token-status">
            {settings.tokenStorage === 'keychain' && 'A token is stored in the system keychain.'}
            {settings.tokenStorage === 'session' &&
              'A token is set for this session only: this system has no keychain, so it is not saved to disk.'}
            {settings.tokenStorage === 'none' && 'No token: public BossDB data only.'}
          </p>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (token) void save({ bossdbToken: token });
            }}
          >
            <input
              type="password"
              autoComplete="off"
              aria-label="BossDB token"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              placeholder="token"
            />
            <button type="submit">Set token</button>
            {settings.hasBossdbToken && (
              <button type="button" onClick={() => void save({ bossdbToken: null })}>
                Forget token
              </button>
            )}
          </form>
        </>
      )}
      {saved && <p className="hint">{saved}</p>}
      <button type="button" onClick={onClose}>
        Close
      </button>
    </section>
  );
}
