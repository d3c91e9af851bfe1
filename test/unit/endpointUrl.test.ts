// Score URL parsing: both Fabric forms, casing, trailing slash, query strings and fragments, bad GUIDs,
// and the hosts that may receive the token.
import * as assert from 'node:assert/strict';
import {
  EndpointUrlError,
  isGuid,
  isLoopbackHost,
  isTokenHostAllowed,
  normalizeScoreUrl,
  parseScoreUrl,
  scoreUrl,
  SCORE_URL_EXAMPLE,
  endpointUrl,
  versionUrl,
} from '../../src/core/endpoints/endpointUrl';

const WS = '0d6c1a8e-5f4b-4c1e-9a77-3f2a1b0c9d10';
const MODEL = '9a1f7e2d-3c4b-4d5e-8f60-7182a3b4c5d6';
const HOST = 'https://api.fabric.microsoft.com';
const VERSION_URL = `${HOST}/v1/workspaces/${WS}/mlmodels/${MODEL}/endpoint/versions/1/score`;
const DEFAULT_URL = `${HOST}/v1/workspaces/${WS}/mlModels/${MODEL}/endpoint/score`;
const PUBLIC = { allowLoopback: false };
const LOOPBACK = { allowLoopback: true };

function refusal(input: string, options = PUBLIC): string {
  try {
    parseScoreUrl(input, options);
  } catch (error) {
    assert.ok(error instanceof EndpointUrlError, `expected EndpointUrlError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`expected "${input}" to be refused`);
}

describe('endpointUrl: parseScoreUrl', () => {
  it('reads workspace, model and version from the version form', () => {
    assert.deepEqual(parseScoreUrl(VERSION_URL, PUBLIC), { apiBase: `${HOST}/v1`, workspaceId: WS, modelId: MODEL, version: '1' });
  });

  it('reads the default-version form (no version)', () => {
    const ref = parseScoreUrl(DEFAULT_URL, PUBLIC);
    assert.deepEqual(ref, { apiBase: `${HOST}/v1`, workspaceId: WS, modelId: MODEL });
    assert.equal('version' in ref, false);
  });

  it('accepts any casing of the path segment, host and GUIDs and normalises the IDs to lower case', () => {
    const shouty = `https://API.Fabric.Microsoft.com/v1/Workspaces/${WS.toUpperCase()}/MLMODELS/${MODEL.toUpperCase()}/Endpoint/Versions/7/Score`;
    assert.deepEqual(parseScoreUrl(shouty, PUBLIC), { apiBase: `${HOST}/v1`, workspaceId: WS, modelId: MODEL, version: '7' });
    // Both documented spellings of each form are accepted.
    assert.equal(parseScoreUrl(DEFAULT_URL.replace('mlModels', 'mlmodels'), PUBLIC).version, undefined);
    assert.equal(parseScoreUrl(VERSION_URL.replace('mlmodels', 'mlModels'), PUBLIC).version, '1');
  });

  it('tolerates a trailing slash and surrounding whitespace', () => {
    assert.equal(parseScoreUrl(`${VERSION_URL}/`, PUBLIC).version, '1');
    assert.equal(parseScoreUrl(`  ${DEFAULT_URL}/ \n`, PUBLIC).modelId, MODEL);
  });

  it('ignores query strings and fragments', () => {
    assert.deepEqual(parseScoreUrl(`${VERSION_URL}?api-version=2024-01-01&x=1#details`, PUBLIC), parseScoreUrl(VERSION_URL, PUBLIC));
    assert.equal(parseScoreUrl(`${DEFAULT_URL}/?experience=fabric-developer`, PUBLIC).version, undefined);
  });

  it('keeps version names that are not numbers, decoded', () => {
    assert.equal(parseScoreUrl(VERSION_URL.replace('/versions/1/', '/versions/v%202/'), PUBLIC).version, 'v 2');
  });

  it('refuses a version segment that is not valid percent-encoding with the URL message, not "URI malformed"', () => {
    assert.match(refusal(VERSION_URL.replace('/versions/1/', '/versions/%E0%A4%A/')), /^The version "%E0%A4%A" in the URL is not valid\. Expected https:/);
  });

  it('refuses a workspace ID that is not a GUID, naming it and showing a valid URL', () => {
    const message = refusal(VERSION_URL.replace(WS, 'my-workspace'));
    assert.match(message, /The workspace ID "my-workspace" is not a GUID/);
    assert.ok(message.includes(SCORE_URL_EXAMPLE));
  });

  it('refuses a model ID that is not a GUID (one character short, or non-hex)', () => {
    assert.match(refusal(VERSION_URL.replace(MODEL, MODEL.slice(0, -1))), /The model ID "9a1f7e2d-3c4b-4d5e-8f60-7182a3b4c5d" is not a GUID/);
    assert.match(refusal(VERSION_URL.replace(MODEL, MODEL.replace('9a1f', 'zz1f'))), /The model ID ".*" is not a GUID/);
  });

  it('refuses text that is not a URL, with an example of a valid one', () => {
    const message = refusal('churn model v1');
    assert.match(message, /"churn model v1" is not a URL/);
    assert.ok(message.includes(SCORE_URL_EXAMPLE));
  });

  it('refuses other Fabric paths: the model item, the endpoint metadata, a version without /score', () => {
    for (const path of [`/v1/workspaces/${WS}/mlModels/${MODEL}`, `/v1/workspaces/${WS}/mlmodels/${MODEL}/endpoint`, `/v1/workspaces/${WS}/mlmodels/${MODEL}/endpoint/versions/1`, `/v1/workspaces/${WS}/mlmodels/${MODEL}/endpoint/versions/1/activate`]) {
      assert.match(refusal(`${HOST}${path}`), /It should end in \/endpoint\/versions\/<n>\/score \(one version\) or \/endpoint\/score \(default version\)/, path);
    }
  });

  it('refuses a host that is not a Fabric API host, even with a valid path', () => {
    const message = refusal(VERSION_URL.replace('api.fabric.microsoft.com', 'example.com'));
    assert.match(message, /example\.com is not a Fabric API host \(api\.fabric\.microsoft\.com\)/);
    assert.match(message, /credentials are only sent to Fabric/);
    assert.match(refusal(VERSION_URL.replace('api.fabric.microsoft.com', 'api.fabric.microsoft.com.evil.test')), /is not a Fabric API host/);
  });

  it('refuses plain http to Fabric', () => {
    assert.match(refusal(VERSION_URL.replace('https:', 'http:')), /Fabric endpoints use https/);
  });

  it('accepts loopback only when allowed', () => {
    const local = `http://127.0.0.1:5123/v1/workspaces/${WS}/mlmodels/${MODEL}/endpoint/versions/1/score`;
    assert.match(refusal(local), /127\.0\.0\.1:5123 is a local address\. Turn on the user setting "fabricMl\.allowLoopbackEndpoints"/);
    assert.deepEqual(parseScoreUrl(local, LOOPBACK), { apiBase: 'http://127.0.0.1:5123/v1', workspaceId: WS, modelId: MODEL, version: '1' });
    assert.equal(parseScoreUrl(local.replace('127.0.0.1', 'localhost'), LOOPBACK).apiBase, 'http://localhost:5123/v1');
  });
});

