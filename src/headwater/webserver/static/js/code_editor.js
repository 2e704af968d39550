// The launchpad's code editor: the vendored CodeMirror 6 bundle (scripts/vendor-codemirror)
// around the run config. YAML or JSON mode follows the text (a leading "{" is JSON), errors of
// the schema check (config_editor.js, the server's wording) are lint diagnostics at their key
// with the line number marked, and keys and enum values are completed from the schema at the
// cursor's path. The jobs page imports this module only for the launchpad (when it opens, or
// when the pointer or focus reaches a Launch… button).
//
// The editor lives in a shadow root of its host element: CodeMirror styles itself with
// generated CSS, which it puts in a <style> element in a document (refused by the pages'
// Content-Security-Policy, style-src 'self') but in a constructed, adopted style sheet in a
// shadow root, which the policy allows. app.css cannot reach in there, hence `theme` below.

import {
  Compartment, EditorState, EditorView, GutterMarker, RangeSetBuilder, StateEffect, StateField,
  autocompletion, basicSetup, gutterLineClass, json, lintGutter, setDiagnostics, yaml,
} from "../vendor/codemirror/codemirror.js";
import { completionsAt } from "./config_complete.js";
import {
  checkConfig, convert, fillMissing, format, isJsonText, pathParts,
} from "./config_editor.js";

export { scaffold } from "./config_editor.js";

const errorLine = new class extends GutterMarker {
  constructor() {
    super();
    this.elementClass = "error-line";
  }
}();

const theme = EditorView.theme({
  "&": { minHeight: "14rem", maxHeight: "32rem", fontSize: ".85rem", backgroundColor: "#fff" },
  "&.cm-focused": { outline: "2px solid #0969da55" },
  ".cm-scroller": { fontFamily: "ui-monospace, monospace", lineHeight: "1.4", overflow: "auto" },
  ".cm-gutters": { backgroundColor: "#f0f2f5", color: "var(--muted)" },
  ".cm-gutterElement.error-line": { color: "var(--bad)", fontWeight: "700" },
});

const setErrorLines = StateEffect.define();

/** Line starts of the current errors, so every gutter marks those lines. */
const errorLines = StateField.define({
  create: () => new RangeSetBuilder().finish(),
  update(lines, transaction) {
    for (const effect of transaction.effects) if (effect.is(setErrorLines)) return effect.value;
    return lines.map(transaction.changes);
  },
  provide: (field) => gutterLineClass.from(field),
});

/** An error as the list and the server word it: the path first unless the message has it. */
export function describe(error) {
  return error.full ? error.message : `${error.path}: ${error.message}`;
}

/** The editor of one job's run config: text, mode, check, completion. */
export class ConfigEditor {
  /**
   * @param {HTMLElement} parent where the editor goes
   * @param {{text: string, schema: object, onChange: function(): void}} options onChange is
   *   called (outside the editor's update) after every change of the text.
   */
  constructor(parent, { text, schema, onChange }) {
    this.schema = schema || null;
    this.isJson = isJsonText(text);
    this.language = new Compartment();
    const root = parent.attachShadow({ mode: "open" });
    this.view = new EditorView({
      root,
      parent: root,
      state: EditorState.create({
        doc: text,
        extensions: [
          basicSetup,
          theme,
          this.language.of(this.isJson ? json() : yaml()),
          EditorState.tabSize.of(2),
          autocompletion({ override: [(context) => this.complete(context)] }),
          lintGutter(),
          errorLines,
          EditorView.contentAttributes.of({ "aria-label": "Run config (YAML or JSON)" }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) queueMicrotask(onChange);
          }),
        ],
      }),
    });
  }

  /** The editor's text. */
  get text() {
    return this.view.state.doc.toString();
  }

  /** Replace the whole text (an undoable change), cursor at the start. */
  set text(value) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: value },
      selection: { anchor: 0 } });
  }

  /** "JSON" or "YAML": the mode the text is in. */
  get mode() {
    return this.isJson ? "JSON" : "YAML";
  }

  /** Convert the text to JSON or YAML (left as it is when it does not parse). */
  convert(toJson) {
    const text = convert(this.text, toJson);
    if (text !== this.text) this.text = text;
  }

  /**
   * Add what the config lacks of the job's defaults and of the schema's required sections
   * (`skeleton`); the text stays in its format. False when the text does not parse.
   */
  scaffoldMissing(defaults, skeleton) {
    const { value } = checkConfig(this.text, null);
    if (value === null) return false;
    this.text = format(fillMissing(value, fillMissing(defaults || {}, skeleton || {})),
      this.isJson);
    return true;
  }

  /** Drop the entries the schema does not allow. False when the text does not parse. */
  removeExtra() {
    const { value, errors } = checkConfig(this.text, this.schema);
    if (value === null) return false;
    for (const error of errors.filter((item) => item.key !== undefined)) {
      const parent = pathParts(error.path).reduce((node, step) => (node ? node[step] : node),
        value);
      if (parent && typeof parent === "object") delete parent[error.key];
    }
    this.text = format(value, this.isJson);
    return true;
  }

  /**
   * Check the text against the schema: the errors become diagnostics at their keys, their
   * lines are marked in the gutters and the mode follows the text. Returns {value, errors}.
   */
  check() {
    const { state } = this.view;
    const text = state.doc.toString();
    const { value, errors } = checkConfig(text, this.schema);
    const length = state.doc.length;
    const diagnostics = errors.map((error) => {
      const from = Math.max(0, Math.min(error.from ?? 0, length - 1));
      return { from, to: Math.max(from, Math.min(error.to ?? from + 1, length)),
        severity: "error", source: "run config schema", message: describe(error) };
    });
    const starts = [...new Set(errors.map((error) =>
      state.doc.line(Math.min(Math.max(error.line || 1, 1), state.doc.lines)).from))];
    const lines = new RangeSetBuilder();
    for (const start of starts.sort((a, b) => a - b)) lines.add(start, start, errorLine);
    const isJson = isJsonText(text);
    const effects = [...setDiagnostics(state, diagnostics).effects,
      setErrorLines.of(lines.finish())];
    if (isJson !== this.isJson) {
      this.isJson = isJson;
      effects.push(this.language.reconfigure(isJson ? json() : yaml()));
    }
    this.view.dispatch({ effects });
    return { value, errors };
  }

  /** The completion source: schema keys (or enum values) at the cursor's path. */
  complete(context) {
    const text = context.state.doc.toString();
    const found = completionsAt(text, context.pos, this.schema, isJsonText(text));
    if (!found) return null;
    const isValue = found.options.every((option) => option.type === "enum");
    if (!context.explicit && !found.word && !isValue) return null;
    const [before, after] = found.quoted;
    const options = !before ? found.options : found.options.map((option) => ({ ...option,
      // Inside a JSON string: the option replaces the string, quotes included.
      apply: (view, completion, from, to) => {
        const start = from - 1;
        view.dispatch({ changes: { from: start, to: to + (after ? 1 : 0), insert: option.apply },
          selection: { anchor: start + option.apply.length }, userEvent: "input.complete" });
      } }));
    return { from: found.from, to: found.to, options, validFor: /^[\w.-]*$/ };
  }

  /** Take the editor down (its listeners on the window too). */
  destroy() {
    this.view.destroy();
  }

  /** Put the cursor in the editor. */
  focus() {
    this.view.focus();
  }
}
