/**
 * Settings: the bridge's URL and port, BossDB URL and token, allowed
 * origins, cache size. The desktop app saves them (the token only through
 * the OS keychain, or for this session when there is none); in the browser
 * they are the `zarr-bridge serve` flags and are shown read-only.
 */
import { useEffect, useState } from 'react';
import type { BridgeSettings } from '../../../shared/api';
import { api } from '../api/api';

interface Props {
  onClose(): void;
  onError(message: string): void;
}

export function SettingsPanel({ onClose, onError }: Props): React.JSX.Element {
  const [settings, setSettings] = useState<BridgeSettings>();
  const [bridgeUrl, setBridgeUrl] = useState('');
  const [token, setToken] = useState('');
  const [saved, setSaved] = useState('');
  const editable = api.mode === 'desktop';

  useEffect(() => {
    api.getSettings().then(setSettings, (e: Error) => onError(`Settings: ${e.message}`));
    api.bridgeUrl().then(setBridgeUrl, () => undefined);
  }, [onError]);

  if (!settings) return <section className="settings">Loading settings…</section>;

  const save = async (update: Parameters<typeof api.updateSettings>[0]) => {
    try {
      setSettings(await api.updateSettings(update));
      setToken('');
      setSaved('Saved. Port, BossDB and cache changes apply when the app restarts.');
    } catch (e) {
      onError(`Settings: ${(e as Error).message}`);
    }
  };

  return (
    <section className="settings" data-testid="settings">
      <h2>Settings</h2>
      <p>
        Bridge: <code>{bridgeUrl}</code>
      </p>
      {!editable && (
        <p className="hint">
          In the browser these are the flags of <code>zarr-bridge serve</code>.
        </p>
      )}
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
          Port <input name="port" type="number" min={1} max={65535} defaultValue={settings.port} disabled={!editable} />
        </label>
        <label>
          BossDB URL <input name="bossdbUrl" defaultValue={settings.bossdbUrl} disabled={!editable} />
        </label>
        <label>
          Cache (MiB){' '}
          <input name="cacheMb" type="number" min={0} defaultValue={settings.cacheMb} disabled={!editable} />
        </label>
        <label>
          Allowed origins (space-separated)
          <textarea name="origins" defaultValue={settings.allowedOrigins.join(' ')} disabled={!editable} />
        </label>
        {editable && <button type="submit">Save</button>}
      </form>
      <h3>BossDB token</h3>
      <p data-testid="token-status">
        {settings.tokenStorage === 'keychain' && 'A token is stored in the system keychain.'}
        {settings.tokenStorage === 'session' &&
          'A token is set for this session only: this system has no keychain, so it is not saved to disk.'}
        {settings.tokenStorage === 'none' && 'No token: public BossDB data only.'}
      </p>
      {editable && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (token) void save({ bossdbToken: token });
          }}
        >
          <input
            type="password"
            autoComplete="off"
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
      )}
      {saved && <p className="hint">{saved}</p>}
      <button type="button" onClick={onClose}>
        Close
      </button>
    </section>
  );
}
