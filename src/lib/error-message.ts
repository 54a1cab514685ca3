/**
 * What went wrong, in words for a person. The SQL functions put a stable code in `message`
 * (`invalid_state`, `insufficient_credits`, …) and the sentence in `details`; PostgREST and network
 * failures carry only a message.
 */
const byCode: Record<string, string> = {
  invalid_input: 'Some of the input is not valid.',
  forbidden: 'You are not allowed to do that.',
  not_found: 'It no longer exists, or you cannot see it.',
  invalid_state: 'That cannot be done in the current state. Reload to see the latest.',
  insufficient_credits: 'The balance does not cover that.',
};

export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object') {
    const { details, message } = error as { details?: unknown; message?: unknown };
    if (typeof details === 'string' && details.trim()) return details;
    if (typeof message === 'string') {
      if (message in byCode) return byCode[message]!;
      if (/fetch|network/i.test(message)) return 'Pro Portal could not be reached. Check your connection and try again.';
      if (message.trim()) return message;
    }
  }
  return 'Something went wrong. Try again in a moment.';
}
