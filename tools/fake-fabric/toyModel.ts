// A deterministic stand-in for the churn model, so tests can assert exact predictions.

const PLAN_WEIGHTS = new Map<string, number>([
  ['basic', 0.3],
  ['plus', 0],
  ['pro', -0.4],
]);

/**
 * Predicts [churn_probability, churn_label] for one row keyed by input column name.
 * Null or missing numbers count as 0 and a null is_active as false. A plan starting with '<' becomes the
 * label verbatim: it lets tests prove that endpoint-supplied text is rendered as text, never as markup.
 */
export function predictChurn(row: Record<string, unknown>): [number, string] {
  return predictChurnVersion(row, '1');
}

/** Version "2" stands for a retrained model that rates churn higher, so comparing versions shows differences. */
export function predictChurnVersion(row: Record<string, unknown>, version: string): [number, string] {
  const plan = row.plan;
  const z =
    (version === '2' ? 0.9 : 0) +
    0.04 * (toNumber(row.age) - 40) -
    0.00002 * (toNumber(row.income) - 50000) -
    0.03 * toNumber(row.tenure_months) +
    (toBoolean(row.is_active) ? -0.8 : 0.6) +
    (typeof plan === 'string' ? (PLAN_WEIGHTS.get(plan) ?? 0) : 0);
  const probability = Math.round((1 / (1 + Math.exp(-z))) * 10000) / 10000;
  if (typeof plan === 'string' && plan.startsWith('<')) return [probability, plan];
  return [probability, probability >= 0.5 ? 'churn' : 'stay'];
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : 0;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  return 0;
}

function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return /^(true|1|yes)$/i.test(value.trim());
  return false;
}
