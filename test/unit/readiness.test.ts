// The one readiness rule: every reason an endpoint may not be called, in the order a user meets them, with
// the message they see; the menu flags it yields; and the credential validators, which never quote a
// rejected value (a secret pasted into the wrong field must not reach a log or an error).
import * as assert from 'node:assert/strict';
import { authorityChange, rotationRefusal, validateClientId, validateProfileId, validateSecret, validateTenant } from '../../src/core/auth/binding';
import { describeEdit } from '../../src/core/endpoints/describeEdit';
import { endpointReadiness, readinessFlags, unknownEndpointMessage, type EndpointFacts } from '../../src/core/endpoints/readiness';

const FABRIC_URL = 'https://api.fabric.microsoft.com/v1/workspaces/11111111-1111-1111-1111-111111111111/mlmodels/22222222-2222-2222-2222-222222222222/endpoint/versions/1/score';
const LOCAL_URL = 'http://127.0.0.1:7357/v1/workspaces/11111111-1111-1111-1111-111111111111/mlmodels/22222222-2222-2222-2222-222222222222/endpoint/versions/1/score';
const PUBLIC = 'https://login.microsoftonline.com';

function facts(overrides: Partial<EndpointFacts> = {}): EndpointFacts {
  return {
    endpointId: 'churn',
    definition: { id: 'churn', name: 'Churn', scoreUrl: FABRIC_URL, profileId: 'default' },
    profileLabel: 'Prod app',
    allowLoopback: false,
    isLoopbackOriginApproved: () => false,
    stored: { authority: PUBLIC },
    currentAuthority: PUBLIC,
    ...overrides,
  };
}

describe('endpointReadiness (the one rule)', () => {
  it('is ready for a Fabric URL with credentials bound to the current authority', () => {
    const r = endpointReadiness(facts());
    assert.equal(r.kind, 'ready');
    assert.equal(r.kind === 'ready' && r.origin, 'https://api.fabric.microsoft.com');
    assert.deepEqual(readinessFlags(r), { callable: true, editable: true });
  });

  it('refuses an unknown id with the one "unknown endpoint" message', () => {
    const r = endpointReadiness(facts({ definition: undefined, endpointId: 'nope' }));
    assert.equal(r.kind === 'refused' && r.reason, 'unknownEndpoint');
    assert.equal(r.kind === 'refused' && r.title, unknownEndpointMessage('nope'));
    assert.equal(unknownEndpointMessage('nope'), 'There is no Fabric ML endpoint with id "nope". Add it with "Fabric ML: Add Endpoint".');
  });

  it('refuses an untrusted workspace endpoint before looking at its URL or credentials, and offers no menu', () => {
    const r = endpointReadiness(facts({ untrustedOrigin: 'workspace settings', stored: undefined, definition: { id: 'churn', name: 'Churn', scoreUrl: 'not a url', profileId: 'default' } }));
    assert.equal(r.kind === 'refused' && r.reason, 'restricted');
    assert.match(r.kind === 'refused' ? r.title : '', /never called with your credentials/);
    assert.equal(r.kind === 'refused' && r.short, 'From workspace settings of an untrusted workspace: listed, never called with your credentials.');
    assert.deepEqual(readinessFlags(r), { callable: false, editable: false });
  });

  it('refuses a URL that does not parse, and keeps it editable', () => {
    const r = endpointReadiness(facts({ definition: { id: 'churn', name: 'Churn', scoreUrl: 'https://example.com/score', profileId: 'default' } }));
    assert.equal(r.kind === 'refused' && r.reason, 'invalidUrl');
    assert.match(r.kind === 'refused' ? r.title : '', /^"Churn" cannot be called: example\.com is not a Fabric API host/);
    assert.deepEqual(readinessFlags(r), { callable: false, editable: true });
  });

  it('refuses a local address while the loopback setting is off', () => {
    const r = endpointReadiness(facts({ definition: { id: 'churn', name: 'Churn', scoreUrl: LOCAL_URL, profileId: 'default' } }));
    assert.equal(r.kind === 'refused' && r.reason, 'invalidUrl');
    assert.match(r.kind === 'refused' ? r.title : '', /local address.*fabricMl\.allowLoopbackEndpoints/);
  });

  it('refuses a local address the user has not approved, even with the loopback setting on', () => {
    const approved = new Set<string>();
    const local = facts({ definition: { id: 'churn', name: 'Churn', scoreUrl: LOCAL_URL, profileId: 'default' }, allowLoopback: true, isLoopbackOriginApproved: o => approved.has(o) });
    const r = endpointReadiness(local);
    assert.equal(r.kind === 'refused' && r.reason, 'loopbackNotApproved');
    assert.equal(r.kind === 'refused' && r.title, '"Churn" calls the local address http://127.0.0.1:7357, which you have not approved to receive your Fabric token.');
    assert.deepEqual(readinessFlags(r), { callable: true, editable: true });
    approved.add('http://127.0.0.1:7357');
    assert.equal(endpointReadiness(local).kind, 'ready');
    // The approval is for that exact origin: another port on the same machine is not approved.
    approved.clear();
    approved.add('http://127.0.0.1:7358');
    assert.equal(endpointReadiness(local).kind, 'refused');
  });

  it('refuses missing credentials, naming the service principal and the command', () => {
    const r = endpointReadiness(facts({ stored: undefined }));
    assert.equal(r.kind === 'refused' && r.reason, 'credentialsMissing');
    assert.equal(r.kind === 'refused' && r.title, 'Credentials missing for service principal "Prod app" (used by "Churn"). Run "Fabric ML: Set Credentials" to store its tenant ID, client ID and client secret.');
  });

  it('refuses credentials bound to another authority than the settings name now', () => {
    const r = endpointReadiness(facts({ currentAuthority: 'https://login.microsoftonline.us' }));
    assert.equal(r.kind === 'refused' && r.reason, 'authorityChanged');
    assert.equal(r.kind === 'refused' && r.title, 'The sign-in authority changed from https://login.microsoftonline.com to https://login.microsoftonline.us since the credentials of "Prod app" were stored.');
    assert.equal(r.kind === 'refused' && r.action, 'To send them there, run "Fabric ML: Set Credentials" again for this profile.');
  });
});

