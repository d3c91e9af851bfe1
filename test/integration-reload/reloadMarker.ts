// What the phase before the window reload hands to the phase after it: the run shown, and the tokens and secret
// that must not be found in what the window kept.
import * as fs from 'fs';

export const RELOAD_ROWS = 3000;
/** The id in the first column of row i (zero-based) of the file scored before the reload. */
export const reloadRowId = (i: number) => `R-${String(i + 1).padStart(5, '0')}`;

export interface ReloadMarker {
  runId: string;
  rows: number;
  csvFile: string;
  tokens: string[];
  clientSecret: string;
}

export function reloadMarkerFile(): string {
  const file = process.env.FABRIC_ML_RELOAD_MARKER;
  if (!file) throw new Error('FABRIC_ML_RELOAD_MARKER is not set: run this suite with npm run test:integration.');
  return file;
}

export function writeReloadMarker(marker: ReloadMarker): void {
  fs.writeFileSync(reloadMarkerFile(), JSON.stringify(marker));
}

export function readReloadMarker(): ReloadMarker {
  return JSON.parse(fs.readFileSync(reloadMarkerFile(), 'utf8')) as ReloadMarker;
}