describe('endpointUrl: building URLs', () => {
  it('uses the documented casing: mlModels for the default score path, mlmodels elsewhere', () => {
    const ref = parseScoreUrl(DEFAULT_URL.replace('mlModels', 'MLMODELS'), PUBLIC);
    assert.equal(scoreUrl(ref), DEFAULT_URL);
    assert.equal(scoreUrl(ref, '3'), `${HOST}/v1/workspaces/${WS}/mlmodels/${MODEL}/endpoint/versions/3/score`);
    assert.equal(endpointUrl(ref), `${HOST}/v1/workspaces/${WS}/mlmodels/${MODEL}/endpoint`);
    assert.equal(versionUrl(ref, 'v 2'), `${HOST}/v1/workspaces/${WS}/mlmodels/${MODEL}/endpoint/versions/v%202`);
  });

  it('normalises a pasted URL: casing, no query, no trailing slash, lower-case IDs', () => {
    const pasted = `https://api.fabric.microsoft.com/v1/workspaces/${WS.toUpperCase()}/MLModels/${MODEL}/endpoint/versions/1/score/?a=b`;
    assert.equal(normalizeScoreUrl(pasted, PUBLIC), VERSION_URL);
    assert.equal(normalizeScoreUrl(`${DEFAULT_URL.replace('mlModels', 'mlmodels')}#x`, PUBLIC), DEFAULT_URL);
  });
});

describe('endpointUrl: hosts that may receive the token', () => {
  it('allows only https Fabric hosts, and loopback when allowed', () => {
    assert.equal(isTokenHostAllowed(VERSION_URL, PUBLIC), true);
    assert.equal(isTokenHostAllowed(VERSION_URL.replace('https:', 'http:'), PUBLIC), false);
    assert.equal(isTokenHostAllowed('https://example.com/v1/x', PUBLIC), false);
    assert.equal(isTokenHostAllowed('http://127.0.0.1:80/v1/x', PUBLIC), false);
    assert.equal(isTokenHostAllowed('http://127.0.0.1:80/v1/x', LOOPBACK), true);
    assert.equal(isTokenHostAllowed('http://[::1]:80/v1/x', LOOPBACK), true);
    assert.equal(isTokenHostAllowed('not a url', LOOPBACK), false);
  });

  it('recognises loopback hosts and GUIDs', () => {
    assert.deepEqual(['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'LOCALHOST'].map(isLoopbackHost), [true, true, true, true, true]);
    assert.deepEqual(['128.0.0.1', 'localhost.example.com', '10.0.0.1'].map(isLoopbackHost), [false, false, false]);
    assert.equal(isGuid(WS), true);
    assert.equal(isGuid(WS.toUpperCase()), true);
    assert.equal(isGuid(`{${WS}}`), false);
    assert.equal(isGuid(WS.replace(/-/g, '')), false);
  });
});

describe('score URL: the portal page instead of the score URL', () => {
  const ws = '11111111-2222-3333-4444-555555555555';
  const model = '66666666-7777-8888-9999-aaaaaaaaaaaa';
  const refusal = (text: string): string => {
    try {
      parseScoreUrl(text, { allowLoopback: false });
    } catch (error) {
      return (error as Error).message;
    }
    return 'accepted';
  };

  it('recognises the model page in the portal and offers the default-version score URL built from its IDs', () => {
    const message = refusal(`https://app.fabric.microsoft.com/groups/${ws}/mlmodels/${model}?experience=fabric-developer`);
    assert.match(message, /^This is a page of the Fabric portal, not the score URL\. On the ML model's page, open the version's Endpoint details and copy its score URL, or paste this URL/);
    assert.ok(message.endsWith(`https://api.fabric.microsoft.com/v1/workspaces/${ws}/mlModels/${model}/endpoint/score`), message);
  });

  it('says what to copy when the portal page does not name the model', () => {
    assert.match(refusal(`https://app.powerbi.com/groups/${ws}/list`), /^This is a page of the Fabric portal, not the score URL\..*\(https:\/\/api\.fabric\.microsoft\.com\/v1\/workspaces\/<workspace-guid>/);
  });
});
