/** Config texts more than one test file synthesizes. */

/** Three stacks unlike each other: plain, qdrant with sync waves, staging with external secrets and pgvector. */
export const THREE_STACKS = `name: alpha
environment: production
image: saplings:1.0.0
ingress: { host: alpha.example.com }
---
name: beta
environment: production
image: saplings:1.0.0
ingress: { host: beta.example.com }
vectorDb: { enabled: true, engine: qdrant }
gitops: { syncWaves: true }
---
name: gamma
environment: staging
image: saplings:1.0.0
ingress: { host: gamma.example.com }
secrets:
  source: external
  keys: [OPENAI_API_KEY, ANTHROPIC_API_KEY, ENCRYPTION_KEY]
  external: { storeName: vault }
vectorDb: { enabled: true, engine: pgvector }
`;
