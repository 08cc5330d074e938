import type { SimulationRequest, SimulationResult } from './run.js';
import type { SimulationTarget } from './target.js';

export async function runRelaySimulation(
  _target: SimulationTarget,
  _request: SimulationRequest,
): Promise<SimulationResult> {
  throw new Error('relay simulation is not wired yet');
}
