/**
 * The root of each feature's query keys. Features build their key factories on these and never import
 * each other, yet a ticket confirmation can still refresh the balance (`rootKeys.credits`).
 */
export const rootKeys = {
  credits: ['credits'] as const,
  tickets: ['tickets'] as const,
  notifications: ['notifications'] as const,
};
