// Types the store needs from the contract, in one place.
export type { ApiClient } from '../../app/api';
export interface Disposable {
  dispose(): void;
}
