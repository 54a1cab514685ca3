import { useEffect, useRef } from 'react';
import { Button } from '../../../components/ui/button';
import { Spinner } from '../../../components/ui/spinner';
import type { Attachment } from '../api/get-attachments';
import { useViewUrl } from '../api/signed-urls';
import { FileName } from './file-icon';

/**
 * An image at full size on the native modal <dialog>: the page behind is inert, so focus stays inside;
 * Esc closes (focus returns to the thumbnail that opened it), ← and → go through the message's images.
 */
export function Lightbox({
  images,
  index,
  onIndex,
  onClose,
  onDownload,
}: {
  images: Attachment[];
  index: number;
  onIndex: (index: number) => void;
  onClose: () => void;
  onDownload: (attachment: Attachment) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const image = images[index];
  const url = useViewUrl(image?.object_name ?? '', image !== undefined);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement;
    dialog.showModal();
    return () => {
      dialog.close();
      if (opener instanceof HTMLElement) opener.focus();
    };
  }, []);

  if (!image) return null;
  const many = images.length > 1;
  const go = (step: number) => onIndex((index + step + images.length) % images.length);
  return (
    <dialog
      ref={ref}
      aria-label={`Image: ${image.file_name}`}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onKeyDown={(event) => {
        if (!many) return;
        if (event.key === 'ArrowRight') go(1);
        else if (event.key === 'ArrowLeft') go(-1);
        else return;
        event.preventDefault();
      }}
      className="m-auto h-[min(90vh,60rem)] w-[min(95vw,80rem)] max-w-none rounded-lg bg-slate-950 p-0 text-white backdrop:bg-slate-950/80"
    >
      <div className="grid h-full grid-rows-[auto_minmax(0,1fr)] gap-2 p-3">
        <div className="flex min-w-0 items-center gap-2">
          <FileName name={image.file_name} className="flex-1 font-medium" />
          {many && (
            <span className="shrink-0 text-sm text-slate-300">
              {index + 1} of {images.length}
            </span>
          )}
          {many && (
            <Button variant="secondary" onClick={() => go(-1)} aria-label="Previous image">
              ←
            </Button>
          )}
          {many && (
            <Button variant="secondary" onClick={() => go(1)} aria-label="Next image">
              →
            </Button>
          )}
          <Button variant="secondary" onClick={() => onDownload(image)}>
            Download
          </Button>
          <Button variant="secondary" onClick={onClose} autoFocus>
            Close
          </Button>
        </div>
        <div className="flex min-h-0 items-center justify-center">
          {url.isError ? (
            <p role="alert" className="text-center">
              The image could not be loaded.{' '}
              <button type="button" className="underline" onClick={() => void url.refetch()}>
                Try again
              </button>
            </p>
          ) : url.data ? (
            <img src={url.data} alt={image.file_name} className="max-h-full max-w-full object-contain" />
          ) : (
            <Spinner className="size-8" />
          )}
        </div>
      </div>
    </dialog>
  );
}
