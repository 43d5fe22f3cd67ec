import { useEffect, useState } from "react";

/**
 * The answer to the latest request a panel made of its run's worker. `ask` changes when what the panel
 * shows changes (memoise it on that); the answer on screen stays until the new one arrives, and an
 * answer to a request that has since been replaced is dropped.
 */
export function useLatestAnswer<T>(ask: (() => Promise<T | null | undefined>) | null): {
  answer: T | null;
  error: string | null;
} {
  const [answer, setAnswer] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!ask) return;
    let live = true;
    ask()
      .then((value) => {
        if (!live || !value) return;
        setAnswer(value);
        setError(null);
      })
      .catch((reason: unknown) => {
        if (live) setError(reason instanceof Error ? reason.message : String(reason));
      });
    return () => {
      live = false;
    };
  }, [ask]);
  return { answer, error };
}
