import { NaiveBench } from "@/components/bench/naive-bench";

export default function NaiveBenchPage() {
  return <NaiveBench />;
}
