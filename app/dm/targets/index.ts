// The built-in target types, one file each.

import type { AnyTargetType } from '../target';
import { errorTarget } from './error';
import { flakeyTarget } from './flakey';
import { linearTarget } from './linear';
import { mirrorTarget } from './mirror';
import { stripedTarget } from './striped';
import { zeroTarget } from './zero';

export const builtinTargets: readonly AnyTargetType[] = [linearTarget, stripedTarget, mirrorTarget, zeroTarget, errorTarget, flakeyTarget];

export { errorTarget, flakeyTarget, linearTarget, mirrorTarget, stripedTarget, zeroTarget };
