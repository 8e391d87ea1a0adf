/* The story body's editor in admin (articles/forms.py, StoryBodyEditorWidget).

   django-prose-editor's editor with the tools the widget's configuration lists (the JSON in the
   textarea's data-django-prose-editor-newsroom attribute), started as the package's own
   "configurable" preset starts it, with two differences:
   - Tiptap adds its few base rules in an inline <style> element when the editor mounts, which the
     site's Content-Security-Policy (style-src 'self') refuses; here it adds none, and
     static/css/story_body_editor.css carries those rules.
   - The editable area takes the textarea's lang (ko for the Korean body), so the spelling checker
     and screen readers use the right language, and its label and help text (the admin labels the
     hidden textarea), so a screen reader names the field.
   The editor writes its HTML back into the textarea on every change (and fires "input"), which is
   what the form posts and what static/js/story_autosave.js reads. The server cleans it again. */
import * as prose from "django-prose-editor/editor";

var ATTRIBUTE = "data-django-prose-editor-newsroom";

// Runs before the editor mounts: no injected <style>, and the attributes of the editable element.
var NewsroomEditor = prose.Extension.create({
  name: "newsroomEditor",
  addOptions: function () {
    return { attributes: {} };
  },
  onBeforeCreate: function () {
    var props = Object.assign({}, this.editor.options.editorProps);
    props.attributes = Object.assign({}, props.attributes, this.options.attributes);
    this.editor.setOptions({ injectCSS: false, editorProps: props });
  },
});

// What the editable element says of itself: the textarea's language, label and help text.
function describe(textarea) {
  var attributes = { "aria-multiline": "true" };
  var label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
  if (label) {
    attributes["aria-label"] = label.textContent.trim().replace(/:$/, "");
  }
  if (textarea.lang) {
    attributes.lang = textarea.lang;
  }
  if (textarea.getAttribute("aria-describedby")) {
    attributes["aria-describedby"] = textarea.getAttribute("aria-describedby");
  }
  return attributes;
}

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) {
    return null; // started already
  }
  var config = JSON.parse(textarea.getAttribute(ATTRIBUTE) || "{}");
  var extensions = [];
  Object.entries(config.extensions || {}).forEach(function (entry) {
    var extension = prose[entry[0]];
    if (extension) {
      extensions.push(typeof entry[1] === "object" ? extension.configure(entry[1]) : extension);
    }
  });
  extensions.push(NewsroomEditor.configure({ attributes: describe(textarea) }));
  return prose.createTextareaEditor(textarea, extensions);
}

prose.initializeEditors(createEditor, "[" + ATTRIBUTE + "]");
