interface ToolPartLike {
  type: string;
  toolName?: string;
  state: string;
  input?: unknown;
  output?: unknown;
  errorText?: string;
}

const stateLabel: Record<string, string> = {
  "input-streaming": "preparing",
  "input-available": "running",
  "output-available": "done",
  "output-error": "failed",
};

/** A tool call as the user sees it: which tool, with what input, and what came back. */
export function ToolCall({ part }: { part: ToolPartLike }) {
  const name = part.toolName ?? part.type.replace(/^tool-/, "");
  return (
    <div className="tool-call" data-testid="tool-call" data-tool={name} data-state={part.state}>
      <div className="tool-call-head">
        <span className="tool-name">{name}</span>
        <span className={`tool-state tool-state-${part.state}`}>{stateLabel[part.state] ?? part.state}</span>
      </div>
      {part.input !== undefined && (
        <div className="tool-io">
          <span className="tool-io-label">input</span>
          <code data-testid="tool-input">{JSON.stringify(part.input)}</code>
        </div>
      )}
      {part.state === "output-available" && (
        <div className="tool-io">
          <span className="tool-io-label">result</span>
          <code data-testid="tool-output">{JSON.stringify(part.output)}</code>
        </div>
      )}
      {part.state === "output-error" && <p className="error-text">{part.errorText}</p>}
    </div>
  );
}
