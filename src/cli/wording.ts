/**
 * The app's messages, said for the command line: the editor tells a person where to click (keys
 * in Settings > Providers, a file to pick again); here keys come from environment variables and
 * files from the command line, so a failure names those instead.
 */
import { PROVIDERS } from '../providers/providers';
import { KEY_VARIABLES } from './args';

/** Provider names as messages say them, with the variables that hold that provider's key. */
const VARIABLES = Object.values(PROVIDERS).flatMap((provider) => {
  const names = provider && KEY_VARIABLES[provider.id];
  return names ? [{ name: provider.name, variables: [names.apiKey, ...(names.secretKey ? [names.secretKey] : [])].join(' and ') }] : [];
});

export function forTheCommandLine(message: string): string {
  return message
    .replace(/Check the key in Settings > Providers > ([^;.\n]+)/g, (_, name: string) => `Check ${variablesOf(name)} in the environment`)
    .replace(/add (?:one|it next to the access key) in Settings > Providers > ([^;.\n(]+?)(?= \(|$|[;.\n])/g, (_, name: string) => `set ${variablesOf(name)} in the environment`)
    .replace(/is no longer in this browser's file store; pick it again/g, 'is not at hand: give it with --asset NODE=PATH');
}

function variablesOf(name: string): string {
  return VARIABLES.find((v) => v.name === name.trim())?.variables ?? `the ${name.trim()} key`;
}
