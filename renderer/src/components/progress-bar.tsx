// A cap and how much of it is used; amber from 80%, red when exhausted (the gateway's own alert thresholds).
export function ProgressBar({ value, max, label }: { value: number; max: number | null; label: string }) {
  if (max === null) return <span className="muted">no cap</span>;
  const share = max > 0 ? value / max : value > 0 ? 1 : 0;
  const pct = Math.min(100, Math.round(share * 100));
  const tone = share >= 1 ? 'over' : share >= 0.8 ? 'warn' : 'ok';
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
    >
      <svg
        className={`progress-track progress-${tone}`}
        viewBox="0 0 100 6"
        preserveAspectRatio="none"
        aria-hidden="true"
      >
        <rect className="progress-bg" x="0" y="0" width="100" height="6" rx="3" />
        <rect className="progress-fill" x="0" y="0" width={pct} height="6" rx="3" />
      </svg>
    </div>
  );
}
