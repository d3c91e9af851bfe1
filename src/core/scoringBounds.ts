// The default and the allowed range of every numeric `fabricMl.scoring.*` setting, in one place: the settings
// reader clamps to these, and a unit test checks that package.json offers exactly the same minimum, maximum
// and default, so the Settings editor never accepts a value the code then silently changes.
export interface Bound {
  default: number;
  minimum: number;
  maximum: number;
  /** Whole numbers only (the manifest's "integer"). */
  integer: boolean;
}

export const SCORING_BOUNDS = {
  batchSize: { default: 100, minimum: 1, maximum: 10_000, integer: true },
  concurrency: { default: 4, minimum: 1, maximum: 32, integer: true },
  maxConcurrency: { default: 16, minimum: 1, maximum: 64, integer: true },
  requestTimeoutSeconds: { default: 100, minimum: 1, maximum: 3600, integer: false },
  maxRetries: { default: 3, minimum: 0, maximum: 10, integer: true },
  maxRetryAfterSeconds: { default: 120, minimum: 1, maximum: 3600, integer: false },
  defaultRows: { default: 20, minimum: 1, maximum: 1_000_000, integer: true },
  confirmAboveRows: { default: 10_000, minimum: 1, maximum: 100_000_000, integer: true },
  maxRecordBytes: { default: 1_048_576, minimum: 1024, maximum: 2 ** 30, integer: true },
} as const satisfies Record<string, Bound>;

export type ScoringBoundName = keyof typeof SCORING_BOUNDS;

/** A setting's value within its bounds; the default when it is missing or not a finite number. */
export function clampSetting(name: ScoringBoundName, value: unknown): number {
  const bound: Bound = SCORING_BOUNDS[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) return bound.default;
  const clamped = Math.min(bound.maximum, Math.max(bound.minimum, value));
  return bound.integer ? Math.round(clamped) : clamped;
}