describe('authority binding', () => {
  it('reports a change only when the current authority is known and differs', () => {
    assert.equal(authorityChange({ authority: PUBLIC }, PUBLIC), undefined);
    assert.equal(authorityChange({ authority: PUBLIC }, undefined), undefined);
    assert.deepEqual(authorityChange({ authority: PUBLIC }, 'http://127.0.0.1:9'), { storedFor: PUBLIC, current: 'http://127.0.0.1:9' });
  });

  it('refuses to rotate a secret while the settings name another authority', () => {
    assert.equal(rotationRefusal({ authority: PUBLIC }, PUBLIC, 'Prod app'), undefined);
    assert.match(rotationRefusal({ authority: PUBLIC }, 'https://evil.example', 'Prod app') ?? '', /Rotating the secret keeps that authority/);
  });
});

describe('credential validators never quote the rejected value', () => {
  const secretLike = 'Xq8~kP2vN5rT9wY3zA6bC1dE4fG7hJ0mL2nQ5sU8';

  it('a 40-character secret pasted as the client ID is described by its length only', () => {
    const message = validateClientId(secretLike) ?? '';
    assert.ok(message, 'rejected');
    assert.ok(!message.includes(secretLike.slice(0, 6)), message);
    assert.match(message, /must be a GUID \(36 characters.*the value entered has 40 characters/);
  });

  it('a secret pasted as the tenant ID is described by its length only', () => {
    const message = validateTenant(secretLike) ?? '';
    assert.ok(message && !message.includes(secretLike.slice(0, 6)), message);
    assert.match(message, /GUID .* or a domain such as contoso\.onmicrosoft\.com \(the value entered has 40 characters\)/);
  });

  it('a bad profile id is described by its length only', () => {
    const message = validateProfileId(`x y ${secretLike}`) ?? '';
    assert.ok(message && !message.includes(secretLike.slice(0, 6)), message);
  });

  it('accepts what Entra accepts', () => {
    assert.equal(validateTenant('72f988bf-86f1-41af-91ab-2d7cd011db47'), undefined);
    assert.equal(validateTenant('contoso.onmicrosoft.com'), undefined);
    assert.ok(validateTenant('common'), '"common" is not a tenant the credentials can be bound to');
    assert.equal(validateClientId('04b07795-8ddb-461a-bbee-02f9e1bf7b46'), undefined);
    assert.equal(validateSecret(secretLike), undefined);
    assert.match(validateSecret('04b07795-8ddb-461a-bbee-02f9e1bf7b46') ?? '', /secret's ID/);
  });
});

describe('Edit Endpoint confirmation', () => {
  const before = { id: 'churn', name: 'Churn', scoreUrl: FABRIC_URL, profileId: 'default' };
  const label = (id: string): string => (id === 'default' ? 'Default app' : 'Prod app');

  it('says what changed', () => {
    assert.equal(describeEdit(before, { ...before, batchSize: 250 }, label), 'batch size the fabricMl.scoring.batchSize setting → 250');
    assert.equal(describeEdit(before, { ...before, name: 'Churn v2', profileId: 'prod' }, label), 'renamed from "Churn", now calls as "Prod app" instead of "Default app"');
    assert.equal(describeEdit(before, { ...before }, label), 'nothing changed');
  });
});
