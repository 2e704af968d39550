// A small, safe Markdown renderer: headings, paragraphs, lists, code blocks, block quotes,
// **bold**, *italic*, `code` and [links](https://...). It builds DOM nodes (text always
// through text nodes); raw HTML in the source is shown as text, never parsed, and only
// http(s) and relative links are made clickable.

import { h } from "./dom.js";

const INLINE = /(\*\*([^*]+)\*\*|\*([^*]+)\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\))/;

function safeHref(url) {
  return /^(https?:\/\/|\/|#)/i.test(url) ? url : null;
}

function inline(text) {
  const nodes = [];
  let rest = text;
  while (rest) {
    const match = INLINE.exec(rest);
    if (!match) {
      nodes.push(rest);
      break;
    }
    if (match.index) nodes.push(rest.slice(0, match.index));
    if (match[2]) nodes.push(h("strong", {}, match[2]));
    else if (match[3]) nodes.push(h("em", {}, match[3]));
    else if (match[4]) nodes.push(h("code", {}, match[4]));
    else {
      const href = safeHref(match[6]);
      nodes.push(href ? h("a", { href, rel: "noopener noreferrer" }, match[5]) : match[0]);
    }
    rest = rest.slice(match.index + match[0].length);
  }
  return nodes;
}

/** A <div class="markdown"> rendering `source`. */
export function markdown(source) {
  const lines = String(source || "").replace(/\r\n/g, "\n").split("\n");
  const blocks = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^```/.test(line)) {
      const code = [];
      for (i++; i < lines.length && !/^```/.test(lines[i]); i++) code.push(lines[i]);
      i++;
      blocks.push(h("pre", { class: "meta-block" }, code.join("\n")));
    } else if (/^\s*\|/.test(line)) {
      // Pipe tables stay preformatted (columns line up; long ones scroll).
      const rows = [];
      while (i < lines.length && /^\s*\|/.test(lines[i])) rows.push(lines[i++]);
      blocks.push(h("pre", { class: "meta-block" }, rows.join("\n")));
    } else if (/^#{1,6}\s/.test(line)) {
      const level = Math.min(6, line.indexOf(" ") + 2);  // "#" renders as <h3>: below the page's
      blocks.push(h(`h${Math.min(6, level)}`, {}, inline(line.replace(/^#+\s*/, ""))));
      i++;
    } else if (/^\s*([-*+]|\d+\.)\s/.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const items = [];
      while (i < lines.length && /^\s*([-*+]|\d+\.)\s/.test(lines[i])) {
        items.push(h("li", {}, inline(lines[i].replace(/^\s*([-*+]|\d+\.)\s/, ""))));
        i++;
      }
      blocks.push(h(ordered ? "ol" : "ul", {}, items));
    } else if (/^>\s?/.test(line)) {
      const quoted = [];
      while (i < lines.length && /^>\s?/.test(lines[i])) quoted.push(lines[i++].replace(/^>\s?/, ""));
      blocks.push(h("blockquote", {}, inline(quoted.join(" "))));
    } else if (!line.trim()) {
      i++;
    } else {
      const para = [];
      while (i < lines.length && lines[i].trim() && !/^(```|#{1,6}\s|>|\s*\||\s*([-*+]|\d+\.)\s)/
        .test(lines[i])) para.push(lines[i++]);
      blocks.push(h("p", {}, inline(para.join(" "))));
    }
  }
  return h("div", { class: "markdown" }, blocks);
}
