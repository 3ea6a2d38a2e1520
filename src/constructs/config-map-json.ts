import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/**
 * Has a ConfigMap render its `data` and `binaryData` in time linear in the
 * number of keys, with output identical to cdk8s-plus's own.
 *
 * cdk8s-plus's generated `toJson_KubeConfigMapProps` copies the map once per
 * key (a spread inside a reduce) only to drop `undefined` values, which cdk8s
 * has already dropped when it sanitized the object: 10,000 keys took over
 * 30 s. Here the generated mapping runs on everything but the two maps, which
 * are put back where it puts them (after `metadata`, before `immutable`).
 */
export function renderDataLinearly(configMap: kplus.ConfigMap, prototypeKeys: ReadonlyMap<string, string> = new Map()): void {
  const apiObject = ApiObject.of(configMap);
  apiObject.toJson = function toJson(this: ApiObject) {
    // The base ApiObject rendering: resolve, sanitize (drops null and undefined, sorts keys), then JSON patches.
    const resolved = ApiObject.prototype.toJson.call(this);
    const { binaryData, ...rest } = resolved;
    const data = withPrototypeKeys(resolved.data as Record<string, string> | undefined, prototypeKeys);
    delete rest.data;
    const mapped: Record<string, unknown> = {
      ...kplus.k8s.KubeConfigMap.GVK,
      ...kplus.k8s.toJson_KubeConfigMapProps(rest as kplus.k8s.KubeConfigMapProps),
    };
    const { apiVersion, kind, metadata, ...after } = mapped;
    return {
      apiVersion,
      kind,
      metadata,
      ...(binaryData === undefined ? {} : { binaryData }),
      ...(data === undefined ? {} : { data }),
      ...after,
    };
  };
}

/**
 * Entries whose keys are names of `Object.prototype` (`constructor`,
 * `__proto__`, `toString`): cdk8s-plus's `addData` refuses them as "already
 * used" (it tests `key in {}`), and cdk8s's sanitizer drops `__proto__`. They
 * are valid env var names, so they are merged in here, in cdk8s's key order
 * (`Object.keys(...).sort()`), as own properties.
 */
function withPrototypeKeys(data: Record<string, string> | undefined, extra: ReadonlyMap<string, string>): Record<string, string> | undefined {
  if (extra.size === 0) return data;
  const entries = [...Object.entries(data ?? {}), ...extra].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Object.fromEntries defines each key as an own property, `__proto__` included.
  return Object.fromEntries(entries);
}

/** Whether cdk8s-plus's ConfigMap would refuse `key` as already used, or cdk8s drop it: a name `Object.prototype` has. */
export function isPrototypeKey(key: string): boolean {
  return key in Object.prototype;
}
