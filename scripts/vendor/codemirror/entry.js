// The one module the launchpad's editor imports (bundled by scripts/vendor-codemirror).
// Only what js/code_editor.js uses is exported, so the rest is tree-shaken away.
export { basicSetup } from "codemirror";
export { Compartment, EditorState, RangeSetBuilder, StateEffect, StateField } from "@codemirror/state";
export { EditorView, GutterMarker, gutterLineClass } from "@codemirror/view";
export { autocompletion } from "@codemirror/autocomplete";
export { lintGutter, setDiagnostics } from "@codemirror/lint";
export { json } from "@codemirror/lang-json";
export { yaml } from "@codemirror/lang-yaml";
