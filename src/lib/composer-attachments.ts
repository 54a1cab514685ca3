import type { DOMAttributes, ReactNode } from 'react';

/**
 * What a composer (a reply form, the new-ticket form) needs from the attachments feature, which the
 * route composes in: features do not import each other, so the forms know only this shape.
 */
export type ComposerAttachments = {
  /** Spread on the composer's element: files dropped or pasted anywhere on it are added. */
  dropTarget: Pick<DOMAttributes<HTMLElement>, 'onDragEnter' | 'onDragOver' | 'onDragLeave' | 'onDrop' | 'onPaste'>;
  /** The picker, the limits, refusals and one row per file. */
  field: ReactNode;
  /** Why the message cannot be sent yet (files still uploading or failed), in words; undefined when it can. */
  blocker: string | undefined;
  /**
   * After the message is posted: makes its files ready and attaches them (`internal`: the message is an
   * internal note). When that fails the message stays sent, the field says so and offers to attach
   * again, and the promise rejects.
   */
  onSent: (messageId: string, message?: { internal: boolean }) => Promise<void>;
};

/** Renders a message's attachments in a thread; `null` is the ticket's own (those of its description). */
export type RenderAttachments = (messageId: string | null) => ReactNode;
