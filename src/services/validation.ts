import type { z } from 'zod';
import { AppError, type FieldIssue } from '../domain/errors.js';

/** One FieldIssue per problem; an unknown key becomes its own issue naming that key. */
export function issuesFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path].map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        issues.push({ field: [...path, key].join('.'), message: 'unknown field' });
    } else {
      issues.push({ field: path.join('.') || '(body)', message: issue.message });
    }
  }
  return issues;
}

export function validationError(issues: FieldIssue[]): AppError {
  const message = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return new AppError('validation', message || 'invalid input', { issues });
}

export function appErrorFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): AppError {
  return validationError(issuesFromZod(error, prefix));
}

/** Parses `input` or throws AppError 'validation' naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw appErrorFromZod(result.error);
  return result.data;
}
