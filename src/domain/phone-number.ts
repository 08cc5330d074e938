export interface PhoneNumberAssignment {
  phone_number: string;
  assigned_agent_id: string;
  assigned_at: string;
  label?: string;
}
