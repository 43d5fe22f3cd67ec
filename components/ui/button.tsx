import type { ButtonHTMLAttributes } from "react";

type Variant = "primary" | "default" | "ghost";

const VARIANTS: Record<Variant, string> = {
  primary: "bg-accent text-white hover:opacity-90 border-transparent dark:text-canvas",
  default: "bg-surface text-ink border-line hover:border-line-strong hover:bg-raised",
  ghost: "bg-transparent text-muted border-transparent hover:text-ink hover:bg-raised",
};

export function Button({
  variant = "default",
  pressed,
  className = "",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; pressed?: boolean }) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      className={`inline-flex h-7 items-center gap-1.5 rounded-md border px-2.5 text-[12px] font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed disabled:opacity-50 ${
        pressed ? "border-accent bg-accent-soft text-accent" : VARIANTS[variant]
      } ${className}`}
      {...props}
    />
  );
}
