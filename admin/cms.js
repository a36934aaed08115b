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
// 2. It reads config.yml itself (see below). On this computer only (localhost), "?proxy=PORT" points the CMS at a decap-server
//    on that port (invoke cms); nothing changes on the published site.
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
    const value = keys.length === 1 && keys[0] === LIST ? rest[LIST] || [] : rest;
    return `${schemaLine(data, value)}\n${stringify(value, STRINGIFY)}`;
  },
};

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

// The configuration is read here rather than by Decap, which refuses config.yml when the
// host does not send it as YAML (nginx and Python's server send an unknown type).
const response = await fetch("config.yml", { cache: "no-cache" });
const config = parse(await response.text());
config.load_config_file = false;
const proxy = new URLSearchParams(window.location.search).get("proxy");
if (/^\d{2,5}$/.test(proxy || "") && ["localhost", "127.0.0.1"].includes(window.location.hostname)) {
  config.local_backend = {
    url: `http://${window.location.hostname}:${proxy}/api/v1`,
    allowed_hosts: ["localhost", "127.0.0.1"],
  };
  // decap-server writes straight into the working copy: no branches, no pull requests.
  config.publish_mode = "simple";
}
CMS.init({ config });
