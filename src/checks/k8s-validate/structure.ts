import {
  FieldType,
  LABEL_SELECTOR_ID,
  OBJECT_META_ID,
  ObjectType,
  objectType,
} from './api-schema';
import { checkLabelSelector, checkObjectMeta } from './metadata';
import { QUANTITY_HELP, parseQuantity, quantityHint } from '../../conventions/quantity';
import { PathSegment, describe, isObject, quote } from '../json';
import { Reporter } from './report';
import { closest } from './suggest';

/**
 * Checks a value against a Kubernetes 1.28 object type the way the API
 * server's strict decoder does: every key must be a field of the type
 * (`unknown-field`), every value must have the field's JSON type
 * (`invalid-type`), required fields must be present (`required-field`), and
 * quantities must parse (`invalid-value`). Labels, annotations and label
 * selectors are checked wherever an ObjectMeta or LabelSelector appears.
 *
 * `null` counts as absent, as it does for the API server.
 *
 * @returns false when the value was nested too deeply to check completely
 */
export function checkStructure(value: unknown, type: ObjectType, r: Reporter, path: PathSegment[] = []): boolean {
  const state = { tooDeep: false };
  walkObject(value, type, path, r, state);
  return !state.tooDeep;
}

// Far deeper than any real manifest; stops runaway recursion on self-referencing YAML aliases.
const MAX_DEPTH = 100;

interface WalkState {
  tooDeep: boolean;
}

function walkValue(value: unknown, type: FieldType, path: PathSegment[], r: Reporter, state: WalkState): void {
  if (value === null) return;
  switch (type.kind) {
    case 'any':
      return;
    case 'string':
    case 'time':
      if (typeof value !== 'string') typeError(value, type, path, r);
      return;
    case 'integer':
      if (!Number.isInteger(value)) typeError(value, type, path, r);
      return;
    case 'number':
      if (typeof value !== 'number') typeError(value, type, path, r);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') typeError(value, type, path, r);
      return;
    case 'int-or-string':
      if (typeof value !== 'string' && !Number.isInteger(value)) typeError(value, type, path, r);
      return;
    case 'quantity':
      if (typeof value === 'string') {
        if (parseQuantity(value) === undefined) {
          r.error('invalid-value', path, `${quote(value)} is not a valid quantity${quantityHint(value)}: ${QUANTITY_HELP}`);
        }
      } else if (typeof value !== 'number') {
        typeError(value, type, path, r);
      }
      return;
    case 'object':
      walkObject(value, objectType(type.ref), path, r, state);
      return;
    case 'array':
      if (!Array.isArray(value)) {
        typeError(value, type, path, r);
        return;
      }
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        walkValue(value[i], type.items, path, r, state);
        path.pop();
      }
      return;
    case 'map':
      if (!isObject(value)) {
        typeError(value, type, path, r);
        return;
      }
      for (const key of Object.keys(value)) {
        path.push(key);
        walkValue(value[key], type.values, path, r, state);
        path.pop();
      }
      return;
  }
}

function walkObject(value: unknown, type: ObjectType, path: PathSegment[], r: Reporter, state: WalkState): void {
  if (path.length > MAX_DEPTH) {
    if (!state.tooDeep) r.error('invalid-value', path, `nested more than ${MAX_DEPTH} levels deep; is a YAML alias referring to itself?`);
    state.tooDeep = true;
    return;
  }
  if (!isObject(value)) {
    typeError(value, { kind: 'object', ref: type.id }, path, r, type);
    return;
  }
  for (const key of Object.keys(value)) {
    const field = type.fields.get(key);
    path.push(key);
    if (field) walkValue(value[key], field.type, path, r, state);
    else r.error('unknown-field', path, unknownFieldMessage(key, type));
    path.pop();
  }
  for (const name of type.required) {
    if (value[name] === undefined || value[name] === null) {
      r.error('required-field', [...path, name], `missing required field ${quote(name)} of ${type.name}`);
    }
  }
  if (type.id === OBJECT_META_ID) checkObjectMeta(value, path, r);
  else if (type.id === LABEL_SELECTOR_ID) checkLabelSelector(value, path, r);
}

function typeError(value: unknown, type: FieldType, path: PathSegment[], r: Reporter, object?: ObjectType): void {
  r.error('invalid-type', path, `must be ${expected(type, object)}, got ${describe(value)}`);
}

function expected(type: FieldType, object?: ObjectType): string {
  switch (type.kind) {
    case 'string':
      return 'a string';
    case 'time':
      return 'a time string (RFC 3339, e.g. "2024-01-31T12:00:00Z")';
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'int-or-string':
      return 'an integer or a string';
    case 'quantity':
      return 'a quantity string such as "512Mi" or "500m", or a number';
    case 'any':
      return 'any value';
    case 'object':
      return `an object (${(object ?? objectType(type.ref)).name})`;
    case 'array':
      return `a list of ${plural(type.items)}`;
    case 'map':
      return `a map of ${plural(type.values)}`;
  }
}

function plural(type: FieldType): string {
  switch (type.kind) {
    case 'object':
      return `${objectType(type.ref).name} objects`;
    case 'array':
      return `lists of ${plural(type.items)}`;
    case 'map':
      return `maps of ${plural(type.values)}`;
    case 'int-or-string':
      return 'integers or strings';
    case 'integer':
      return 'integers';
    case 'quantity':
      return 'quantities';
    case 'time':
      return 'time strings';
    case 'boolean':
      return 'booleans';
    case 'any':
      return 'values';
    default:
      return `${type.kind}s`;
  }
}

function unknownFieldMessage(key: string, type: ObjectType): string {
  const names = [...type.fields.keys()].sort();
  const guess = closest(key, names);
  const head = `unknown field ${quote(key)}: ${type.name} has no such field in Kubernetes ${type.version}`;
  return guess ? `${head}; did you mean ${quote(guess)}?` : `${head}; its fields are ${names.join(', ')}`;
}
