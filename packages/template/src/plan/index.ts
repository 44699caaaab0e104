export { BuildPlanError, planBuilds } from './plan-builds.js';
export type { PlanOptions, PlanResult } from './plan-builds.js';
