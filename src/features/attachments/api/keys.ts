/** Query keys of attachments, general → specific; mutations invalidate `attachmentKeys.all` or a ticket's. */
export const attachmentKeys = {
  all: ['attachments'] as const,
  limits: () => [...attachmentKeys.all, 'limits'] as const,
  ticket: (ticketId: string) => [...attachmentKeys.all, 'ticket', ticketId] as const,
  url: (objectName: string, purpose: 'view' | 'preview') => [...attachmentKeys.all, 'url', objectName, purpose] as const,
  preview: (objectName: string) => [...attachmentKeys.all, 'preview', objectName] as const,
  /** Mutation key: changes of visibility on a ticket's attachments, found again by a toggle that remounted. */
  setInternal: (ticketId: string) => [...attachmentKeys.all, 'set-internal', ticketId] as const,
};
