// `npm run test:live`: a small opt-in suite against a real Fabric tenant, never part of `npm test` or CI. It
// answers the open questions of the reference (§3–§5) and prints a table a maintainer can paste into an issue.
// Without its environment variables it skips with one line saying which to set.
//
//   FABRIC_LIVE_SCORE_URL      a version score URL (…/mlmodels/<model>/endpoint/versions/<n>/score)
//   and either a service principal: FABRIC_LIVE_TENANT_ID, FABRIC_LIVE_CLIENT_ID, FABRIC_LIVE_CLIENT_SECRET
//   or a user token:            FABRIC_LIVE_USER_TOKEN (e.g. az account get-access-token --resource https://api.fabric.microsoft.com)
//   FABRIC_LIVE_ROW            optional: one input row as JSON ({"age": 34, …}); without it, scoring checks are skipped
import * as assert from 'node:assert/strict';
import { MsalTokenSource } from '../../src/core/auth/tokenProvider';
import { endpointUrl, parseScoreUrl, scoreUrl } from '../../src/core/endpoints/endpointUrl';
import type { EndpointRef, EndpointVersionInfo } from '../../src/core/endpoints/model';
import { buildScoreBody } from '../../src/core/fabric/scoreBody';
import { registerSecret } from '../../src/core/redact';

const env = process.env;
const MISSING = ['FABRIC_LIVE_SCORE_URL'].filter(k => !env[k]);
const HAS_SP = !!(env.FABRIC_LIVE_TENANT_ID && env.FABRIC_LIVE_CLIENT_ID && env.FABRIC_LIVE_CLIENT_SECRET);
const HAS_USER = !!env.FABRIC_LIVE_USER_TOKEN;
const SKIP_REASON =
  MISSING.length || !(HAS_SP || HAS_USER)
    ? 'test:live skipped: set FABRIC_LIVE_SCORE_URL and either FABRIC_LIVE_TENANT_ID, FABRIC_LIVE_CLIENT_ID, FABRIC_LIVE_CLIENT_SECRET (service principal) or FABRIC_LIVE_USER_TOKEN (see README, "Live checks")'
    : undefined;

interface Row {
  question: string;
  answer: string;
  detail: string;
}

