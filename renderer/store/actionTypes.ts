// Contract types the actions need, in one place.
import type { ParamsOf } from '../../app/api';
export type { ApiClient } from '../../app/api';
export type { MoveCheckView, MoveRequest, MovePlanView } from '../../app/api/move';
export type MoveControl = ParamsOf<'move.control'>;
