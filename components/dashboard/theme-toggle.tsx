"use client";

import { Button } from "../ui/button";
import { setTheme, useTheme } from "../workspace/theme";

export function ThemeToggle() {
  const theme = useTheme();
  const next = theme === "dark" ? "light" : "dark";
  return (
    <Button variant="ghost" aria-label={`Switch to the ${next} theme`} onClick={() => setTheme(next)}>
      {theme === "dark" ? "☀ Light" : "☾ Dark"}
    </Button>
  );
}
