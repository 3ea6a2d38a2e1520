import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
} from '../../imports/external-secrets.io/external-secrets.io';
import { propsError } from './errors';

/** Where an external secret's values come from. */
export interface ExternalSecretSource {
  /** Name of the SecretStore or ClusterSecretStore. */
  readonly storeName: string;
  /** Kind of the store. @default 'ClusterSecretStore' */
  readonly storeKind?: 'SecretStore' | 'ClusterSecretStore';
  /** Prepended to each key to form the remote key (`saplings/prod/` + `OPENAI_API_KEY`). @default '' */
  readonly remoteKeyPrefix?: string;
  /** How often the operator re-reads the store. @default '1h' */
  readonly refreshInterval?: string;
}

/** Props for {@link AppSecret}. */
export interface AppSecretProps {
  /** Name of the Secret the app reads. */
  readonly name: string;
  /** Keys the Secret holds. */
  readonly keys: readonly string[];
  /** Labels on generated objects. @default - none */
  readonly labels?: Record<string, string>;
  /** Materialize the Secret with the External Secrets Operator from this store. Excludes `values`. @default - not external */
  readonly external?: ExternalSecretSource;
  /** Write the Secret with these values: for development clusters only. Excludes `external`. @default - not written */
  readonly values?: Record<string, string>;
}

/**
 * The app's Secret, from one of three sources: created out of band and only
 * referenced (the default), materialized by an ExternalSecret, or written
 * inline (development only: its values end up in the manifest).
 */
export class AppSecret extends Construct {
  /** Name of the Secret the app reads. */
  public readonly name: string;
  /** Keys the Secret holds (with any extra inline value's key); consumers that read a key check it is here. */
  public readonly keys: readonly string[];
  /** The Secret, for `envFrom` and key references. */
  public readonly secret: kplus.ISecret;
  /** The ExternalSecret, when the source is external. */
  public readonly externalSecret?: ExternalSecret;
  /** The written Secret, when values are inline. */
  public readonly inlineSecret?: kplus.Secret;

  constructor(scope: Construct, id: string, props: AppSecretProps) {
    super(scope, id);
    if (props.external && props.values) {
      throw propsError(this, `'external' and 'values' are mutually exclusive; pick one source for ${props.name}`);
    }
    const missing = props.values ? props.keys.filter((key) => props.values?.[key] === undefined) : [];
    if (missing.length) {
      throw propsError(this, `'values' lacks ${missing.join(', ')}, which 'keys' lists`);
    }
    this.name = props.name;
    // An inline value not listed in `keys` is still written, so it is held too.
    this.keys = [...new Set([...props.keys, ...Object.keys(props.values ?? {})])];

    if (props.values) {
      this.inlineSecret = new kplus.Secret(this, 'Inline', {
        metadata: { name: props.name, labels: props.labels },
        // Every listed key, and any extra value given: nothing passed in is dropped silently.
        stringData: Object.fromEntries(
          this.keys.map((key) => [key, props.values![key]]),
        ),
      });
      this.secret = this.inlineSecret;
      return;
    }
    this.secret = kplus.Secret.fromSecretName(this, 'Reference', props.name);
    if (props.external) {
      const { storeName, storeKind = 'ClusterSecretStore', remoteKeyPrefix = '', refreshInterval = '1h' } = props.external;
      this.externalSecret = new ExternalSecret(this, 'External', {
        metadata: { name: props.name, labels: props.labels },
        spec: {
          refreshInterval,
          secretStoreRef: {
            name: storeName,
            kind:
              storeKind === 'SecretStore'
                ? ExternalSecretSpecSecretStoreRefKind.SECRET_STORE
                : ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE,
          },
          // Owner: deleting the ExternalSecret deletes the Secret it made, so nothing stale lingers.
          target: { name: props.name, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
          data: props.keys.map((key) => ({ secretKey: key, remoteRef: { key: `${remoteKeyPrefix}${key}` } })),
        },
      });
    }
  }
}
