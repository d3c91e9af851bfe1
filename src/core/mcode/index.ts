// M code generation for Fabric ML endpoints. `generateM` is the one entry point the features use; the escaping
// helpers and the secret scan are exported for the diagnostics and the tests.
import { generateCompatible } from './generateCompatible';
import { generateInvocation } from './generateInvocation';
import { generateRecommended } from './generateRecommended';
import { type GenerateMInput, type MVariant, MGenerationError } from './mText';

export type { GenerateMInput, MColumn, MVariant, MToken } from './mText';
export {
  MGenerationError, isBareIdentifier, isSectionDocument, mIdentifier, mText, mTypeFor, scoreFunctionName, tokenizeM,
  DEFAULT_AUTHORITY_HOST,
} from './mText';
export { BATCH_FUNCTION, MANUAL_STATUSES, TOKEN_FUNCTION } from './generateRecommended';
export { type SecretFinding, type SecretFix, SECRET_PARAMETER, scanForSecrets, secretFixFor } from './secretScan';

export const M_VARIANTS: readonly MVariant[] = ['recommended', 'compatible', 'invocation'];

/** Generates M text for an endpoint. Throws MGenerationError for input that cannot become valid M. */
export function generateM(variant: MVariant, input: GenerateMInput): string {
  switch (variant) {
    case 'recommended':
      return generateRecommended(input);
    case 'compatible':
      return generateCompatible(input);
    case 'invocation':
      return generateInvocation(input);
    default:
      throw new MGenerationError(`Unknown M variant "${String(variant)}"; expected one of ${M_VARIANTS.join(', ')}.`);
  }
}
