import type { FieldRule } from '../../conventions/field-rules';
import { ObjectReporter } from '../report';

/** The rule ids the validator reports. */
export type Rule =
  | 'unknown-field'
  | 'invalid-type'
  | 'invalid-value'
  | 'required-field'
  | 'invalid-name'
  | 'selector-mismatch'
  | 'duplicate-name'
  | 'volume-not-found'
  | 'unknown-kind'
  | FieldRule;

/** Where the validator's checks report on the object being validated. */
export type Reporter = ObjectReporter<Rule>;
