// A modal dialog: Escape and the backdrop close it, focus moves into it, and the page behind is inert.
import { useEffect, useRef, type ReactNode } from 'react';

export function Dialog({
  title,
  onClose,
  children,
  footer,
  wide = false,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // Parents re-render (pages refresh on a timer) with a new onClose each time: focus must move only once.
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>(
      'input, select, textarea, button:not(.dialog-close)',
    );
    first?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeRef.current();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      previous?.focus();
    };
  }, []);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className={`dialog ${wide ? 'dialog-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        ref={ref}
      >
        <div className="dialog-head">
          <h2>{title}</h2>
          <button type="button" className="dialog-close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        <div className="dialog-body">{children}</div>
        {footer && <div className="dialog-foot">{footer}</div>}
      </div>
    </div>
  );
}

/**
 * A dialog's Cancel and main buttons. With `form`, the main button submits that form (Enter works too);
 * otherwise it calls `onConfirm`. While `busy` it is disabled and says `busyLabel`.
 */
export function DialogActions({
  onCancel,
  label,
  busy = false,
  busyLabel = 'Saving…',
  disabled = false,
  danger = false,
  form,
  onConfirm,
}: {
  onCancel: () => void;
  label: string;
  busy?: boolean;
  busyLabel?: string;
  disabled?: boolean;
  danger?: boolean;
  form?: string;
  onConfirm?: () => void;
}) {
  return (
    <>
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
      <button
        type={form ? 'submit' : 'button'}
        form={form}
        className={`button ${danger ? 'button-danger' : 'button-primary'}`}
        disabled={busy || disabled}
        onClick={onConfirm}
      >
        {busy ? busyLabel : label}
      </button>
    </>
  );
}

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger = false,
  busy = false,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      title={title}
      onClose={onClose}
      footer={
        <DialogActions
          onCancel={onClose}
          label={confirmLabel}
          busy={busy}
          busyLabel="Working…"
          danger={danger}
          onConfirm={onConfirm}
        />
      }
    >
      {children}
    </Dialog>
  );
}
