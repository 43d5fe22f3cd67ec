/** Saves a data URL or text as a file through a temporary link. */
export function download(name: string, content: string, type = "text/plain"): void {
  const href = content.startsWith("data:") ? content : URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement("a");
  link.href = href;
  link.download = name;
  link.click();
  if (!content.startsWith("data:")) setTimeout(() => URL.revokeObjectURL(href), 1000);
}
