/**
 * Re-renders BENCHMARKS.md and BENCHMARKS.svg from a run's JSON, without measuring again
 * (after editing the Tuning prose in report/tuning.md, or the report code):
 * `node --import tsx scripts/bench/report.ts bench-results/<timestamp>.json`.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { markdownReport } from './report/markdown.js';
import { svgChart } from './report/svg.js';
import type { Results } from './results.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: report.ts <results.json>');
const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
// Only a full run's report belongs in the repository, as main.ts decides.
const dir = results.quick || results.partial !== undefined ? new URL('../../bench-results/', import.meta.url) : new URL('../../', import.meta.url);
writeFileSync(new URL('BENCHMARKS.md', dir), markdownReport(results));
writeFileSync(new URL('BENCHMARKS.svg', dir), svgChart(results));
process.stderr.write(`rendered ${pathToFileURL(resolve(file)).pathname} into ${dir.pathname}\n`);
