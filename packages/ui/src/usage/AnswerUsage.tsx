// The tokens an answer cost, as its endpoint reported them; shown with the
// message's actions (on hover and focus).
import { formatCount } from './format.js';
import './usage.css';

export function AnswerUsage({ tokens }: { tokens: { input: number; output: number } | undefined }) {
  if (!tokens) return null;
  return (
    <span className="message-usage" title="Tokens as reported by the endpoint">
      Tokens: {formatCount(tokens.input)} in · {formatCount(tokens.output)} out
    </span>
  );
}