describe('Live checks against a real Fabric tenant (opt-in)', function () {
  this.timeout(180_000);
  const rows: Row[] = [];
  let ref: EndpointRef;
  let token: string;
  let version: EndpointVersionInfo | undefined;
  let sample: Record<string, unknown> | undefined;

  before(async function () {
    if (SKIP_REASON) {
      console.log(SKIP_REASON);
      this.skip();
    }
    ref = parseScoreUrl(env.FABRIC_LIVE_SCORE_URL!, { allowLoopback: false });
    sample = env.FABRIC_LIVE_ROW ? (JSON.parse(env.FABRIC_LIVE_ROW) as Record<string, unknown>) : undefined;
    if (HAS_USER) {
      token = env.FABRIC_LIVE_USER_TOKEN!.trim();
      registerSecret(token);
      rows.push({ question: 'Identity', answer: 'user token', detail: '' });
    } else {
      token = await new MsalTokenSource({ cloud: 'public', allowLoopback: false }).getToken({ tenantId: env.FABRIC_LIVE_TENANT_ID!, clientId: env.FABRIC_LIVE_CLIENT_ID!, clientSecret: env.FABRIC_LIVE_CLIENT_SECRET! });
      rows.push({ question: 'Identity', answer: 'service principal', detail: 'client credentials, scope https://api.fabric.microsoft.com/.default' });
    }
  });

  after(function () {
    if (SKIP_REASON || rows.length === 0) return;
    console.log('\n| Question | Answer | Detail |\n|---|---|---|');
    for (const r of rows) console.log(`| ${r.question} | ${r.answer} | ${r.detail.replace(/\|/g, '\\|')} |`);
  });

  const call = async (method: 'GET' | 'POST', url: string, body?: string): Promise<{ status: number; text: string }> => {
    const response = await fetch(url, { method, body, redirect: 'manual', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' } });
    return { status: response.status, text: (await response.text()).slice(0, 300) };
  };

  it('which scopes a user token carries (scp claim)', function () {
    if (!HAS_USER) return void rows.push({ question: 'User token scopes', answer: 'n/a', detail: 'run with FABRIC_LIVE_USER_TOKEN' });
    const payload = token.split('.')[1];
    const claims = payload ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { scp?: string; roles?: string[] }) : {};
    rows.push({ question: 'User token scopes', answer: claims.scp ?? '(no scp claim)', detail: claims.roles ? `roles: ${claims.roles.join(' ')}` : '' });
  });

  it('reads the version metadata and its signature', async () => {
    const answer = await call('GET', `${endpointUrl(ref)}/versions/${encodeURIComponent(ref.version ?? '')}`);
    rows.push({ question: 'Version metadata', answer: String(answer.status), detail: answer.status === 200 ? '' : answer.text });
    assert.equal(answer.status, 200, answer.text);
    version = JSON.parse(answer.text) as EndpointVersionInfo;
    rows.push({ question: 'Status / scale rule', answer: `${version.status} / ${version.scaleRule ?? '?'}`, detail: (version.inputSignature ?? []).map(f => `${f.name}:${f.type}`).join(', ') });
  });

  it('which body shapes the score API accepts (values, record, the how-to\'s bare record)', async function () {
    if (!sample) return void rows.push({ question: 'Body shapes', answer: 'skipped', detail: 'set FABRIC_LIVE_ROW to a JSON input row' });
    const columns = Object.keys(sample);
    const values = Object.values(sample);
    for (const [name, body] of [
      ['values', buildScoreBody(columns, [values], 'values')],
      ['record', buildScoreBody(columns, [values], 'record')],
      ['bare record (how-to)', JSON.stringify(sample)],
    ] as const) {
      const answer = await call('POST', scoreUrl(ref), body);
      rows.push({ question: `Body shape: ${name}`, answer: String(answer.status), detail: answer.status < 300 ? '' : answer.text });
    }
  });

  it('whether a whole double sent as 34 is accepted for a double column', async function () {
    const double = version?.inputSignature?.find(f => f.type === 'double');
    if (!sample || !double) return void rows.push({ question: 'Whole double as 34', answer: 'skipped', detail: sample ? 'no double column' : 'set FABRIC_LIVE_ROW' });
    const row = { ...sample, [double.name]: 34 };
    const answer = await call('POST', scoreUrl(ref), buildScoreBody(Object.keys(row), [Object.values(row)], 'values'));
    rows.push({ question: `Whole double as 34 (${double.name})`, answer: String(answer.status), detail: answer.status < 300 ? '' : answer.text });
  });

  it('whether the lower-case mlmodels default score path works', async function () {
    if (!sample) return void rows.push({ question: 'Lower-case default path', answer: 'skipped', detail: 'set FABRIC_LIVE_ROW' });
    const url = `${ref.apiBase}/workspaces/${ref.workspaceId}/mlmodels/${ref.modelId}/endpoint/score`;
    const answer = await call('POST', url, buildScoreBody(Object.keys(sample), [Object.values(sample)], 'values'));
    rows.push({ question: 'Lower-case mlmodels default path', answer: String(answer.status), detail: answer.status < 300 ? '' : answer.text });
  });

  it('how often scoring answers 202 (long-running) out of 5 calls', async function () {
    if (!sample) return void rows.push({ question: '202 answers', answer: 'skipped', detail: 'set FABRIC_LIVE_ROW' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call('POST', scoreUrl(ref), buildScoreBody(Object.keys(sample), [Object.values(sample)], 'values'))).status);
    rows.push({ question: '202 answers out of 5', answer: String(statuses.filter(s => s === 202).length), detail: `statuses: ${statuses.join(', ')}` });
  });
});
