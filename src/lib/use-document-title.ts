import { useEffect } from 'react';

/** Sets the tab title to "<title> · Pro Portal", which is also what screen readers announce on navigation. */
export function useDocumentTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · Pro Portal` : 'Pro Portal';
  }, [title]);
}
