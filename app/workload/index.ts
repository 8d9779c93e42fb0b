// Workload and verifier: an IO generator on an LV and a checker of every sector against the
// demo pattern plus a shadow model of acknowledged writes.
export * from './pattern';
export * from './shadow';
export * from './verifier';
export * from './generator';
export * from './journal';
export * from './sectorHash';
