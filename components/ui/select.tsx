import type { SelectHTMLAttributes } from "react";

export function Select({
  label,
  className = "",
  children,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string }) {
  return (
    <label className="inline-flex items-center gap-1.5 text-[12px] text-muted">
      <span>{label}</span>
      <select
        className={`h-7 rounded-md border border-line bg-surface px-1.5 text-[12px] text-ink hover:border-line-strong ${className}`}
        {...props}
      >
        {children}
      </select>
    </label>
  );
}
