/**
 * Secrets stay secret: the BossDB token and the bridge's API key appear in no
 * response body or header and in no log line, even when requests fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { createLogger } from '../src/bridge/util/log.js';
import { type BossdbFixture, FIXTURE_TOKEN, startBossdbFixture } from './bossdb-fixture/index.js';

describe('secrets', () => {
  let fixture: BossdbFixture;
  let good: Bridge;
  let bad: Bridge;
  const lines: string[] = [];
  const API_KEY = 'k3y-that-must-not-leak-8d1e';
  const BAD_TOKEN = 'wrong-token-that-must-not-leak-77aa';

  beforeAll(async () => {
    fixture = await startBossdbFixture();
    const logger = createLogger('debug', (l) => lines.push(l));
    good = await startBridge({
      port: 0,
      apiKey: API_KEY,
      logger,
      bossdb: { url: fixture.url, token: FIXTURE_TOKEN, retries: 0 },
    });
    bad = await startBridge({
      port: 0,
      apiKey: API_KEY,
      logger,
      bossdb: { url: fixture.url, token: BAD_TOKEN, retries: 0 },
    });
  });
  afterAll(async () => {
    await good?.close();
    await bad?.close();
    await fixture?.close();
  });

  it('never shows the token or the API key', async () => {
    const texts: string[] = [];
    const paths = [
      '/catalog/bossdb',
      '/catalog/bossdb/zb_private/secret/data',
      '/zarr/v3/bossdb/zb_private/secret/data/0/c/0/0/0',
      '/zarr/v2/bossdb/zb_public/aniso/hidden/0/.zarray',
      '/n5/bossdb/zb_public/aniso/em/s0/0/0/0',
      '/api/zb_public/nope/em/attributes.json',
    ];
    for (const b of [good, bad]) {
      for (const path of paths) {
        for (const auth of [`?api_key=${API_KEY}`, '']) {
          const res = await fetch(
            `${b.url}${path}${auth}`,
            auth ? {} : { headers: { Authorization: `Apikey ${API_KEY}` } },
          );
          texts.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
        }
      }
    }
    // The private channel reads with the good token and fails (as an upstream error) with the bad one.
    expect(texts.some((t) => t.startsWith('200'))).toBe(true);
    expect(texts.some((t) => t.startsWith('502'))).toBe(true);
    // Access lines were written (so redaction was exercised), with the key masked.
    expect(lines.some((l) => l.includes('api_key=[redacted]'))).toBe(true);
    const all = texts.join('\n') + lines.join('\n');
    for (const secret of [FIXTURE_TOKEN, BAD_TOKEN, API_KEY]) expect(all.includes(secret), secret).toBe(false);
  });
});
