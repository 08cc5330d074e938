import type { PhoneNumberAssignment } from '../domain/phone-number.js';

export interface PhoneNumberStore {
  get(phoneNumber: string): Promise<PhoneNumberAssignment | undefined>;
  put(assignment: PhoneNumberAssignment): Promise<void>;
  remove(phoneNumber: string): Promise<boolean>;
  listByAgent(agentId: string): Promise<PhoneNumberAssignment[]>;
  listAll(): Promise<PhoneNumberAssignment[]>;
}
