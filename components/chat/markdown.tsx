import { memo } from "react";
import ReactMarkdown from "react-markdown";

/**
 * Model output as Markdown. react-markdown builds React elements and never
 * renders raw HTML (no rehype-raw), so a reply cannot inject markup or script;
 * its default URL transform drops javascript: links.
 */
export const Markdown = memo(function Markdown({ children }: { children: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown
        skipHtml
        components={{
          a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noreferrer noopener" />,
        }}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
});
