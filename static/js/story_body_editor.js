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
   what the form posts and what static/js/story_autosave.js reads. The server cleans it again.

   Photos: the Image tool is `BodyPhoto`, a photo of the library placed in the body as a block of
   its own (`<img data-photo="12" src alt>`, articles/rich_text.py). Its "Insert photo" button opens
   a dialog that searches the library (the textarea's data-photo-picker: the search's address and
   the dialog's words, from articles/forms.py) and places the chosen photo at the cursor. The page
   draws the photo from the library's row, with its caption and credit; `src` and `alt` are for the
   editor alone. */
import * as prose from "django-prose-editor/editor";

var ATTRIBUTE = "data-django-prose-editor-newsroom";
var PICKER_ATTRIBUTE = "data-photo-picker";
// Wait this long after the last key before searching (ms).
var SEARCH_DELAY = 250;
var pickerCount = 0;

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

// An element with properties (and data-, aria- and role attributes) and children.
function element(tagName, properties, children) {
  var node = document.createElement(tagName);
  Object.entries(properties || {}).forEach(function (entry) {
    if (/^(data-|aria-|role$)/.test(entry[0])) {
      node.setAttribute(entry[0], entry[1]);
    } else {
      node[entry[0]] = entry[1];
    }
  });
  (children || []).forEach(function (child) {
    node.append(child);
  });
  return node;
}

// The dialog of "Insert photo": a search field, the photos found (each a button), Cancel. Escape
// closes it too; either way the focus goes back to the editor, at the cursor it left.
function openPhotoPicker(editor, picker, language) {
  var labels = picker.labels;
  var id = "photo-picker-" + ++pickerCount;
  var search = element("input", {
    id: id + "-search",
    type: "search",
    className: "photo-picker-search",
    autocomplete: "off",
    spellcheck: false,
    "aria-describedby": id + "-help",
  });
  var status = element("p", { id: id + "-status", className: "photo-picker-status", role: "status" });
  var results = element("ul", { className: "photo-picker-results" });
  var cancel = element("button", { type: "button", className: "photo-picker-cancel", textContent: labels.cancel });
  var dialog = element("dialog", { className: "prose-editor-dialog photo-picker", "aria-labelledby": id + "-title" }, [
    element("h2", { id: id + "-title", className: "prose-editor-dialog-title", textContent: labels.title }),
    element("label", { htmlFor: search.id, textContent: labels.search }),
    search,
    element("p", { id: id + "-help", className: "photo-picker-help", textContent: labels.help }),
    status,
    results,
    element("div", { className: "photo-picker-buttons" }, [cancel]),
  ]);
  var asked = 0;
  var timer = null;

  function show(answer) {
    results.textContent = "";
    answer.results.forEach(function (photo) {
      var words = photo.words[language];
      var choice = element("button", { type: "button", className: "photo-picker-choice" }, [
        element("img", { className: "photo-picker-thumbnail", src: photo.thumbnail, width: 150, height: 100, alt: "" }),
        element("span", { className: "photo-picker-words", lang: words.lang, textContent: words.text }),
        element("span", { className: "photo-picker-credit", textContent: photo.credit }),
      ]);
      choice.addEventListener("click", function () {
        place(photo);
      });
      results.append(element("li", {}, [choice]));
    });
    status.textContent = answer.message;
  }

  function find() {
    var number = ++asked;
    status.textContent = labels.loading;
    fetch(picker.url + "?q=" + encodeURIComponent(search.value.trim()), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("photo search answered " + response.status);
        }
        return response.json();
      })
      .then(function (answer) {
        if (number === asked) {
          show(answer);
        }
      })
      .catch(function () {
        if (number === asked) {
          status.textContent = labels.failed;
        }
      });
  }

  function place(photo) {
    dialog.close();
    editor
      .chain()
      .focus()
      .insertContent({ type: "image", attrs: { src: photo.src, alt: photo.alt[language], photo: String(photo.id) } })
      .run();
  }

  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(find, SEARCH_DELAY);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault(); // search now; never send the story form
      clearTimeout(timer);
      find();
    }
  });
  cancel.addEventListener("click", function () {
    dialog.close();
  });
  dialog.addEventListener("close", function () {
    clearTimeout(timer);
    dialog.remove();
    editor.commands.focus();
  });
  // Outside the story form: nothing in the dialog sends it.
  document.body.append(dialog);
  dialog.showModal();
  find();
}

// A photo of the library in the body: Tiptap's Image (a block node) with the photo's id, read from
// <img data-photo> only (an image naming no photo is no photo of ours; the server drops it too).
var BodyPhoto = prose.Image.extend({
  addOptions: function () {
    return Object.assign({}, this.parent ? this.parent() : {}, { picker: null, language: "en" });
  },
  parseHTML: function () {
    return [{ tag: "img[data-photo]" }];
  },
  addAttributes: function () {
    return Object.assign({}, this.parent ? this.parent() : {}, {
      photo: {
        default: null,
        parseHTML: function (node) {
          return node.getAttribute("data-photo");
        },
        renderHTML: function (attributes) {
          return attributes.photo ? { "data-photo": attributes.photo } : {};
        },
      },
    });
  },
  addMenuItems: function (menuStorage) {
    var picker = this.options.picker;
    var language = this.options.language;
    if (!picker) {
      return;
    }
    menuStorage.menu.defineItem({
      name: "insertPhoto",
      groups: "nodes",
      button: menuStorage.buttons.material("add_photo_alternate", picker.labels.button),
      enabled: function (editor) {
        return editor.isEditable;
      },
      command: function (editor) {
        openPhotoPicker(editor, picker, language);
      },
    });
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
    if (entry[0] === "Image") {
      var picker = JSON.parse(textarea.getAttribute(PICKER_ATTRIBUTE) || "null");
      extensions.push(BodyPhoto.configure({ picker: picker, language: textarea.lang === "ko" ? "ko" : "en" }));
      return;
    }
    var extension = prose[entry[0]];
    if (extension) {
      extensions.push(typeof entry[1] === "object" ? extension.configure(entry[1]) : extension);
    }
  });
  extensions.push(NewsroomEditor.configure({ attributes: describe(textarea) }));
  return prose.createTextareaEditor(textarea, extensions);
}

prose.initializeEditors(createEditor, "[" + ATTRIBUTE + "]");
