import { createContext, use, useCallback, useMemo, useState, type ReactNode } from 'react';

type Toast = { id: number; text: string; tone: 'success' | 'error' };
type ToastApi = { show: (text: string, tone?: Toast['tone']) => void };

const ToastContext = createContext<ToastApi>({ show: () => {} });

let nextId = 1;

/** Short confirmations ("Reply sent") in a polite live region; each disappears after a few seconds. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((toast) => toast.id !== id)), []);
  const show = useCallback(
    (text: string, tone: Toast['tone'] = 'success') => {
      const id = nextId++;
      setToasts((all) => [...all.slice(-2), { id, text, tone }]);
      window.setTimeout(() => dismiss(id), 6000);
    },
    [dismiss],
  );
  const api = useMemo(() => ({ show }), [show]);
  return (
    <ToastContext value={api}>
      {children}
      <div aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex flex-col items-center gap-2 px-4">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            className={`pointer-events-auto flex max-w-md items-center gap-3 rounded-md px-4 py-3 text-sm font-medium text-white shadow-lg ${
              toast.tone === 'success' ? 'bg-green-800' : 'bg-red-800'
            }`}
          >
            <span>{toast.text}</span>
            <button
              type="button"
              onClick={() => dismiss(toast.id)}
              className="min-h-6 min-w-6 rounded underline focus-visible:outline-2 focus-visible:outline-white"
            >
              Dismiss
            </button>
          </div>
        ))}
      </div>
    </ToastContext>
  );
}

export const useToast = () => use(ToastContext);
