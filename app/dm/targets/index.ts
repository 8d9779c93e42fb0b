// The built-in target types, one file each.

import type { TargetType } from '../target';
import { errorTarget } from './error';
import { flakeyTarget } from './flakey';
import { linearTarget } from './linear';
import { mirrorTarget } from './mirror';
import { stripedTarget } from './striped';
import { zeroTarget } from './zero';

export const builtinTargets: readonly TargetType<unknown>[] = [linearTarget, stripedTarget, mirrorTarget, zeroTarget, errorTarget, flakeyTarget];

export { errorTarget, flakeyTarget, linearTarget, mirrorTarget, stripedTarget, zeroTarget };
