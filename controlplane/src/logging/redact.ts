/** `scheme://user:password@` (or `scheme://password@`, `scheme://:password@`) in any text. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi;

/**
 * Replaces the credentials of every URL in `text` with `***`
 * (`redis://:hunter2@db:6379` → `redis://***@db:6379`), so a Redis or
 * webhook URL carrying a password never reaches a log line or an API answer.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@');
}
