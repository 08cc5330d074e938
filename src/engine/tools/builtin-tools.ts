// The engine's own tools, in the order the model is offered them. A new one is one file and a line here.
import { endCallTool } from './end-call.js';
import { recordFieldTool } from './record-field.js';
import type { BuiltinTool } from './tool.js';
import { transferTool } from './transfer.js';

export const BUILTIN_TOOLS: readonly BuiltinTool[] = [recordFieldTool, endCallTool, transferTool];
