// The IO generator and the verifier as the engine reports them (workload.stats, verify.run).
import type { StateCreator } from 'zustand/vanilla';
import type { VerifyResultView, WorkloadStatsView } from '../../app/api/move';
import type { AppState } from './index';

export interface WorkloadSlice {
  workload: {
    stats: WorkloadStatsView | null;
    verify: VerifyResultView | null;
    verifying: boolean;
    error: string | null;
  };
  setWorkloadStats(stats: WorkloadStatsView): void;
  setVerifying(verifying: boolean): void;
  setVerifyResult(result: VerifyResultView | null): void;
  setWorkloadError(message: string | null): void;
}

export const createWorkloadSlice: StateCreator<AppState, [], [], WorkloadSlice> = (set) => ({
  workload: { stats: null, verify: null, verifying: false, error: null },
  setWorkloadStats: (stats) => set((s) => ({ workload: { ...s.workload, stats } })),
  setVerifying: (verifying) => set((s) => ({ workload: { ...s.workload, verifying } })),
  setVerifyResult: (verify) => set((s) => ({ workload: { ...s.workload, verify, verifying: false } })),
  setWorkloadError: (error) => set((s) => ({ workload: { ...s.workload, error, verifying: false } })),
});
