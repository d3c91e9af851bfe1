// Fixed identities and signatures of the demo "churn" model served by the fake Fabric server. Shared by
// unit tests, integration tests, the demo launch and the benchmark, so every one of them talks about the
// same workspace, model, versions and service principal.
import type { EndpointVersionInfo, SignatureField } from '../../src/core/endpoints/model';

export const DEMO_TENANT_ID = '72f988bf-0000-4000-8000-00000000fab1';
export const DEMO_CLIENT_ID = '2b7c1c55-0000-4000-8000-00000000c11e';
/** Contains + & = on purpose: a token body that is not URL-encoded breaks on it. */
export const DEMO_CLIENT_SECRET = 'demo~Secret.Value+with&odd=chars_0123456789';
export const DEMO_WORKSPACE_ID = '0d6c1a8e-5f4b-4c1e-9a77-3f2a1b0c9d10';
export const DEMO_MODEL_ID = '9a1f7e2d-3c4b-4d5e-8f60-7182a3b4c5d6';
export const DEMO_MODEL_NAME = 'churn-model';
export const DEMO_DEFAULT_VERSION = '1';
/** A model in the demo workspace whose endpoint has no default version (its default score URL fails). */
export const DEMO_NO_DEFAULT_MODEL_ID = '4c2e8b1a-6d7f-4a0b-9c3d-5e6f7a8b9c0d';
export const DEMO_NO_DEFAULT_MODEL_NAME = 'forecast-model';
/** The Microsoft account of the demo and of the tests that sign in (fake Entra, resource-owner password grant). */
export const DEMO_USER_NAME = 'data.engineer@contoso.example';
export const DEMO_USER_PASSWORD = 'demo-user-password';
/** A workspace the demo user can see but not read: listing its models answers 403. */
export const DEMO_FORBIDDEN_WORKSPACE_ID = '6b1d0c9e-2a3f-4e5d-8c7b-1a2b3c4d5e6f';

/** The workspaces the fake lists, in order: the demo workspace first. */
export const DEMO_WORKSPACES: ReadonlyArray<{ id: string; displayName: string; forbidden?: boolean }> = [
  { id: DEMO_WORKSPACE_ID, displayName: 'Demo workspace' },
  { id: '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b', displayName: 'Sales analytics' },
  { id: DEMO_FORBIDDEN_WORKSPACE_ID, displayName: 'Finance (restricted)', forbidden: true },
];

export const CHURN_INPUT_SIGNATURE: SignatureField[] = [
  { name: 'age', type: 'double', required: true },
  { name: 'income', type: 'double', required: true },
  { name: 'tenure_months', type: 'long', required: true },
  { name: 'is_active', type: 'boolean', required: true },
  { name: 'plan', type: 'string', required: false },
  { name: 'signup_date', type: 'datetime', required: false },
];

export const CHURN_OUTPUT_SIGNATURE: SignatureField[] = [
  { name: 'churn_probability', type: 'double', required: true },
  { name: 'churn_label', type: 'string', required: true },
];

/** Fresh copies of the demo model's versions: 1 Active (default), 2 Deactivated, 3 Failed. */
export function demoVersions(): EndpointVersionInfo[] {
  const signatures = (): Pick<EndpointVersionInfo, 'inputSignature' | 'outputSignature'> => ({
    inputSignature: CHURN_INPUT_SIGNATURE.map((f) => ({ ...f })),
    outputSignature: CHURN_OUTPUT_SIGNATURE.map((f) => ({ ...f })),
  });
  return [
    { versionName: '1', status: 'Active', scaleRule: 'AllowScaleToZero', ...signatures() },
    { versionName: '2', status: 'Deactivated', scaleRule: 'AlwaysOn', ...signatures() },
    {
      versionName: '3',
      status: 'Failed',
      scaleRule: 'AllowScaleToZero',
      ...signatures(),
      failureDetails: { errorCode: 'InvalidInput', message: 'Tensor-based models are not supported yet.' },
    },
  ];
}
