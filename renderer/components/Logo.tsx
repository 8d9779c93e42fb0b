// The lvmscope mark (same drawing as assets/logo.svg): three stacked volumes seen through a lens.
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" className="logo">
      <rect x="4" y="4" width="56" height="56" rx="12" fill="#1f6feb" />
      <rect x="13" y="15" width="38" height="8" rx="2" fill="#ffffff" />
      <rect x="13" y="28" width="24" height="8" rx="2" fill="#9ecbff" />
      <rect x="39" y="28" width="12" height="8" rx="2" fill="#ffd33d" />
      <rect x="13" y="41" width="38" height="8" rx="2" fill="#ffffff" />
    </svg>
  );
}
