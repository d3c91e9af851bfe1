// Retry Failed Rows: a finished Score File run with failed batches is scored again into a new output file, in input
// order: the rows the earlier output has predictions for are copied from it as they are written there, and the rows
// it has an error for are sent again. The earlier output is read back row by row against the input, as for Resume,
// so only an output written from this input is used.
import * as path from 'node:path';
import type { SourceRow } from '../rows/rowStream';
import type { EarlierOutput, EarlierRow } from './resume';

/** Consecutive rows of the earlier output: all scored there (copied) or all failed there (sent again). */
export interface RetryGroup {
  rows: SourceRow[];
  /** Set when the rows were scored in the earlier output: their records, to copy. */
  copied?: EarlierRow[];
}

/** Cuts the earlier output into groups of at most `count` rows that were all scored or all failed. */
export class RetryGroups {
  private held: EarlierRow | undefined;

  constructor(readonly output: EarlierOutput) {}

  async next(count: number): Promise<RetryGroup | undefined> {
    const first = this.held ?? (await this.output.next());
    this.held = undefined;
    if (!first) return undefined;
    const failed = first.error !== undefined;
    const group = [first];
    while (group.length < count) {
      const row = await this.output.next();
      if (!row) break;
      if ((row.error !== undefined) !== failed) {
        this.held = row;
        break;
      }
      group.push(row);
    }
    const rows = group.map((row) => row.source);
    return failed ? { rows } : { rows, copied: group };
  }
}

export interface RetryCounts {
  /** Rows sent again (they had an error in the earlier output). */
  retried: number;
  /** Of those, rows that failed again. */
  failedAgain: number;
  copied: number;
}

/** "Retried the 20 rows that had failed into data.retried.csv: all 20 scored now; the other 80 rows were copied from data.scored.csv." */
export function retryMessage(counts: RetryCounts, outputFile: string, earlierFile: string): string {
  const { retried, failedAgain, copied } = counts;
  const n = (count: number): string => count.toLocaleString('en-US');
  if (retried === 0) return `${earlierFile} has no failed rows: all ${n(copied)} rows were copied into ${outputFile}.`;
  const outcome = failedAgain === 0 ? `${retried === 1 ? 'it is' : `all ${n(retried)} are`} scored now` : `${n(retried - failedAgain)} scored now, ${n(failedAgain)} failed again (the error column says why)`;
  return `Retried the ${n(retried)} ${retried === 1 ? 'row' : 'rows'} that had failed into ${outputFile}: ${outcome}; the other ${n(copied)} rows were copied from ${earlierFile}.`;
}

/** `data.scored.csv` → `data.scored.retried.csv`, next to the earlier output (which is left as it is). */
export function retriedOutputPath(earlierOutput: string): string {
  const parsed = path.parse(earlierOutput);
  return path.join(parsed.dir, `${parsed.name}.retried${parsed.ext}`);
}
