import { safeNextPath } from '../../config/paths';

/** Where to offer to go after paying for an order (e.g. back to the ticket that was waiting for credits). */
const key = (orderId: string) => `pro-portal:checkout-return:${orderId}`;

export function rememberReturnPath(orderId: string, path: string | null | undefined) {
  if (!path) return;
  try {
    window.sessionStorage.setItem(key(orderId), safeNextPath(path));
  } catch {
    // Storage blocked: the success page then offers the portal instead.
  }
}

export function readReturnPath(orderId: string | null): string | null {
  if (!orderId) return null;
  try {
    const path = window.sessionStorage.getItem(key(orderId));
    return path ? safeNextPath(path) : null;
  } catch {
    return null;
  }
}
