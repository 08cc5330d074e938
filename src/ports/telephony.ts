export interface OutboundCallRequest {
  to: string;
  from: string;
  answerUrl: string;
  statusCallbackUrl: string;
  record: boolean;
  recordingStatusCallbackUrl?: string;
  machineDetection?: 'Enable' | 'DetectMessageEnd';
  timeLimitSeconds?: number;
}

export interface Telephony {
  createCall(request: OutboundCallRequest): Promise<{ callSid: string; status: string }>;
  hangUp(callSid: string): Promise<void>;
  /** Points a Twilio number's voice and status webhooks at this server. */
  connectNumber(phoneNumber: string, voiceUrl: string, statusCallbackUrl: string): Promise<void>;
}
