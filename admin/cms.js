// Our additions to Decap CMS, loaded by admin/index.html before the CMS starts.
//
// 1. File formats that read and write our files the way the build does:
//    - "area-yaml" for area.yaml, priorities.yaml, patrols.yaml and events.yaml: the
//      three list files hold a list at the top level, which Decap cannot edit by
//      itself (decaporg/decap-cms#531), so the list is shown as one field, "items";
//      every file keeps its first line, the schema line editors' tools read.
//    - "pelican-markdown" for updates and pages: reads YAML front matter ("---" fenced)
//      and Pelican's "Key: value" header alike (as loading/updates.py does), and writes
//      front matter, so an existing file opened and saved keeps every field.
// 2. A guard against a form showing another file's data (see openedEntry below).
// 3. It reads config.yml itself (see the end). `invoke cms` serves a copy whose
//    local_backend points at its decap-server; the published file is never changed.
import { parse, stringify } from "./yaml/index.js";

const CMS = window.CMS;
const LIST = "items";
const STRINGIFY = { lineWidth: 0, indent: 2, indentSeq: false };

const SCHEMA_KEY = "#schema";

// Decap gives a format the file's text or data, never its name, so the schema line read
// from the file travels with the data; a new file's is worked out from what it holds.
function schemaLine(data, value) {
  if (typeof data[SCHEMA_KEY] === "string") return data[SCHEMA_KEY];
  let kind = "area";
  if (Array.isArray(value)) {
    const first = value[0] || {};
    kind = "when" in first ? "patrols" : "start" in first ? "events" : "priorities";
  }
  return `# yaml-language-server: $schema=../../schemas/${kind}.schema.json`;
}

// area.yaml, priorities.yaml, patrols.yaml and events.yaml (a list file's top-level list
// becomes the one field "items"; Decap's format is chosen per collection, not per file).
const areaFiles = {
  fromFile(text) {
    const source = text || "";
    const first = source.split("\n", 1)[0];
    const value = parse(source) ?? {};
    const data = Array.isArray(value) ? { [LIST]: value } : value;
    if (first.startsWith("# yaml-language-server:")) data[SCHEMA_KEY] = first;
    return data;
  },
  toFile(data) {
    const { [SCHEMA_KEY]: _line, ...rest } = data;
    const keys = Object.keys(rest);
    const value = withoutEmpty(keys.length === 1 && keys[0] === LIST ? rest[LIST] || [] : rest);
    return `${schemaLine(data, value)}\n${stringify(value, STRINGIFY)}`;
  },
};

// A new entry added in the form holds every field, the optional ones empty ("" or
// null); the models read a missing field as "not given" but refuse an empty text, so
// empty fields are left out (as for updates). Lists, even empty ones, are kept.
function withoutEmpty(value) {
  if (Array.isArray(value)) return value.map(withoutEmpty);
  if (value === null || typeof value !== "object") return value;
  const kept = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === "" || item === null || item === undefined) continue;
    kept[key] = withoutEmpty(item);
  }
  return kept;
}

const HEADER_LINE = /^([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*)$/;

// Pelican's header: "Key: value" lines up to the first blank line; an indented line
// continues the value above it.
function readPelicanHeader(text) {
  const rows = text.split("\n");
  const data = {};
  let last = null;
  let index = 0;
  for (; index < rows.length; index += 1) {
    const row = rows[index];
    if (!row.trim()) break;
    const match = HEADER_LINE.exec(row);
    if (match) {
      last = match[1].toLowerCase();
      data[last] = match[2].trim();
    } else if (last && /^[ \t]/.test(row)) {
      data[last] = `${data[last]} ${row.trim()}`.trim();
    } else {
      break;
    }
  }
  if (!Object.keys(data).length) return { body: text };
  if (typeof data.areas === "string") {
    data.areas = data.areas.split(",").map((s) => s.trim()).filter(Boolean);
  }
  data.body = rows.slice(index).join("\n").replace(/^\n+/, "");
  return data;
}

function readFrontMatter(text) {
  const rows = text.split("\n");
  const close = rows.findIndex((row, i) => i > 0 && (row.trimEnd() === "---" || row.trimEnd() === "..."));
  if (close < 0) return { body: text };
  const parsed = parse(rows.slice(1, close).join("\n")) || {};
  const data = {};
  for (const [key, value] of Object.entries(parsed)) data[key.toLowerCase()] = value;
  data.body = rows.slice(close + 1).join("\n").replace(/^\n+/, "");
  return data;
}

const pelicanMarkdown = {
  fromFile(text) {
    const source = (text || "").replace(/\r\n?/g, "\n");
    return source.split("\n", 1)[0].trim() === "---" ? readFrontMatter(source) : readPelicanHeader(source);
  },
  toFile(data) {
    const { body = "", ...meta } = data;
    for (const [key, value] of Object.entries(meta)) {
      if (value === "" || value === null || value === undefined || (Array.isArray(value) && !value.length)) {
        delete meta[key];
      }
    }
    return `---\n${stringify(meta, STRINGIFY)}---\n\n${body.trim()}\n`;
  },
};

CMS.registerCustomFormat("area-yaml", "yaml", areaFiles);
CMS.registerCustomFormat("pelican-markdown", "md", pelicanMarkdown);

// Decap keeps the form it has open when the address changes from one entry's form
// straight to another's (the Back and Forward buttons, a bookmark, an edited address):
// the new file's form then shows the old file's data. From area.yaml to
// priorities.yaml that is "0 entries", and saving would write the wrong data into the
// file. Opening the same file from the collection's list loads it afresh; a direct
// change of entry reloads the page, which does the same (Decap asks first when the
// open form has unsaved changes).
const ENTRY_ROUTE = /^#\/collections\/[^/?]+\/entries\/[^?]+/;
function openedEntry(url) {
  const match = ENTRY_ROUTE.exec(new URL(url).hash);
  return match ? match[0] : null;
}
window.addEventListener("hashchange", (event) => {
  const before = openedEntry(event.oldURL);
  const after = openedEntry(event.newURL);
  if (before && after && before !== after) window.location.reload();
});

// The configuration is read here rather than by Decap, which refuses config.yml when the
// host does not send it as YAML (nginx and Python's server send an unknown type).
const response = await fetch("config.yml", { cache: "no-cache" });
const config = parse(await response.text());
config.load_config_file = false;
CMS.init({ config });
