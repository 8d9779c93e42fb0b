// Loads the demo scenarios from assets/scenarios/*.json and validates each against the
// schema (app/api/scenario.ts). A bad file is refused with its name and the first problem.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Scenario } from '../app/api/scenario';
import { LvmscopeError } from '../app/base/result';

/**
 * Where the scenario files are: beside the sources (tsx, tests, CLI), beside the built main
 * bundle (out/main → ../../assets), or in a packaged app's resources folder.
 */
export function scenarioDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  const candidates = [path.resolve(here, '..', 'assets', 'scenarios'), path.resolve(here, '..', '..', 'assets', 'scenarios'), ...(resources ? [path.join(resources, 'scenarios')] : [])];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

export function loadScenarioFile(file: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LvmscopeError('INVALID', `${path.basename(file)} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = Scenario.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LvmscopeError('INVALID', `${path.basename(file)}: ${issue.message} at ${issue.path.join('.') || 'the top level'}.`);
  }
  if (`${parsed.data.name}.json` !== path.basename(file)) {
    throw new LvmscopeError('INVALID', `${path.basename(file)}: its name is '${parsed.data.name}'; the file must be called ${parsed.data.name}.json.`);
  }
  return parsed.data;
}

export function loadScenarios(dir = scenarioDir()): Scenario[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadScenarioFile(path.join(dir, f)));
}
