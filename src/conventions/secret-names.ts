// Words that make a variable or key name look like it holds a secret.
const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'TOKEN', 'CREDENTIAL', 'CREDENTIALS', 'APIKEY', 'PRIVATEKEY']);
const SECRET_PAIRS = new Set(['API KEY', 'PRIVATE KEY']);
// A last word that says the value points at a secret rather than being one: `API_KEY_FILE`, `SECRET_NAME`.
const POINTER_WORDS = new Set(['FILE', 'PATH', 'DIR', 'NAME', 'URL', 'URI', 'ENDPOINT']);

/**
 * Whether a variable or key name looks like it holds a secret: it has the
 * word PASSWORD, SECRET, TOKEN, CREDENTIAL, API_KEY or PRIVATE_KEY in any case
 * and separator style (`DB_PASSWORD`, `apiKey`, `hf-token`). Whole words
 * only, so `MAX_TOKENS` and `TOKENIZER` are not secrets, and names that end in
 * FILE, PATH, DIR, NAME, URL, URI or ENDPOINT point at a secret rather than
 * hold one.
 *
 * The policy uses it to flag literal secrets in manifests, and config
 * messages use it to never echo such a value.
 */
export function isSecretLikeName(name: string): boolean {
  if (typeof name !== 'string') return false;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toUpperCase());
  if (words.length === 0 || POINTER_WORDS.has(words[words.length - 1])) return false;
  return words.some((word, i) => SECRET_WORDS.has(word) || (i > 0 && SECRET_PAIRS.has(`${words[i - 1]} ${word}`)));
}
