// The fake Realtime API lives with the simulator (voice-agent simulate starts one offline).
export * from '../../src/simulator/fake-realtime/fake-realtime-server.js';
