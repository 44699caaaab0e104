export type { InterpolationContext } from './context.js';
export { interpolate, interpolateUntilStable, validateInterpolation } from './interpolate.js';
export { AMAZON_TEMPLATE_FUNCS, VARIABLE_NOT_SET, cleanResourceName, packerFunctions } from './funcs.js';
export {
  BUILDER_DATA_COMMON_KEYS,
  BUILD_PLACEHOLDER_MESSAGE,
  basicPlaceholderData,
} from './build-data.js';
export { RFC3339, formatGoTime } from './go-time-format.js';
export { strftime } from './strftime.js';
export { timeOrderedUuid } from './uuid.js';
